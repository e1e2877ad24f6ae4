// What every API module provides: its key, the versions it serves, and a handler from the decoded request
// body to the response body. Handlers return Kafka error codes inside the response; they throw only for
// bugs, or ConnectionFatalError when Kafka would close the connection.
import type { Message } from '../../protocol/codec.ts';
import type { RequestHeader } from '../../protocol/frames.ts';
import type { Broker } from '../broker.ts';
import type { ConnectionInfo } from '../server/connection.ts';

export interface ApiContext {
  broker: Broker;
  connection: ConnectionInfo;
  header: RequestHeader;
}

/** The response body, or null when the request gets no response (Produce with acks=0). */
export type ApiHandler = (body: Message, ctx: ApiContext) => Promise<Message | null> | Message | null;

export interface ApiDefinition {
  key: number;
  minVersion: number;
  maxVersion: number;
  handle: ApiHandler;
}

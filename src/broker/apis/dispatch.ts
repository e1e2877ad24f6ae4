// Turns a request frame into a response frame: header, version check, body decode, handler, encode.
// Kafka's rules for what cannot be answered: an unknown API key, an unsupported version of any API but
// ApiVersions, or a body that does not decode closes the connection; ApiVersions with a version we do not
// serve is answered with UNSUPPORTED_VERSION and our range, in the v0 encoding every client reads.
import type { Logger } from 'pino';
import { decodeMessage } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { apiSchema, decodeRequestHeader, encodeResponse } from '../../protocol/frames.ts';
import { MalformedMessageError, Reader } from '../../protocol/primitives/reader.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import { ConnectionFatalError, type FrameHandler } from '../server/connection.ts';
import type { ApiDefinition } from './api.ts';
import { apiVersionsList } from './api-versions.ts';

export function createDispatcher(broker: Broker, served: ApiDefinition[], logger: Logger): FrameHandler {
  const byKey = new Map(served.map((api) => [api.key, api]));
  return async (frame, connection) => {
    const reader = new Reader(frame);
    let header: ReturnType<typeof decodeRequestHeader>;
    try {
      header = decodeRequestHeader(reader);
    } catch (err) {
      throw new ConnectionFatalError(`malformed request header: ${(err as Error).message}`);
    }
    const { apiKey, apiVersion, correlationId } = header;
    const api = byKey.get(apiKey);
    if (!api) throw new ConnectionFatalError(`unknown or unsupported API key ${apiKey}`);
    if (apiVersion < api.minVersion || apiVersion > api.maxVersion) {
      if (apiKey === API_KEYS.ApiVersions) {
        return encodeResponse(apiKey, 0, correlationId, {
          errorCode: ERRORS.UNSUPPORTED_VERSION.code,
          apiKeys: apiVersionsList(served),
        });
      }
      throw new ConnectionFatalError(`unsupported version ${apiVersion} of API key ${apiKey}`);
    }
    let body: ReturnType<typeof decodeMessage>;
    try {
      body = decodeMessage(apiSchema(apiKey)!.request, apiVersion, reader);
    } catch (err) {
      if (err instanceof MalformedMessageError) {
        throw new ConnectionFatalError(`malformed API ${apiKey} v${apiVersion} request: ${err.message}`);
      }
      throw err;
    }
    const response = await api.handle(body, { broker, connection, header });
    if (response === null) return null;
    logger.trace({ apiKey, apiVersion, correlationId }, 'answered');
    return encodeResponse(apiKey, apiVersion, correlationId, response);
  };
}

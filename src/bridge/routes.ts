// How an API operation is declared: once, with its path, request body, responses and handler. The server
// registers the handler and checks content types and bodies from the declaration, and the OpenAPI
// document is built from the same declarations, so the two cannot drift apart. Consumer routes (a
// separate module) plug in as one more list of operations through `BridgeRoutesPlugin`.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BridgeConfig } from './config.ts';
import type { EmbeddedFormat } from './content-types.ts';
import type { JsonSchema, NamedSchema } from './schemas.ts';

export interface OperationResponse {
  description: string;
  /** Media types the response body may have; none for an empty body. */
  contentTypes?: string[];
  schema?: NamedSchema;
}

export interface OperationParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

/** What a handler receives: path and query parameters as strings, the body parsed and validated. */
export interface OperationRequest {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
  /** The validated body, when the operation declares one. */
  body: unknown;
  /** The embedded format the request's Content-Type names, if it names one. */
  format: EmbeddedFormat | undefined;
}

/** What a handler answers: a status, and a body with its media type unless the status has none. */
export interface OperationReply {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface BridgeOperation {
  operationId: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** OpenAPI path template, e.g. /topics/{topicname}. */
  path: string;
  description: string;
  tags: string[];
  parameters?: OperationParameter[];
  requestBody?: { contentTypes: string[]; schema: NamedSchema; required: boolean };
  responses: Record<number, OperationResponse>;
  handle(request: OperationRequest): Promise<OperationReply>;
}

/** What the bridge hands to route plugins: its config, logger, metrics registry and Kafka settings. */
export interface BridgeContext {
  config: BridgeConfig;
  logger: Logger;
  registry: Registry;
}

/**
 * A group of operations with a lifecycle of its own (e.g. consumer instances and their idle reaper):
 * `operations` are served and documented with the bridge's own, `close` runs when the bridge stops.
 */
export interface BridgeRoutesPlugin {
  operations: BridgeOperation[];
  close(): Promise<void>;
}

export type BridgeRoutesFactory = (
  context: BridgeContext,
) => BridgeRoutesPlugin | Promise<BridgeRoutesPlugin>;

/** The Fastify path of an OpenAPI path template: /topics/{topicname} → /topics/:topicname. */
export function fastifyPath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, ':$1');
}

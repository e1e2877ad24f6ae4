// The HTTP bridge: the API on http.host:http.port and, as in Strimzi, /healthy, /ready and /metrics on a
// management port of their own. Every operation is declared once (routes.ts); this module registers
// the declarations with Fastify, checks request bodies, turns errors into `{error_code, message}`
// bodies and counts requests.
import type { AddressInfo, Socket } from 'node:net';
import cors from '@fastify/cors';
import Fastify, { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import packageJson from '../../package.json' with { type: 'json' };
import type { BridgeConfig } from './config.ts';
import { consumerRoutes } from './consumers/consumer-routes.ts';
import { embeddedFormatOf, JSON_TYPE, KAFKA_JSON } from './content-types.ts';
import { BridgeHttpError } from './errors.ts';
import { type BridgeMetrics, createBridgeMetrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { BridgeProducer } from './producer.ts';
import { producerOperations } from './producer-operations.ts';
import { firstHeaderValue } from './proxy-headers.ts';
import { createBodyValidator, readRequestBody } from './request-body.ts';
import {
  type BridgeOperation,
  type BridgeRoutesFactory,
  type BridgeRoutesPlugin,
  fastifyPath,
  type OperationReply,
  type OperationRequest,
} from './routes.ts';
import { BRIDGE_INFO } from './schemas.ts';
import { type HttpsOptions, httpsOptions } from './tls.ts';
import { topicOperations } from './topic-operations.ts';
import { BridgeTopics } from './topics.ts';

export interface BridgeOptions {
  /** More operations served by the bridge, e.g. the consumer routes. */
  routes?: BridgeRoutesFactory[];
}

export interface Bridge {
  /** Listens on both ports (0 = any free one) and says which ones it got. */
  start(): Promise<{ port: number; managementPort: number }>;
  stop(): Promise<void>;
}

/** Large enough for batches of big records; Fastify's default of 1 MiB is not. */
const BODY_LIMIT = 16 * 1024 * 1024;

export function createBridge(config: BridgeConfig, logger: Logger, options: BridgeOptions = {}): Bridge {
  const metrics = createBridgeMetrics();
  const closers: (() => Promise<void>)[] = [];
  let ready = false;

  const start = async () => {
    try {
      const topics = new BridgeTopics(config, logger);
      closers.push(() => topics.close());
      const operations = topicOperations(topics);
      if (config.http.producerEnabled) {
        const producer = new BridgeProducer(config, logger);
        closers.push(() => producer.close());
        operations.push(...producerOperations(producer));
      }
      for (const factory of [consumerRoutes, ...(options.routes ?? [])]) {
        const plugin: BridgeRoutesPlugin = await factory({ config, logger, registry: metrics.registry });
        closers.push(() => plugin.close());
        operations.push(...plugin.operations);
      }
      const management = managementOperations(metrics, () => ready);
      const all = [...operations, ...management];
      let documentText = '';
      const api = [...operations, ...infoOperations(() => documentText)];
      documentText = JSON.stringify(openApiDocument([...api, ...management], packageJson.version));

      const https = config.http.tls ? await httpsOptions(config.http.tls) : undefined;
      const apiApp = await httpApp(api, config, logger, metrics, https);
      closers.push(() => apiApp.close());
      const managementApp = await httpApp(management, config, logger, metrics);
      closers.push(() => managementApp.close());
      await apiApp.listen({ host: config.http.host, port: config.http.port });
      await managementApp.listen({ host: config.http.host, port: config.http.managementPort });
      ready = true;
      const port = (apiApp.server.address() as AddressInfo).port;
      const managementPort = (managementApp.server.address() as AddressInfo).port;
      logger.info({ port, managementPort, operations: all.length }, 'bridge listening');
      return { port, managementPort };
    } catch (err) {
      await stop();
      throw err;
    }
  };

  const stop = async () => {
    ready = false;
    // Servers first (no new requests), then the clients they used; in reverse order of creation.
    for (const close of closers.splice(0).reverse()) {
      await close().catch((err: unknown) => logger.warn({ err }, 'error while stopping the bridge'));
    }
  };

  return { start, stop };
}

async function httpApp(
  operations: BridgeOperation[],
  config: BridgeConfig,
  logger: Logger,
  metrics: BridgeMetrics,
  https?: HttpsOptions,
) {
  const app = Fastify({
    ...(https ? { https } : {}),
    loggerInstance: logger,
    // A line per request would swamp the log at bridge rates; failures are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
  });
  // Bodies stay text until their operation has checked the Content-Type, before their syntax.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  if (config.http.cors.enabled) {
    const origins = config.http.cors.allowedOrigins;
    await app.register(cors, {
      origin: origins === '*' ? '*' : new RegExp(`^(?:${origins})$`),
      methods: config.http.cors.allowedMethods,
    });
  }
  const validate = createBodyValidator();
  for (const operation of operations) {
    app.route({
      method: operation.method,
      url: fastifyPath(operation.path),
      config: { operationId: operation.operationId },
      handler: async (request, reply) => {
        const contentType = request.headers['content-type'];
        const body = operation.requestBody
          ? readRequestBody(contentType, request.body as string | undefined, operation.requestBody, validate)
          : undefined;
        const answer = await operation.handle({
          params: request.params as Record<string, string>,
          query: request.query as Record<string, string | undefined>,
          headers: request.headers,
          body,
          format: embeddedFormatOf(contentType),
        });
        return send(reply, answer);
      },
    });
  }
  app.setNotFoundHandler((_request, reply) => send(reply, errorReply(new BridgeHttpError(404, 'Not Found'))));
  app.setErrorHandler((err: Error, request, reply) => {
    if (err instanceof BridgeHttpError) return send(reply, errorReply(err));
    // Fastify's own refusals (body too large, malformed request…) keep their 4xx status.
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return send(reply, errorReply(new BridgeHttpError(status, err.message)));
    }
    request.log.error({ err, url: request.url }, 'request failed');
    return send(reply, errorReply(new BridgeHttpError(500, err.message || 'Internal Server Error')));
  });
  const answered = new WeakMap<FastifyRequest, (answer?: { status: number; seconds: number }) => void>();
  app.addHook('onRequest', async (request: FastifyRequest) => {
    answered.set(request, metrics.requestStarted(request.url.split('?', 1)[0] ?? '/', request.method));
  });
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    answered.get(request)?.({ status: reply.statusCode, seconds: reply.elapsedTime / 1000 });
    answered.delete(request);
  });
  app.addHook('onRequestAbort', async (request: FastifyRequest) => {
    answered.get(request)?.();
    answered.delete(request);
  });
  app.server.on('connection', (socket: Socket) => socket.once('close', metrics.connectionOpened()));
  return app;
}

function errorReply(err: BridgeHttpError): OperationReply {
  return { status: err.status, contentType: KAFKA_JSON, body: err.body() };
}

function send(reply: FastifyReply, answer: OperationReply): FastifyReply {
  reply.code(answer.status);
  if (answer.headers) reply.headers(answer.headers);
  if (answer.body === undefined) return reply.send();
  reply.header('content-type', answer.contentType ?? KAFKA_JSON);
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  // Bytes, not a string: Fastify would append a charset parameter the API's media types do not carry.
  return reply.send(Buffer.from(text));
}

/** GET /, /openapi and /openapi/v3, on the API port. */
function infoOperations(document: () => string): BridgeOperation[] {
  const openapi = (operationId: string, path: string): BridgeOperation => ({
    operationId,
    method: 'GET',
    path,
    description: 'This OpenAPI document.',
    tags: ['Info'],
    responses: { 200: { description: 'The OpenAPI document', contentTypes: [JSON_TYPE] } },
    handle: async ({ headers }) => ({
      status: 200,
      contentType: JSON_TYPE,
      body: documentBehindProxy(document(), headers),
    }),
  });
  return [
    {
      operationId: 'info',
      method: 'GET',
      path: '/',
      description: 'The bridge version.',
      tags: ['Info'],
      responses: {
        200: { description: 'Bridge information', contentTypes: [JSON_TYPE], schema: BRIDGE_INFO },
      },
      handle: async () => ({
        status: 200,
        contentType: JSON_TYPE,
        body: { bridge_version: packageJson.version },
      }),
    },
    openapi('openapi', '/openapi'),
    openapi('openapiv3', '/openapi/v3'),
  ];
}

/**
 * The document as seen through a gateway that serves the bridge under a path of its own and says so in
 * X-Forwarded-Path or X-Forwarded-Prefix (the path wins when both are set, as in Strimzi). Strimzi
 * writes that path into Swagger 2's `basePath`; OpenAPI 3 says it with `servers`.
 */
function documentBehindProxy(document: string, headers: OperationRequest['headers']): string {
  const path =
    firstHeaderValue(headers['x-forwarded-path']) ?? firstHeaderValue(headers['x-forwarded-prefix']);
  if (path === undefined) return document;
  return JSON.stringify({ ...JSON.parse(document), servers: [{ url: path }] });
}

/** /healthy, /ready and /metrics, on the management port. */
function managementOperations(metrics: BridgeMetrics, isReady: () => boolean): BridgeOperation[] {
  const probe = (operationId: string, description: string): BridgeOperation => ({
    operationId,
    method: 'GET',
    path: `/${operationId}`,
    description,
    tags: ['Management'],
    responses: { 200: { description: 'Yes' }, 500: { description: 'No' } },
    handle: async () => ({ status: isReady() ? 200 : 500 }),
  });
  return [
    probe('healthy', 'Whether the bridge is running.'),
    probe('ready', 'Whether the bridge is ready to serve requests.'),
    {
      operationId: 'metrics',
      method: 'GET',
      path: '/metrics',
      description: 'Metrics in the Prometheus text format.',
      tags: ['Management'],
      responses: { 200: { description: 'Metrics', contentTypes: ['text/plain'] } },
      handle: async () => ({
        status: 200,
        contentType: metrics.registry.contentType,
        body: await metrics.registry.metrics(),
      }),
    },
  ];
}

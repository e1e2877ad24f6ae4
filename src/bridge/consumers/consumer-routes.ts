// The consumer operations of the API: create an instance in a group, subscribe / assign, poll, commit,
// seek, delete. Each request addressing an instance this replica does not hold is relayed to the
// replica that holds it when a directory of instances is configured, and only then answered 404.
import { randomUUID } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import { EMBEDDED_FORMATS, embeddedType, KAFKA_JSON, mediaType } from '../content-types.ts';
import { BridgeHttpError, notFound, schemaViolation } from '../errors.ts';
import { baseClientOptions } from '../kafka-options.ts';
import { forwardToOwner } from '../replicas/forward.ts';
import type { InstanceDirectory } from '../replicas/instance-directory.ts';
import { openInstanceDirectory } from '../replicas/kafka-directory.ts';
import type {
  BridgeContext,
  BridgeOperation,
  BridgeRoutesPlugin,
  OperationParameter,
  OperationReply,
  OperationRequest,
  OperationResponse,
} from '../routes.ts';
import { ERROR } from '../schemas.ts';
import { consumerBaseUri } from './base-uri.ts';
import { type ConsumerInstance, MUTUALLY_EXCLUSIVE, NOT_SUBSCRIBED } from './instance.ts';
import { ConsumerInstances, INSTANCE_NOT_FOUND, kafkaInstanceFactory } from './instances.ts';
import type { TopicPartition } from './positions.ts';
import { pollResponseBody } from './record-json.ts';
import {
  CONSUMER,
  CONSUMER_RECORD_LIST,
  CREATED_CONSUMER,
  OFFSET_COMMIT_SEEK_LIST,
  PARTITIONS,
  SUBSCRIBED_TOPIC_LIST,
  TOPICS,
} from './schemas.ts';
import {
  CONSUMER_PROPERTIES,
  type CreateConsumerBody,
  consumerFormat,
  consumerSettings,
} from './settings.ts';

/** Strimzi's poll timeout when the request names none. */
const DEFAULT_POLL_TIMEOUT_MS = 100;

const GROUP: OperationParameter = {
  name: 'groupid',
  in: 'path',
  required: true,
  description: 'The consumer group',
  schema: { type: 'string' },
};
const NAME: OperationParameter = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'The consumer instance',
  schema: { type: 'string' },
};
const POLL_PARAMETERS: OperationParameter[] = [
  {
    name: 'timeout',
    in: 'query',
    required: false,
    description: `How long the poll may wait for records, in milliseconds (default ${DEFAULT_POLL_TIMEOUT_MS})`,
    schema: { type: 'integer' },
  },
  {
    name: 'max_bytes',
    in: 'query',
    required: false,
    description: 'The largest answer, in bytes, the client takes; a larger one is a 422',
    schema: { type: 'integer' },
  },
];

const error = (description: string, contentTypes = [KAFKA_JSON]): OperationResponse => ({
  description,
  contentTypes,
  schema: ERROR,
});
const NOT_FOUND_RESPONSE = error(
  'The consumer instance was not found (or a partition is not assigned to it)',
);
const NO_CONTENT: OperationResponse = { description: 'Done' };
const RECORD_TYPES = [...EMBEDDED_FORMATS.map(embeddedType), KAFKA_JSON];

const CREATE_CONSUMER: Omit<BridgeOperation, 'handle'> = {
  operationId: 'createConsumer',
  method: 'POST',
  path: '/consumers/{groupid}',
  description: 'Creates a consumer instance in the group and answers with the base URI of its requests.',
  tags: ['Consumers'],
  parameters: [GROUP],
  requestBody: { contentTypes: [KAFKA_JSON], schema: CONSUMER, required: false },
  responses: {
    200: { description: 'Created', contentTypes: [KAFKA_JSON], schema: CREATED_CONSUMER },
    409: error('A consumer instance with this name exists already'),
    422: error('Invalid consumer configuration'),
  },
};

/** http.consumer.enabled=false: creating an instance is refused as Strimzi refuses it. */
function consumersDisabled(): BridgeOperation {
  return {
    ...CREATE_CONSUMER,
    responses: {
      ...CREATE_CONSUMER.responses,
      503: error('Consumers are disabled (http.consumer.enabled=false)'),
    },
    handle: async () => {
      throw new BridgeHttpError(
        503,
        'Consumer is disabled in config. To enable consumer update http.consumer.enabled to true',
      );
    },
  };
}

/**
 * The consumer routes as the bridge serves them: with the directory of instances shared by the replicas
 * of the deployment when bridge.replica.url is set (replicas/kafka-directory.ts), alone otherwise.
 */
export async function consumerRoutes(context: BridgeContext): Promise<BridgeRoutesPlugin> {
  if (!context.config.http.consumerEnabled)
    return { operations: [consumersDisabled()], close: async () => {} };
  const directory = await openInstanceDirectory(context);
  const plugin = createConsumerRoutes(context, directory);
  return {
    operations: plugin.operations,
    async close() {
      // Instances first: closing them releases their entries in the directory.
      await plugin.close();
      await directory?.close();
    },
  };
}

/** The consumer routes; `directory` shares instances across the replicas of one deployment. */
export function createConsumerRoutes(
  context: BridgeContext,
  directory?: InstanceDirectory,
): BridgeRoutesPlugin {
  const { config, logger } = context;
  const client = baseClientOptions(config, 'consumer');
  const ignored = client.ignored.filter((name) => !CONSUMER_PROPERTIES.some((p) => name.endsWith(`.${p}`)));
  if (ignored.length > 0)
    logger.warn({ properties: ignored }, 'consumer properties without effect in this bridge');
  let admin: Admin | undefined;
  const instances = new ConsumerInstances<ConsumerInstance>({
    timeoutSeconds: config.http.consumerTimeoutSeconds,
    logger,
    directory,
    create: kafkaInstanceFactory({
      clientOptions: client.options,
      logger,
      listTopics: () => {
        admin ??= new Admin(baseClientOptions(config, 'admin').options);
        return admin.listTopics();
      },
    }),
  });
  const configured = { ...config.kafka.common, ...config.kafka.consumer };

  /** An operation on an existing instance: here, else at the replica holding it, else 404. */
  const onInstance = (
    declaration: Omit<BridgeOperation, 'handle' | 'tags'>,
    run: (instance: ConsumerInstance, request: OperationRequest) => Promise<OperationReply>,
    validate: (request: OperationRequest) => void = () => {},
  ): BridgeOperation => {
    const operation: BridgeOperation = {
      ...declaration,
      tags: ['Consumers'],
      async handle(request) {
        validate(request);
        const instance = instances.get(request.params.groupid, request.params.name);
        if (instance) return run(instance, request);
        const relayed = await forwardToOwner(directory, operation, request);
        if (relayed) return relayed;
        throw notFound(INSTANCE_NOT_FOUND);
      },
    };
    return operation;
  };
  const done = async (work: Promise<void>): Promise<OperationReply> => {
    await work;
    return { status: 204 };
  };

  const createConsumer: BridgeOperation = {
    ...CREATE_CONSUMER,
    async handle(request) {
      const group = request.params.groupid;
      const body = (request.body ?? {}) as CreateConsumerBody;
      consumerFormat(body);
      const name = body.name ?? `${config.bridgeId ?? 'kafka-bridge-consumer'}-${randomUUID()}`;
      const path = `/consumers/${encodeURIComponent(group)}`;
      const baseUri = consumerBaseUri(request.headers, path, name, config.http.tls ? 'https' : 'http');
      await instances.create(group, name, () => consumerSettings(configured, body));
      return { status: 200, contentType: KAFKA_JSON, body: { instance_id: name, base_uri: baseUri } };
    },
  };

  const deleteConsumer: BridgeOperation = {
    operationId: 'deleteConsumer',
    method: 'DELETE',
    path: '/consumers/{groupid}/instances/{name}',
    description: 'Deletes the consumer instance (with enable.auto.commit, committing what it polled).',
    tags: ['Consumers'],
    parameters: [GROUP, NAME],
    responses: { 204: NO_CONTENT, 404: NOT_FOUND_RESPONSE },
    async handle(request) {
      if (await instances.delete(request.params.groupid, request.params.name)) return { status: 204 };
      const relayed = await forwardToOwner(directory, deleteConsumer, request);
      if (relayed) return relayed;
      throw notFound(INSTANCE_NOT_FOUND);
    },
  };

  const operations: BridgeOperation[] = [
    createConsumer,
    deleteConsumer,
    onInstance(
      {
        operationId: 'subscribe',
        method: 'POST',
        path: '/consumers/{groupid}/instances/{name}/subscription',
        description:
          'Subscribes to a list of topics or to the topics matching a pattern (replacing any before).',
        parameters: [GROUP, NAME],
        requestBody: { contentTypes: [KAFKA_JSON], schema: TOPICS, required: true },
        responses: {
          204: NO_CONTENT,
          404: NOT_FOUND_RESPONSE,
          409: error(MUTUALLY_EXCLUSIVE),
          422: error('Neither topics nor topic_pattern'),
        },
      },
      (instance, request) => {
        const body = request.body as { topics?: string[]; topic_pattern?: string };
        if (body.topics !== undefined && body.topic_pattern !== undefined) {
          throw new BridgeHttpError(409, MUTUALLY_EXCLUSIVE);
        }
        if (body.topics === undefined && body.topic_pattern === undefined) {
          throw new BridgeHttpError(422, 'A list (of Topics type) or a topic_pattern must be specified.');
        }
        if (body.topic_pattern !== undefined) checkPattern(body.topic_pattern);
        return done(
          instance.subscribe(body.topics ? { topics: body.topics } : { pattern: body.topic_pattern ?? '' }),
        );
      },
    ),
    onInstance(
      {
        operationId: 'listSubscriptions',
        method: 'GET',
        path: '/consumers/{groupid}/instances/{name}/subscription',
        description: 'The topics and partitions the instance holds now.',
        parameters: [GROUP, NAME],
        responses: {
          200: {
            description: 'Held topics and partitions',
            contentTypes: [KAFKA_JSON],
            schema: SUBSCRIBED_TOPIC_LIST,
          },
          404: NOT_FOUND_RESPONSE,
        },
      },
      async (instance) => ({
        status: 200,
        contentType: KAFKA_JSON,
        body: subscriptionBody(await instance.assignment()),
      }),
    ),
    onInstance(
      {
        operationId: 'unsubscribe',
        method: 'DELETE',
        path: '/consumers/{groupid}/instances/{name}/subscription',
        description: 'Unsubscribes from every topic (and drops a manual assignment).',
        parameters: [GROUP, NAME],
        responses: { 204: NO_CONTENT, 404: NOT_FOUND_RESPONSE },
      },
      (instance) => done(instance.unsubscribe()),
    ),
    onInstance(
      {
        operationId: 'assign',
        method: 'POST',
        path: '/consumers/{groupid}/instances/{name}/assignments',
        description: 'Assigns partitions to the instance by hand, outside the group’s rebalancing.',
        parameters: [GROUP, NAME],
        requestBody: { contentTypes: [KAFKA_JSON], schema: PARTITIONS, required: true },
        responses: { 204: NO_CONTENT, 404: NOT_FOUND_RESPONSE, 409: error(MUTUALLY_EXCLUSIVE) },
      },
      (instance, request) => done(instance.assign(partitionsOf(request))),
    ),
    onInstance(
      {
        operationId: 'poll',
        method: 'GET',
        path: '/consumers/{groupid}/instances/{name}/records',
        description:
          'Records fetched since the last poll, in the instance’s format (the Accept header must name it).',
        parameters: [GROUP, NAME, ...POLL_PARAMETERS],
        responses: {
          200: { description: 'Records', contentTypes: RECORD_TYPES, schema: CONSUMER_RECORD_LIST },
          404: error('The consumer instance was not found', RECORD_TYPES),
          406: error(
            'The Accept header does not name the instance’s format, or a record is not JSON',
            RECORD_TYPES,
          ),
          422: error('The answer would exceed max_bytes', RECORD_TYPES),
        },
      },
      async (instance, request) => {
        const timeout = integerQuery(request, 'timeout') ?? DEFAULT_POLL_TIMEOUT_MS;
        const maxBytes = integerQuery(request, 'max_bytes');
        if (!instance.subscribedOrAssigned()) {
          throw new BridgeHttpError(500, NOT_SUBSCRIBED);
        }
        const type = embeddedType(instance.settings.format);
        const accept = request.headers.accept;
        if (typeof accept !== 'string' || mediaType(accept) !== type) {
          throw new BridgeHttpError(
            406,
            'Consumer format does not match the embedded format requested by the Accept header.',
          );
        }
        const records = await instance.poll(Math.max(0, timeout));
        const body = pollResponseBody(records, instance.settings.format, maxBytes);
        return { status: 200, contentType: type, body: body.toString('utf8') };
      },
      (request) => {
        integerQuery(request, 'timeout');
        integerQuery(request, 'max_bytes');
      },
    ),
    onInstance(
      {
        operationId: 'commit',
        method: 'POST',
        path: '/consumers/{groupid}/instances/{name}/offsets',
        description: 'Commits the given offsets or, without a body, the position of every partition polled.',
        parameters: [GROUP, NAME],
        requestBody: { contentTypes: [KAFKA_JSON], schema: OFFSET_COMMIT_SEEK_LIST, required: false },
        responses: { 204: NO_CONTENT, 404: NOT_FOUND_RESPONSE },
      },
      (instance, request) => {
        const offsets = (request.body as { offsets?: OffsetBody[] } | undefined)?.offsets;
        // Strimzi commits everything polled for an empty body, `{}` included.
        return done(instance.commit(offsets));
      },
    ),
    onInstance(
      {
        operationId: 'seek',
        method: 'POST',
        path: '/consumers/{groupid}/instances/{name}/positions',
        description: 'Moves the instance to the given offsets; the next poll starts there.',
        parameters: [GROUP, NAME],
        requestBody: { contentTypes: [KAFKA_JSON], schema: OFFSET_COMMIT_SEEK_LIST, required: true },
        responses: { 204: NO_CONTENT, 404: NOT_FOUND_RESPONSE },
      },
      (instance, request) => done(instance.seek((request.body as { offsets?: OffsetBody[] }).offsets ?? [])),
    ),
    ...(['beginning', 'end'] as const).map((where) =>
      onInstance(
        {
          operationId: where === 'beginning' ? 'seekToBeginning' : 'seekToEnd',
          method: 'POST',
          path: `/consumers/{groupid}/instances/{name}/positions/${where}`,
          description: `Moves the instance to the ${where} of the given partitions.`,
          parameters: [GROUP, NAME],
          requestBody: { contentTypes: [KAFKA_JSON], schema: PARTITIONS, required: true },
          responses: { 204: NO_CONTENT, 404: NOT_FOUND_RESPONSE },
        },
        (instance, request) => done(instance.seekTo(where, partitionsOf(request))),
      ),
    ),
  ];

  return {
    operations,
    async close() {
      await instances.close();
      await admin?.close();
    },
  };
}

type OffsetBody = TopicPartition & { offset: number };

function partitionsOf(request: OperationRequest): TopicPartition[] {
  return (request.body as { partitions?: TopicPartition[] }).partitions ?? [];
}

/** The listSubscriptions body: held topics, and per topic its partitions, as Strimzi shapes it. */
export function subscriptionBody(held: TopicPartition[]): {
  topics: string[];
  partitions: Record<string, number[]>[];
} {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of held) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  return {
    topics: [...byTopic.keys()],
    partitions: [...byTopic].map(([topic, partitions]) => ({ [topic]: partitions })),
  };
}

/** An integer query parameter (the API's schema), or 400 as the OpenAPI validation answers. */
function integerQuery(request: OperationRequest, name: string): number | undefined {
  const value = request.query[name];
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw schemaViolation([`${name}: '${value}' is not an integer`]);
  }
  return Number(value);
}

function checkPattern(pattern: string): void {
  try {
    new RegExp(pattern);
  } catch (err) {
    throw new BridgeHttpError(422, `Invalid topic_pattern: ${(err as Error).message}`);
  }
}

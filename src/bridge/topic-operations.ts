// Topic metadata and administration: GET /topics, /topics/{t}, /topics/{t}/partitions,
// /topics/{t}/partitions/{p}, /topics/{t}/partitions/{p}/offsets and POST /admin/topics.
import { embeddedType, KAFKA_JSON } from './content-types.ts';
import { schemaViolation } from './errors.ts';
import type { BridgeOperation, OperationParameter } from './routes.ts';
import {
  ERROR,
  NEW_TOPIC,
  OFFSETS_SUMMARY,
  PARTITION_METADATA,
  PARTITION_METADATA_LIST,
  TOPIC_METADATA,
  TOPIC_NAMES,
} from './schemas.ts';
import type { BridgeTopics } from './topics.ts';

export const TOPIC_PARAMETER: OperationParameter = {
  name: 'topicname',
  in: 'path',
  required: true,
  schema: { type: 'string' },
};

export const PARTITION_PARAMETER: OperationParameter = {
  name: 'partitionid',
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 0 },
};

/** A partition id from the path: a non-negative 32-bit integer, else the 400 of a schema violation. */
export function parsePartitionId(text: string): number {
  const id = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!(id <= 2 ** 31 - 1))
    throw schemaViolation([`partitionid: '${text}' is not an integer from 0 to 2147483647`]);
  return id;
}

const notFound = (what: string) => ({
  description: `${what} not found`,
  contentTypes: [KAFKA_JSON],
  schema: ERROR,
});
const invalidPartition = {
  description: 'The partition id is not a number',
  contentTypes: [KAFKA_JSON],
  schema: ERROR,
};

export function topicOperations(topics: BridgeTopics): BridgeOperation[] {
  const json = (body: unknown) => ({ status: 200, contentType: KAFKA_JSON, body });
  return [
    {
      operationId: 'listTopics',
      method: 'GET',
      path: '/topics',
      description: 'Lists the names of the topics.',
      tags: ['Topics'],
      responses: { 200: { description: 'Topic names', contentTypes: [KAFKA_JSON], schema: TOPIC_NAMES } },
      handle: async () => json(await topics.list()),
    },
    {
      operationId: 'getTopic',
      method: 'GET',
      path: '/topics/{topicname}',
      description: 'Describes a topic: its configs and partitions.',
      tags: ['Topics'],
      parameters: [TOPIC_PARAMETER],
      responses: {
        200: { description: 'Topic metadata', contentTypes: [KAFKA_JSON], schema: TOPIC_METADATA },
        404: notFound('Topic'),
      },
      handle: async ({ params }) => json(await topics.describe(params.topicname)),
    },
    {
      operationId: 'listPartitions',
      method: 'GET',
      path: '/topics/{topicname}/partitions',
      description: 'Lists the partitions of a topic.',
      tags: ['Topics'],
      parameters: [TOPIC_PARAMETER],
      responses: {
        200: { description: 'Partitions', contentTypes: [KAFKA_JSON], schema: PARTITION_METADATA_LIST },
        404: notFound('Topic'),
      },
      handle: async ({ params }) => json(await topics.partitions(params.topicname)),
    },
    {
      operationId: 'getPartition',
      method: 'GET',
      path: '/topics/{topicname}/partitions/{partitionid}',
      description: 'Describes one partition of a topic.',
      tags: ['Topics'],
      parameters: [TOPIC_PARAMETER, PARTITION_PARAMETER],
      responses: {
        200: { description: 'Partition metadata', contentTypes: [KAFKA_JSON], schema: PARTITION_METADATA },
        400: invalidPartition,
        404: notFound('Topic or partition'),
      },
      handle: async ({ params }) =>
        json(await topics.partition(params.topicname, parsePartitionId(params.partitionid))),
    },
    {
      operationId: 'getOffsets',
      method: 'GET',
      path: '/topics/{topicname}/partitions/{partitionid}/offsets',
      description: 'The first and next offsets of a partition.',
      tags: ['Topics'],
      parameters: [TOPIC_PARAMETER, PARTITION_PARAMETER],
      responses: {
        200: { description: 'Offsets', contentTypes: [KAFKA_JSON], schema: OFFSETS_SUMMARY },
        400: invalidPartition,
        404: notFound('Topic partition'),
      },
      handle: async ({ params }) =>
        json(await topics.offsets(params.topicname, parsePartitionId(params.partitionid))),
    },
    {
      operationId: 'createTopic',
      method: 'POST',
      path: '/admin/topics',
      description: 'Creates a topic; partitions and replication factor default to the broker defaults.',
      tags: ['Topics'],
      requestBody: { contentTypes: [embeddedType('json')], schema: NEW_TOPIC, required: true },
      responses: {
        201: { description: 'Created' },
        400: {
          description: 'Wrong Content-Type, or not a NewTopic',
          contentTypes: [KAFKA_JSON],
          schema: ERROR,
        },
        500: {
          description: 'Kafka refused (e.g. the topic exists)',
          contentTypes: [KAFKA_JSON],
          schema: ERROR,
        },
      },
      async handle({ body }) {
        const topic = body as {
          topic_name: string;
          partitions_count?: number | null;
          replication_factor?: number | null;
        };
        await topics.create(topic.topic_name, topic.partitions_count, topic.replication_factor);
        return { status: 201 };
      },
    },
  ];
}

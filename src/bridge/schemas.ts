// JSON Schemas (OpenAPI 3.1 dialect) of the bodies the bridge reads and writes. Request schemas are what
// the bridge validates with; all of them are published in the bridge's own OpenAPI document. Field
// names and shapes are the Strimzi bridge API's, since its clients are the bridge's clients.

export type JsonSchema = Record<string, unknown>;

/** A schema with the name it is published under in the OpenAPI document's components. */
export interface NamedSchema {
  name: string;
  schema: JsonSchema;
}

const int32 = { type: 'integer', format: 'int32' };
const int64 = { type: 'integer', format: 'int64' };

export const ERROR: NamedSchema = {
  name: 'Error',
  schema: {
    type: 'object',
    properties: {
      error_code: { ...int32, description: 'HTTP status code' },
      message: { type: 'string' },
      validation_errors: { type: 'array', items: { type: 'string' } },
    },
  },
};

const header = {
  type: 'object',
  required: ['key', 'value'],
  properties: { key: { type: 'string' }, value: { type: 'string', format: 'byte', description: 'base64' } },
};
const recordKey = {
  description: 'json: any JSON array, object or string; binary: base64; text: a string',
  oneOf: [{ type: 'array', items: {} }, { type: 'object' }, { type: 'string' }],
};
const recordValue = {
  description: 'as the key; null writes a tombstone',
  oneOf: [{ type: 'array', items: {} }, { type: 'object' }, { type: 'string' }, { type: 'null' }],
};
const recordToPartition = {
  value: recordValue,
  key: recordKey,
  headers: { type: 'array', items: header },
};

/** A produce request body: `records`, each with a value and the given properties, nothing else. */
function recordListSchema(name: string, recordProperties: Record<string, unknown>): NamedSchema {
  return {
    name,
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        records: {
          type: 'array',
          items: {
            type: 'object',
            required: ['value'],
            additionalProperties: false,
            properties: recordProperties,
          },
        },
      },
    },
  };
}

export const PRODUCER_RECORD_LIST = recordListSchema('ProducerRecordList', {
  ...recordToPartition,
  partition: int32,
  timestamp: int64,
});

export const PRODUCER_RECORD_TO_PARTITION_LIST = recordListSchema(
  'ProducerRecordToPartitionList',
  recordToPartition,
);

export const OFFSET_RECORD_SENT_LIST: NamedSchema = {
  name: 'OffsetRecordSentList',
  schema: {
    type: 'object',
    properties: {
      offsets: {
        type: 'array',
        items: {
          oneOf: [
            {
              type: 'object',
              properties: { partition: int32, offset: int64 },
              required: ['partition', 'offset'],
            },
            { type: 'object', properties: ERROR.schema.properties, required: ['error_code', 'message'] },
          ],
        },
      },
    },
  },
};

export const NEW_TOPIC: NamedSchema = {
  name: 'NewTopic',
  schema: {
    type: 'object',
    required: ['topic_name'],
    additionalProperties: false,
    properties: {
      topic_name: { type: 'string' },
      partitions_count: { type: ['integer', 'null'] },
      replication_factor: { type: ['integer', 'null'] },
    },
  },
};

const partitionMetadata = {
  type: 'object',
  additionalProperties: false,
  properties: {
    partition: int32,
    leader: int32,
    replicas: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { broker: int32, leader: { type: 'boolean' }, in_sync: { type: 'boolean' } },
      },
    },
  },
};

export const PARTITION_METADATA: NamedSchema = { name: 'PartitionMetadata', schema: partitionMetadata };

export const TOPIC_METADATA: NamedSchema = {
  name: 'TopicMetadata',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { type: 'string' },
      configs: { type: 'object', additionalProperties: { type: 'string' } },
      partitions: { type: 'array', items: partitionMetadata },
    },
  },
};

export const TOPIC_NAMES: NamedSchema = {
  name: 'TopicNames',
  schema: { type: 'array', items: { type: 'string' } },
};

export const PARTITION_METADATA_LIST: NamedSchema = {
  name: 'PartitionMetadataList',
  schema: { type: 'array', items: partitionMetadata },
};

export const OFFSETS_SUMMARY: NamedSchema = {
  name: 'OffsetsSummary',
  schema: { type: 'object', properties: { beginning_offset: int64, end_offset: int64 } },
};

export const BRIDGE_INFO: NamedSchema = {
  name: 'BridgeInfo',
  schema: { type: 'object', properties: { bridge_version: { type: 'string' } } },
};

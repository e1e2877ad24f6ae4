// JSON Schemas of the consumer operations' bodies (OpenAPI 3.1 dialect), under the names of the Strimzi
// bridge API. Request schemas are stricter than the API's where it leaves a field optional that the
// operation cannot do without (a partition's topic and number), so such a body is a 400 rather than
// a failure deeper down.
import type { NamedSchema } from '../schemas.ts';

const int32 = { type: 'integer', format: 'int32' };
const int64 = { type: 'integer', format: 'int64' };

export const CONSUMER: NamedSchema = {
  name: 'Consumer',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { type: 'string', description: 'Unique in the group; generated when absent' },
      format: { type: 'string', description: 'binary (default), json or text' },
      'auto.offset.reset': { type: 'string', description: 'latest (default), earliest or none' },
      'fetch.min.bytes': { type: 'integer' },
      'consumer.request.timeout.ms': { type: 'integer' },
      'enable.auto.commit': { type: 'boolean' },
      'isolation.level': { type: 'string', description: 'read_uncommitted (default) or read_committed' },
    },
  },
};

export const CREATED_CONSUMER: NamedSchema = {
  name: 'CreatedConsumer',
  schema: {
    type: 'object',
    properties: { instance_id: { type: 'string' }, base_uri: { type: 'string' } },
  },
};

const topics = {
  type: 'object',
  additionalProperties: false,
  properties: {
    topics: { type: 'array', items: { type: 'string' } },
    topic_pattern: { type: 'string', description: 'A regular expression the whole topic name matches' },
  },
};

export const TOPICS: NamedSchema = { name: 'Topics', schema: topics };

export const SUBSCRIBED_TOPIC_LIST: NamedSchema = {
  name: 'SubscribedTopicList',
  schema: {
    type: 'object',
    properties: {
      topics: topics,
      partitions: {
        type: 'array',
        items: { type: 'object', additionalProperties: { type: 'array', items: int32 } },
      },
    },
  },
};

export const PARTITIONS: NamedSchema = {
  name: 'Partitions',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      partitions: {
        type: 'array',
        items: {
          type: 'object',
          required: ['topic', 'partition'],
          additionalProperties: false,
          properties: { topic: { type: 'string' }, partition: int32 },
        },
      },
    },
  },
};

export const OFFSET_COMMIT_SEEK_LIST: NamedSchema = {
  name: 'OffsetCommitSeekList',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      offsets: {
        type: 'array',
        items: {
          type: 'object',
          required: ['topic', 'partition', 'offset'],
          additionalProperties: false,
          properties: { topic: { type: 'string' }, partition: int32, offset: int64 },
        },
      },
    },
  },
};

export const CONSUMER_RECORD_LIST: NamedSchema = {
  name: 'ConsumerRecordList',
  schema: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        topic: { type: 'string' },
        key: { description: 'json: the JSON key; binary: base64; text: the string; absent when none' },
        value: { description: 'As the key; null for a tombstone' },
        partition: int32,
        offset: int64,
        timestamp: int64,
        headers: {
          type: 'array',
          items: {
            type: 'object',
            required: ['key', 'value'],
            properties: { key: { type: 'string' }, value: { type: 'string', format: 'byte' } },
          },
        },
      },
    },
  },
};

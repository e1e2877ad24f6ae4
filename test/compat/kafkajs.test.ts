// kafkajs against the compat target: admin, producer with every codec (snappy, lz4 and zstd through
// kafkajs' codec plugin slots), read back without a group through @platformatic/kafka's Fetch. The
// kafkajs consumer always joins a group, so its round trip waits for Nagare's consumer groups.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import kafkajs, { type Admin, type IHeaders, type Kafka, type KafkaMessage } from 'kafkajs';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { compressSync, uncompressSync } from 'snappy';
import { compatSkip, useCompatBroker } from '../support/compat-target.ts';
import { checkTopicRecords } from '../support/platformatic-io.ts';
import {
  ALL_CODECS,
  type ConsumedRecord,
  checkRecords,
  producerCalls,
  roundTripRecords,
  type TestRecord,
} from '../support/records-check.ts';

const PARTITIONS = 3;
const SEND_SIZE = 500;
const skip = compatSkip();

// kafkajs ships gzip only and leaves a slot per other codec: fill them with the libraries we have.
const { CompressionCodecs, CompressionTypes } = kafkajs;
const codecPlugin = (compress: (data: Buffer) => Buffer, decompress: (data: Buffer) => Buffer) => () => ({
  compress: async (encoder: { buffer: Buffer }) => compress(encoder.buffer),
  decompress: async (data: Buffer) => decompress(data),
});
CompressionCodecs[CompressionTypes.Snappy] = codecPlugin(
  compressSync,
  (data) => uncompressSync(data) as Buffer,
);
CompressionCodecs[CompressionTypes.LZ4] = codecPlugin(compressFrameSync, decompressFrameSync);
CompressionCodecs[CompressionTypes.ZSTD] = codecPlugin(zstdCompressSync, zstdDecompressSync);

let kafka: Kafka;
let admin: Admin;
const compat = useCompatBroker(skip, {
  async setUp(broker) {
    kafka = new kafkajs.Kafka({
      clientId: 'nagare-compat',
      brokers: [broker.bootstrap],
      logLevel: kafkajs.logLevel.NOTHING,
    });
    admin = kafka.admin();
    await admin.connect();
    return () => admin.disconnect();
  },
});

const recordSet = (seed: number, count: number, baseTimestamp: number) =>
  // kafkajs takes headers as an object: one value (or array) per key, in key order.
  roundTripRecords({ seed, count, partitions: PARTITIONS, baseTimestamp, distinctHeaderKeys: true });

async function createTopic(topic: string, configEntries: Array<{ name: string; value: string }> = []) {
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1, configEntries }],
    waitForLeaders: true,
  });
  assert.equal(created, true);
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  assert.deepEqual(topics[0].partitions.map((p) => p.partitionId).sort(), [0, 1, 2]);
}

/**
 * Sends the records in production order, SEND_SIZE per call, and checks every acknowledgement: each
 * partition's base offset is the count already sent to it. Returns the acknowledged LogAppendTimes.
 */
async function produce(topic: string, records: readonly TestRecord[]): Promise<number[]> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const logAppendTimes: number[] = [];
  try {
    for (const call of producerCalls(records, PARTITIONS, SEND_SIZE)) {
      const acknowledged = await producer.send({
        topic,
        acks: -1,
        compression: ALL_CODECS.indexOf(call.codec),
        messages: call.records.map((record) => ({
          partition: record.partition,
          key: record.key,
          value: record.value,
          headers: Object.fromEntries(record.headers),
          timestamp: String(record.timestamp),
        })),
      });
      for (const ack of acknowledged) {
        assert.equal(ack.errorCode, 0);
        assert.equal(
          Number(ack.baseOffset),
          call.baseOffsets[ack.partition],
          `base offset of partition ${ack.partition}`,
        );
        logAppendTimes.push(Number(ack.logAppendTime));
      }
    }
  } finally {
    await producer.disconnect();
  }
  return logAppendTimes;
}

test('kafkajs creates a 3-partition topic and produces 10,000 records with every codec', {
  skip,
}, async () => {
  const topic = 'kafkajs-records';
  await createTopic(topic);
  const records = recordSet(5, 10_000, Date.now() - 60_000);
  const logAppendTimes = await produce(topic, records);
  assert.ok(
    logAppendTimes.every((time) => time === -1),
    'CreateTime topic: no LogAppendTime in Produce responses',
  );
  await checkTopicRecords(compat.broker.bootstrap, topic, records, {
    partitions: PARTITIONS,
    timestamps: { kind: 'producer-set' },
  });
  const offsets = await admin.fetchTopicOffsets(topic);
  assert.deepEqual(
    offsets.sort((a, b) => a.partition - b.partition).map((p) => [Number(p.low), Number(p.high)]),
    [0, 1, 2].map((partition) => [0, records.filter((r) => r.partition === partition).length]),
  );
});

test('kafkajs produces to a LogAppendTime topic and gets broker time back', { skip }, async () => {
  const topic = 'kafkajs-log-append';
  await createTopic(topic, [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]);
  const records = recordSet(6, 1_000, Date.now() - 86_400_000);
  const from = Date.now();
  const logAppendTimes = await produce(topic, records);
  const to = Date.now();
  assert.ok(
    logAppendTimes.every((time) => time >= from && time <= to),
    `Produce responses' LogAppendTime within [${from}, ${to}]: ${logAppendTimes.slice(0, 5)}…`,
  );
  await checkTopicRecords(compat.broker.bootstrap, topic, records, {
    partitions: PARTITIONS,
    timestamps: { kind: 'log-append', from, to },
  });
});

function fromKafkajs(partition: number, message: KafkaMessage): ConsumedRecord {
  const headers: Array<[string, Buffer | null]> = Object.entries(message.headers as IHeaders).map(
    ([name, value]) => [name, value === undefined ? null : Buffer.from(value as Buffer)],
  );
  return {
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key,
    value: message.value,
    headers,
  };
}

test('the kafkajs consumer reads 10,000 records back through a consumer group', {
  skip,
}, async () => {
  const topic = 'kafkajs-group';
  await createTopic(topic);
  const records = recordSet(7, 10_000, Date.now() - 60_000);
  await produce(topic, records);
  const consumer = kafka.consumer({ groupId: 'nagare-compat-kafkajs' });
  const consumed: ConsumedRecord[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`consumed ${consumed.length} records in 30 s`)),
        30_000,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            consumed.push(fromKafkajs(partition, message));
            if (consumed.length === records.length) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  checkRecords(records, consumed, { partitions: PARTITIONS, timestamps: { kind: 'producer-set' } });
});

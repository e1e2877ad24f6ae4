// @platformatic/kafka against the compat target: admin, producer with every codec, read back with its
// low-level Fetch (no group), and its group consumer once Nagare serves consumer groups.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Admin, Consumer, type Message, Producer } from '@platformatic/kafka';
import { compatSkip, useCompatBroker } from '../support/compat-target.ts';
import { checkTopicRecords } from '../support/platformatic-io.ts';
import {
  type ConsumedRecord,
  checkRecords,
  producerCalls,
  roundTripRecords,
  type TestRecord,
} from '../support/records-check.ts';

const PARTITIONS = 3;
const SEND_SIZE = 500;
const skip = compatSkip();

let admin: Admin;
const compat = useCompatBroker(skip, {
  async setUp(broker) {
    admin = new Admin({ clientId: 'nagare-compat', bootstrapBrokers: [broker.bootstrap] });
    return () => admin.close();
  },
});

const recordSet = (seed: number, count: number, baseTimestamp: number) =>
  roundTripRecords({ seed, count, partitions: PARTITIONS, baseTimestamp });

async function createTopic(
  topic: string,
  configs: Array<{ name: string; value: string }> = [],
): Promise<void> {
  const [created] = await admin.createTopics({
    topics: [topic],
    partitions: PARTITIONS,
    replicas: 1,
    configs,
  });
  assert.equal(created.partitions, PARTITIONS);
  const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
  assert.equal(metadata.topics.get(topic)?.partitionsCount, PARTITIONS);
}

/**
 * Sends the records in production order, SEND_SIZE per call, and checks each acknowledgement: every
 * partition's base offset is the count already sent to it.
 */
async function produce(topic: string, records: readonly TestRecord[]): Promise<void> {
  const producer = new Producer({
    clientId: 'nagare-compat',
    bootstrapBrokers: [compat.broker.bootstrap],
    acks: -1,
  });
  try {
    for (const call of producerCalls(records, PARTITIONS, SEND_SIZE)) {
      const result = await producer.send({
        compression: call.codec,
        messages: call.records.map((record) => ({
          topic,
          partition: record.partition,
          key: record.key ?? undefined,
          value: record.value ?? undefined,
          // Buffer keys, one object per header: a Map keeps repeated header names apart.
          headers: new Map(record.headers.map(([name, value]) => [Buffer.from(name), value])),
          timestamp: BigInt(record.timestamp),
        })),
      });
      for (const { partition, offset } of result.offsets ?? []) {
        assert.equal(Number(offset), call.baseOffsets[partition], `base offset of partition ${partition}`);
      }
    }
  } finally {
    await producer.close();
  }
}

test('@platformatic/kafka produces 10,000 records with every codec and fetches them back', {
  skip,
}, async () => {
  const topic = 'platformatic-records';
  await createTopic(topic);
  const records = recordSet(8, 10_000, Date.now() - 60_000);
  await produce(topic, records);
  await checkTopicRecords(compat.broker.bootstrap, topic, records, {
    partitions: PARTITIONS,
    timestamps: { kind: 'producer-set' },
  });
});

test('@platformatic/kafka reads broker time back from a LogAppendTime topic', { skip }, async () => {
  const topic = 'platformatic-log-append';
  await createTopic(topic, [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]);
  const records = recordSet(9, 1_000, Date.now() - 86_400_000);
  const from = Date.now();
  await produce(topic, records);
  const to = Date.now();
  await checkTopicRecords(compat.broker.bootstrap, topic, records, {
    partitions: PARTITIONS,
    timestamps: { kind: 'log-append', from, to },
  });
});

function fromMessage(message: Message): ConsumedRecord {
  return {
    partition: message.partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key ?? null,
    value: message.value ?? null,
    headers: message.headerEntries.map(([name, value]) => [name.toString(), value]),
  };
}

test('the @platformatic/kafka consumer reads 10,000 records back through a consumer group', {
  skip,
}, async () => {
  const topic = 'platformatic-group';
  await createTopic(topic);
  const records = recordSet(10, 10_000, Date.now() - 60_000);
  await produce(topic, records);
  const consumer = new Consumer({
    clientId: 'nagare-compat',
    groupId: 'nagare-compat-platformatic',
    bootstrapBrokers: [compat.broker.bootstrap],
  });
  const consumed: ConsumedRecord[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
    const timer = setTimeout(
      () => stream.destroy(new Error(`consumed ${consumed.length} records in 30 s`)),
      30_000,
    );
    try {
      for await (const message of stream) {
        consumed.push(fromMessage(message));
        if (consumed.length === records.length) break;
      }
    } finally {
      clearTimeout(timer);
      await stream.close();
    }
  } finally {
    await consumer.close();
  }
  checkRecords(records, consumed, { partitions: PARTITIONS, timestamps: { kind: 'producer-set' } });
});

// Test-side access to a broker through @platformatic/kafka, for clients that cannot do it themselves:
// creating topics (kcat has no admin API) and reading whole partitions back with the low-level Fetch,
// which needs no consumer group and keeps the stored batches' attributes (codec, timestamp type)
// visible, which group consumers hide.
import { Admin, Consumer, type RecordsBatch } from '@platformatic/kafka';
import {
  ALL_CODECS,
  type CheckOptions,
  type ConsumedRecord,
  checkRecords,
  type TestRecord,
} from './records-check.ts';

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Topic configs, e.g. { 'message.timestamp.type': 'LogAppendTime' }. */
  configs?: Record<string, string>;
}

export async function createTopic(bootstrap: string, spec: TopicSpec): Promise<void> {
  const admin = new Admin({ clientId: 'nagare-compat-admin', bootstrapBrokers: [bootstrap] });
  try {
    await admin.createTopics({
      topics: [spec.name],
      partitions: spec.partitions,
      replicas: 1,
      configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
    });
  } finally {
    await admin.close();
  }
}

const TIMESTAMP_TYPE_BIT = 0x08;
const CONTROL_BIT = 0x20;

/** The records of one fetched batch at or after `fromOffset` (a fetch may start inside a batch). */
export function batchRecords(batch: RecordsBatch, partition: number, fromOffset: bigint): ConsumedRecord[] {
  if (batch.attributes & CONTROL_BIT) return [];
  const logAppendTime = (batch.attributes & TIMESTAMP_TYPE_BIT) !== 0;
  const codec = ALL_CODECS[batch.attributes & 0x07];
  if (codec === undefined) throw new Error(`batch at offset ${batch.firstOffset}: unknown codec bits`);
  const records: ConsumedRecord[] = [];
  for (const record of batch.records) {
    const offset = batch.firstOffset + BigInt(record.offsetDelta);
    if (offset < fromOffset) continue;
    records.push({
      partition,
      offset: Number(offset),
      // With LogAppendTime the broker's time is the batch's maxTimestamp, for every record in it.
      timestamp: Number(logAppendTime ? batch.maxTimestamp : batch.firstTimestamp + record.timestampDelta),
      timestampType: logAppendTime ? 'log-append' : 'create',
      key: record.key,
      value: record.value,
      headers: record.headers.map(([name, value]) => [name === null ? '' : name.toString(), value]),
      codec,
    });
  }
  return records;
}

export interface ReadOptions {
  bootstrap: string;
  topic: string;
  partitions: number;
  /** Give up after this long; a broker that stops returning data must fail the test, not hang it. */
  timeoutMs?: number;
}

/** Every record of every partition from offset 0 up to the high watermark, one Fetch for all partitions. */
export async function readAllPartitions(options: ReadOptions): Promise<ConsumedRecord[]> {
  const consumer = new Consumer({
    clientId: 'nagare-compat-reader',
    // Required by the constructor; a plain Fetch never talks to the group coordinator.
    groupId: 'nagare-compat-unused',
    bootstrapBrokers: [options.bootstrap],
  });
  try {
    const metadata = await consumer.metadata({ topics: [options.topic] });
    const topic = metadata.topics.get(options.topic);
    if (!topic) throw new Error(`topic ${options.topic} missing from metadata`);
    const next = new Map<number, bigint>();
    for (let partition = 0; partition < options.partitions; partition++) next.set(partition, 0n);
    const records: ConsumedRecord[] = [];
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    while (next.size > 0) {
      if (Date.now() > deadline) {
        throw new Error(`timed out reading ${options.topic}; still behind on partitions ${[...next.keys()]}`);
      }
      const leaders = new Set([...next.keys()].map((partition) => topic.partitions[partition].leader));
      if (leaders.size !== 1) throw new Error('the reader expects a single broker leading every partition');
      const response = await consumer.fetch({
        node: [...leaders][0],
        maxWaitTime: 200,
        topics: [
          {
            topicId: topic.id,
            partitions: [...next].map(([partition, fetchOffset]) => ({
              partition,
              fetchOffset,
              partitionMaxBytes: 1024 * 1024,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
            })),
          },
        ],
      });
      for (const partitionResponse of response.responses.flatMap(
        (topicResponse) => topicResponse.partitions,
      )) {
        const partition = partitionResponse.partitionIndex;
        const from = next.get(partition);
        if (from === undefined) continue;
        if (partitionResponse.errorCode !== 0) {
          throw new Error(
            `Fetch of partition ${partition} at ${from}: error code ${partitionResponse.errorCode}`,
          );
        }
        let offset = from;
        for (const batch of partitionResponse.records ?? []) {
          const fetched = batchRecords(batch, partition, offset);
          records.push(...fetched);
          offset = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
        }
        if (offset >= partitionResponse.highWatermark) next.delete(partition);
        else next.set(partition, offset);
      }
    }
    return records;
  } finally {
    await consumer.close();
  }
}

/**
 * Reads the topic back with `readAllPartitions` and asserts it holds exactly `expected` (`checkRecords`).
 * Returns the record count per partition.
 */
export async function checkTopicRecords(
  bootstrap: string,
  topic: string,
  expected: readonly TestRecord[],
  options: CheckOptions,
): Promise<number[]> {
  const consumed = await readAllPartitions({ bootstrap, topic, partitions: options.partitions });
  return checkRecords(expected, consumed, options);
}

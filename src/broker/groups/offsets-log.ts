// The durable side of the group coordinator: the compacted internal topic __consumer_offsets, created on
// first need with offsets.topic.num.partitions partitions. Each group's records go to the partition
// Kafka would pick; one call appends one batch, so a commit of many partitions is stored atomically.
// An append resolves once the log has the batch (fsynced when the log's flush policy says so, as for a
// Produce with acks=all). On start every partition is read back in order.
import type { Logger } from 'pino';
import { buildBatchSync, parseBatch, splitBatches } from '../../protocol/records/index.ts';
import type { PartitionLog } from '../log/partition-log.ts';
import type { TopicInfo } from '../metadata/topics.ts';
import type { CoordinatorRecord } from './group.ts';
import { offsetsPartitionFor } from './offsets-partition.ts';

export const OFFSETS_TOPIC = '__consumer_offsets';

/** What the offsets log needs of the broker (the Broker class provides it). */
export interface OffsetsLogHost {
  readonly settings: { offsetsTopicNumPartitions: number; offsetsTopicSegmentBytes: number };
  readonly metadata: { topic(name: string): TopicInfo | undefined };
  readonly partitions: { get(topic: string, partition: number): PartitionLog | undefined };
  createTopic(name: string, partitions: number, configs: Record<string, string>): Promise<TopicInfo>;
}

/** Reads of the log during replay: large enough to take several batches per call. */
const REPLAY_READ_BYTES = 1024 * 1024;

export class OffsetsLog {
  readonly #host: OffsetsLogHost;
  readonly #logger: Logger;
  #creating: Promise<TopicInfo> | null = null;

  constructor(host: OffsetsLogHost, logger: Logger) {
    this.#host = host;
    this.#logger = logger;
  }

  /** Partitions of the topic: as created, or as it will be created. */
  get partitionCount(): number {
    return (
      this.#host.metadata.topic(OFFSETS_TOPIC)?.partitions ?? this.#host.settings.offsetsTopicNumPartitions
    );
  }

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.partitionCount);
  }

  /** The topic, created (once, however many callers ask at the same time) when it does not exist. */
  ensureTopic(): Promise<TopicInfo> {
    // While it is being created the topic is in the metadata before its logs are open: wait for both.
    if (this.#creating) return this.#creating;
    const existing = this.#host.metadata.topic(OFFSETS_TOPIC);
    if (existing) return Promise.resolve(existing);
    this.#creating ??= this.#host
      .createTopic(OFFSETS_TOPIC, this.#host.settings.offsetsTopicNumPartitions, {
        'cleanup.policy': 'compact',
        'segment.bytes': String(this.#host.settings.offsetsTopicSegmentBytes),
        'compression.type': 'producer',
      })
      .finally(() => {
        this.#creating = null;
      });
    return this.#creating;
  }

  /**
   * Appends the records of one group as one batch. Callers' appends reach the log in call order, so
   * later records of a key always win on replay and in compaction.
   */
  async append(groupId: string, records: readonly CoordinatorRecord[], timestampMs: number): Promise<void> {
    if (records.length === 0) return;
    const batch = buildBatchSync({
      records: records.map((r) => ({ key: r.key, value: r.value, timestamp: BigInt(timestampMs) })),
    });
    await this.ensureTopic();
    const partition = this.partitionFor(groupId);
    const log = this.#host.partitions.get(OFFSETS_TOPIC, partition);
    if (!log) throw new Error(`${OFFSETS_TOPIC}-${partition} is not open`);
    await log.append(batch);
  }

  /** Every record of every partition, partition by partition, in offset order. */
  async replay(apply: (record: CoordinatorRecord) => void): Promise<number> {
    const topic = this.#host.metadata.topic(OFFSETS_TOPIC);
    if (!topic) return 0;
    let count = 0;
    for (let p = 0; p < topic.partitions; p++) {
      const log = this.#host.partitions.get(OFFSETS_TOPIC, p);
      if (log) count += await this.#replayPartition(log, p, apply);
    }
    return count;
  }

  async #replayPartition(
    log: PartitionLog,
    partition: number,
    apply: (record: CoordinatorRecord) => void,
  ): Promise<number> {
    let next = log.logStartOffset;
    let count = 0;
    for (;;) {
      const read = await log.read(next, REPLAY_READ_BYTES, { minOneBatch: true });
      if ('error' in read) throw new Error(`${OFFSETS_TOPIC}-${partition}: offset ${next} is out of range`);
      const split = splitBatches(read.records, { allowPartialTail: true });
      if (!split.ok) throw new Error(`${OFFSETS_TOPIC}-${partition} at ${next}: ${split.error.message}`);
      if (split.batches.length === 0) return count;
      for (const bytes of split.batches) {
        const batch = await parseBatch(bytes);
        next = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta) + 1n;
        // Transaction markers carry no group state.
        if (batch.control) continue;
        for (const record of batch.records) {
          if (record.offset < log.logStartOffset || record.key === null) continue;
          apply({ key: record.key, value: record.value });
          count++;
        }
      }
      this.#logger.trace({ partition, next: next.toString() }, 'replayed offsets log');
    }
  }
}

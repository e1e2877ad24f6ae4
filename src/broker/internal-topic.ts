// An internal topic of coordinator records (__consumer_offsets, __transaction_state, __share_group_state):
// a compacted topic the broker creates itself on first need, whose partitions a coordinator appends its
// record batches to and reads back, every partition in offset order, when the broker starts. What the
// records mean is the coordinator's business; this module owns the topic's life and the replay loop.
// Each key goes to the partition Kafka's coordinators pick for it (coordinator-partition.ts).
import type { Logger } from 'pino';
import { type KafkaRecord, type ParsedBatch, parseBatch, splitBatches } from '../protocol/records/index.ts';
import { coordinatorPartitionFor } from './coordinator-partition.ts';
import type { PartitionLog } from './log/partition-log.ts';
import type { TopicInfo } from './metadata/topics.ts';

/** What an internal topic needs of the broker (the Broker class provides it). */
export interface InternalTopicHost {
  readonly metadata: { topic(name: string): TopicInfo | undefined };
  readonly partitions: { get(topic: string, partition: number): PartitionLog | undefined };
  createTopic(name: string, partitions: number, configs: Record<string, string>): Promise<TopicInfo>;
}

/** One internal topic. The functions read the broker's settings when called: they may change at run time. */
export interface InternalTopicSpec {
  readonly name: string;
  /** Partitions it is created with (`*.num.partitions`). */
  partitions(): number;
  /** Topic configs it is created with. */
  configs(): Record<string, string>;
  /** Bytes read at a time on replay (Kafka's `*.load.buffer.size`). */
  loadBufferBytes(): number;
}

/** A record as compaction keeps it: with a key. */
export type KeyedRecord = KafkaRecord & { key: Buffer };

/** What replay hands over, partition by partition, in offset order. */
export interface InternalTopicReader {
  /** A keyed record at or after the log start, of a batch that is not a control batch. */
  record(partition: number, record: KeyedRecord, batch: ParsedBatch): void;
  /** A control batch (a transaction marker); without this, control batches are skipped. */
  control?(partition: number, batch: ParsedBatch): void;
}

function hasKey(record: KafkaRecord): record is KeyedRecord {
  return record.key !== null;
}

export class InternalTopic {
  readonly #host: InternalTopicHost;
  readonly #spec: InternalTopicSpec;
  readonly #logger: Logger;
  #creating: Promise<TopicInfo> | null = null;

  constructor(host: InternalTopicHost, spec: InternalTopicSpec, logger: Logger) {
    this.#host = host;
    this.#spec = spec;
    this.#logger = logger;
  }

  get name(): string {
    return this.#spec.name;
  }

  /** Partitions of the topic: as created, or as it will be created. */
  get partitionCount(): number {
    return this.#host.metadata.topic(this.#spec.name)?.partitions ?? this.#spec.partitions();
  }

  /** The partition that holds the records of `key` (a group id, a transactional id …). */
  partitionFor(key: string): number {
    return coordinatorPartitionFor(key, this.partitionCount);
  }

  /** The topic, created (once, however many callers ask at the same time) when it does not exist. */
  ensureTopic(): Promise<TopicInfo> {
    // While it is being created the topic is in the metadata before its logs are open: wait for both.
    if (this.#creating) return this.#creating;
    const existing = this.#host.metadata.topic(this.#spec.name);
    if (existing) return Promise.resolve(existing);
    this.#creating = this.#host
      .createTopic(this.#spec.name, this.#spec.partitions(), this.#spec.configs())
      .finally(() => {
        this.#creating = null;
      });
    return this.#creating;
  }

  /**
   * Appends one record batch to the partition of `key`, creating the topic first when needed; resolves
   * with the batch's base offset once the log has it (fsynced when the log's flush policy says so).
   * Appends reach the log in call order, so a later record of a key wins on replay and in compaction.
   */
  async append(key: string, batch: Buffer): Promise<bigint> {
    await this.ensureTopic();
    const partition = this.partitionFor(key);
    const log = this.#host.partitions.get(this.#spec.name, partition);
    if (!log) throw new Error(`${this.#spec.name}-${partition} is not open`);
    return (await log.append(batch)).baseOffset;
  }

  /** Reads every partition back, in partition order and within each in offset order. */
  async replay(reader: InternalTopicReader): Promise<void> {
    const topic = this.#host.metadata.topic(this.#spec.name);
    if (!topic) return;
    for (let p = 0; p < topic.partitions; p++) {
      const log = this.#host.partitions.get(this.#spec.name, p);
      if (log) await this.#replayPartition(log, p, reader);
    }
  }

  async #replayPartition(log: PartitionLog, partition: number, reader: InternalTopicReader): Promise<void> {
    const where = `${this.#spec.name}-${partition}`;
    let next = log.logStartOffset;
    let batches = 0;
    for (;;) {
      const read = await log.read(next, this.#spec.loadBufferBytes(), { minOneBatch: true });
      if ('error' in read) throw new Error(`${where}: offset ${next} is out of range`);
      const split = splitBatches(read.records, { allowPartialTail: true });
      if (!split.ok) throw new Error(`${where} at ${next}: ${split.error.message}`);
      if (split.batches.length === 0) break;
      for (const bytes of split.batches) {
        const batch = await parseBatch(bytes);
        next = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta) + 1n;
        batches++;
        if (batch.control) {
          reader.control?.(partition, batch);
          continue;
        }
        // Below the log start lie records of a batch the start has moved into.
        for (const record of batch.records) {
          if (record.offset >= log.logStartOffset && hasKey(record)) reader.record(partition, record, batch);
        }
      }
    }
    this.#logger.debug({ topic: this.#spec.name, partition, batches }, 'replayed internal topic partition');
  }
}

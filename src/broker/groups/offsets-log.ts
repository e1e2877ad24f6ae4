// The durable side of the group coordinator: the internal topic __consumer_offsets, created on first need
// with offsets.topic.num.partitions partitions. Each group's records go to the partition Kafka would pick;
// one call appends one batch, so a commit of many partitions is stored atomically. TxnOffsetCommit's
// batches are transactional, written with the producer's id and epoch, and end with the marker the
// transaction coordinator has written after them. On start every partition is read back in order,
// markers included.
import type { Logger } from 'pino';
import { buildBatchSync, CONTROL_TYPE, parseControlKey } from '../../protocol/records/index.ts';
import { InternalTopic, type InternalTopicHost } from '../internal-topic.ts';
import type { TopicInfo } from '../metadata/topics.ts';
import type { CoordinatorRecord } from './group.ts';

export const OFFSETS_TOPIC = '__consumer_offsets';

/** What the offsets log needs of the broker (the Broker class provides it). */
export interface OffsetsLogHost extends InternalTopicHost {
  readonly settings: { offsetsTopicNumPartitions: number; offsetsTopicSegmentBytes: number };
}

/** The producer of a transactional batch. */
export interface TxnProducer {
  producerId: bigint;
  producerEpoch: number;
}

/** A record read back at start: its place in the partition, and its producer when transactional. */
export interface ReplayedRecord extends CoordinatorRecord {
  offset: bigint;
  /** Set for the records of a transactional batch: they count once its commit marker is read. */
  producer?: TxnProducer;
}

/** What replay hands back, in log order: records, and the end markers of transactions. */
export interface ReplayHandler {
  record(record: ReplayedRecord): void;
  marker(partition: number, producerId: bigint, commit: boolean): void;
}

/** Reads of the log during replay: large enough to take several batches per call. */
const REPLAY_READ_BYTES = 1024 * 1024;

export class OffsetsLog {
  readonly #topic: InternalTopic;

  constructor(host: OffsetsLogHost, logger: Logger) {
    this.#topic = new InternalTopic(
      host,
      {
        name: OFFSETS_TOPIC,
        partitions: () => host.settings.offsetsTopicNumPartitions,
        configs: () => ({
          'cleanup.policy': 'compact',
          'segment.bytes': String(host.settings.offsetsTopicSegmentBytes),
          'compression.type': 'producer',
        }),
        loadBufferBytes: () => REPLAY_READ_BYTES,
      },
      logger,
    );
  }

  partitionFor(groupId: string): number {
    return this.#topic.partitionFor(groupId);
  }

  ensureTopic(): Promise<TopicInfo> {
    return this.#topic.ensureTopic();
  }

  /**
   * Appends the records of one group as one batch (transactional when a producer is given, with
   * sequence 0 as Kafka's coordinators write them); resolves with the offset of its first record, or -1
   * when there was nothing to write. Callers' appends reach the log in call order, so later records of
   * a key always win on replay and in compaction.
   */
  async append(
    groupId: string,
    records: readonly CoordinatorRecord[],
    timestampMs: number,
    producer?: TxnProducer,
  ): Promise<bigint> {
    if (records.length === 0) return -1n;
    const batch = buildBatchSync({
      records: records.map((r) => ({ key: r.key, value: r.value, timestamp: BigInt(timestampMs) })),
      ...(producer && { ...producer, baseSequence: 0, transactional: true }),
    });
    return this.#topic.append(groupId, batch);
  }

  /** Every record of every partition, partition by partition, in offset order; resolves with their count. */
  async replay(handler: ReplayHandler): Promise<number> {
    let count = 0;
    await this.#topic.replay({
      record(_partition, record, batch) {
        const replayed: ReplayedRecord = { key: record.key, value: record.value, offset: record.offset };
        if (batch.transactional) {
          replayed.producer = {
            producerId: batch.header.producerId,
            producerEpoch: batch.header.producerEpoch,
          };
        }
        handler.record(replayed);
        count++;
      },
      control(partition, batch) {
        // A marker the cleaner has emptied no longer ends anything.
        const key = batch.records[0]?.key;
        const type = key ? parseControlKey(key).type : undefined;
        if (type === CONTROL_TYPE.commit || type === CONTROL_TYPE.abort) {
          handler.marker(partition, batch.header.producerId, type === CONTROL_TYPE.commit);
        }
      },
    });
    return count;
  }
}

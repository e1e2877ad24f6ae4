// The durable side of share groups: Kafka's internal topic __share_group_state, created on first need
// with share.coordinator.state.topic.num.partitions partitions. The records of one share-partition go to
// the partition Kafka's share coordinator picks (abs(hashCode("group:topicId:partition")) mod the
// partition count). An append resolves once the log has the record (fsynced when the topic's flush
// policy says so). On start every partition is read back in order.
import type { Logger } from 'pino';
import { buildBatchSync } from '../../protocol/records/index.ts';
import { InternalTopic, type InternalTopicHost } from '../internal-topic.ts';
import { decodeShareRecord, type SharePartitionKey, type ShareStateRecord } from './share-state-records.ts';

export const SHARE_STATE_TOPIC = '__share_group_state';

/** What the state log needs of the broker (the Broker class provides it). */
export interface ShareStateLogHost extends InternalTopicHost {
  readonly settings: {
    shareCoordinatorStateTopicNumPartitions: number;
    shareCoordinatorStateTopicSegmentBytes: number;
  };
}

const REPLAY_READ_BYTES = 1024 * 1024;

export class ShareStateLog {
  readonly #topic: InternalTopic;

  constructor(host: ShareStateLogHost, logger: Logger) {
    this.#topic = new InternalTopic(
      host,
      {
        name: SHARE_STATE_TOPIC,
        partitions: () => host.settings.shareCoordinatorStateTopicNumPartitions,
        configs: () => ({
          'cleanup.policy': 'compact',
          'segment.bytes': String(host.settings.shareCoordinatorStateTopicSegmentBytes),
          'compression.type': 'producer',
        }),
        loadBufferBytes: () => REPLAY_READ_BYTES,
      },
      logger,
    );
  }

  /** Appends one record (a null value is a tombstone) for the share-partition `key`. */
  async append(key: SharePartitionKey, record: { key: Buffer; value: Buffer | null }, timestampMs: number) {
    const batch = buildBatchSync({ records: [{ ...record, timestamp: BigInt(timestampMs) }] });
    await this.#topic.append(`${key.groupId}:${key.topicId}:${key.partition}`, batch);
  }

  /** Every record of every partition, partition by partition, in offset order; resolves with their count. */
  async replay(apply: (record: ShareStateRecord) => void): Promise<number> {
    let count = 0;
    await this.#topic.replay({
      record(_partition, record) {
        const decoded = decodeShareRecord(record.key, record.value);
        if (decoded) {
          apply(decoded);
          count++;
        }
      },
    });
    return count;
  }
}

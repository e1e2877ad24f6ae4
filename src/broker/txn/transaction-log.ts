// The durable side of the transaction coordinator: the internal topic __transaction_state,
// created on first need with transaction.state.log.num.partitions partitions. Each transactional id's
// records go to the partition Kafka would pick (as for groups: Java's hashCode of the id, modulo the
// partition count). A write resolves once the log has the record (fsynced when the log's flush policy
// says so); on start every partition is read back in order and the last record of each id wins.
import type { Logger } from 'pino';
import { buildBatchSync } from '../../protocol/records/index.ts';
import { InternalTopic, type InternalTopicHost } from '../internal-topic.ts';
import type { TopicInfo } from '../metadata/topics.ts';
import {
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  encodeTransactionLogKey,
  encodeTransactionLogValue,
} from './transaction-log-records.ts';
import type { TxnMetadata } from './transaction-state.ts';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

/** What the transaction log needs of the broker (the Broker class provides it). */
export interface TransactionLogHost extends InternalTopicHost {
  readonly settings: {
    transactionStateLogNumPartitions: number;
    transactionStateLogSegmentBytes: number;
    transactionStateLogLoadBufferSize: number;
  };
}

export class TransactionLog {
  readonly #topic: InternalTopic;
  readonly #logger: Logger;

  constructor(host: TransactionLogHost, logger: Logger) {
    this.#logger = logger;
    this.#topic = new InternalTopic(
      host,
      {
        name: TRANSACTION_STATE_TOPIC,
        partitions: () => host.settings.transactionStateLogNumPartitions,
        // Kafka's transactionTopicConfigs (min.insync.replicas is left out: a single node has one replica).
        configs: () => ({
          'cleanup.policy': 'compact',
          'compression.type': 'uncompressed',
          'segment.bytes': String(host.settings.transactionStateLogSegmentBytes),
          'unclean.leader.election.enable': 'false',
        }),
        loadBufferBytes: () => host.settings.transactionStateLogLoadBufferSize,
      },
      logger,
    );
  }

  ensureTopic(): Promise<TopicInfo> {
    return this.#topic.ensureTopic();
  }

  /**
   * Writes the state of one transactional id, or its tombstone (null). Writes reach the log in call
   * order, so the later record of an id always wins on replay and in compaction.
   */
  async write(transactionalId: string, metadata: TxnMetadata | null, timestampMs: number): Promise<void> {
    const batch = buildBatchSync({
      records: [
        {
          key: encodeTransactionLogKey(transactionalId),
          value: metadata && encodeTransactionLogValue(metadata),
          timestamp: BigInt(timestampMs),
        },
      ],
    });
    await this.#topic.append(transactionalId, batch);
  }

  /** The last state of every transactional id that has not expired. */
  async load(): Promise<Map<string, TxnMetadata>> {
    const loaded = new Map<string, TxnMetadata>();
    await this.#topic.replay({
      record: (partition, record) => {
        const transactionalId = decodeTransactionLogKey(record.key);
        if (transactionalId === undefined) {
          this.#logger.warn({ partition, offset: record.offset.toString() }, 'unknown record type, skipped');
        } else if (record.value === null) {
          loaded.delete(transactionalId);
        } else {
          loaded.set(transactionalId, decodeTransactionLogValue(transactionalId, record.value));
        }
      },
    });
    return loaded;
  }
}

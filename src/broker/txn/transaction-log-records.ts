// Kafka's records of __transaction_state: the key is record type 0 (TransactionLogKey: the transactional
// id), the value a versioned TransactionLogValue (null: the id expired). Field layouts are those of
// Kafka's TransactionLogKey/Value definitions, framed as every coordinator record is
// (groups/coordinator-record-format.ts), so Kafka's tools read what Nagare writes and the reverse.
// Nagare runs at transaction.version 2 (txn/transaction-version.ts) and so writes value version 1 (flexible,
// with the producer ids and the client's transaction version tagged), as Kafka does from that level;
// version 0 is read too.
import type { Message } from '../../protocol/codec.ts';
import type { MessageSchema } from '../../protocol/schema/types.ts';
import {
  ALL_VERSIONS,
  decodeVersioned,
  encodeVersioned,
  field,
} from '../groups/coordinator-record-format.ts';
import {
  NO_PRODUCER_EPOCH,
  partitionKey,
  type TopicPartition,
  type TxnMetadata,
  txnStateFromId,
  txnStateId,
} from './transaction-state.ts';

/** CoordinatorRecordType.TRANSACTION_LOG: the leading int16 of every key. */
export const TRANSACTION_LOG_RECORD_TYPE = 0;
/** The value version Kafka writes at transaction.version 2 (0 below it). */
export const TRANSACTION_LOG_VALUE_VERSION = 1;

const FROM_V1: [number, number] = [1, 0x7fff];

const keySchema: MessageSchema = {
  name: 'TransactionLogKey',
  validVersions: [0, 0],
  flexibleVersions: null,
  fields: [field('transactionalId', 'string')],
};

const valueSchema: MessageSchema = {
  name: 'TransactionLogValue',
  validVersions: [0, 1],
  flexibleVersions: FROM_V1,
  fields: [
    field('producerId', 'int64'),
    field('previousProducerId', 'int64', { versions: FROM_V1, tag: 0, tagged: FROM_V1, default: '-1' }),
    field('nextProducerId', 'int64', { versions: FROM_V1, tag: 1, tagged: FROM_V1, default: '-1' }),
    field('producerEpoch', 'int16'),
    field('nextProducerEpoch', 'int16', { versions: FROM_V1, tag: 3, tagged: FROM_V1, default: -1 }),
    field('transactionTimeoutMs', 'int32'),
    field('transactionStatus', 'int8'),
    field('transactionPartitions', 'struct', {
      array: true,
      nullable: ALL_VERSIONS,
      fields: [field('topic', 'string'), field('partitionIds', 'int32', { array: true })],
    }),
    field('transactionLastUpdateTimestampMs', 'int64'),
    field('transactionStartTimestampMs', 'int64'),
    field('clientTransactionVersion', 'int16', { versions: FROM_V1, tag: 2, tagged: FROM_V1, default: 0 }),
  ],
};

export function encodeTransactionLogKey(transactionalId: string): Buffer {
  return encodeVersioned(TRANSACTION_LOG_RECORD_TYPE, keySchema, { transactionalId }, 0);
}

/** The transactional id of a key, or undefined for a record type this broker does not know (skipped). */
export function decodeTransactionLogKey(key: Buffer): string | undefined {
  if (key.readInt16BE(0) !== TRANSACTION_LOG_RECORD_TYPE) return undefined;
  return decodeVersioned(key, keySchema, 0).message.transactionalId;
}

/** Partitions grouped by topic in order of first appearance, as Kafka groups them; none when Empty. */
function partitionsByTopic(metadata: TxnMetadata): Message[] | null {
  if (metadata.state === 'Empty') return null;
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of metadata.partitions.values()) {
    const ids = byTopic.get(topic);
    if (ids) ids.push(partition);
    else byTopic.set(topic, [partition]);
  }
  return [...byTopic].map(([topic, partitionIds]) => ({ topic, partitionIds }));
}

export function encodeTransactionLogValue(
  metadata: TxnMetadata,
  version = TRANSACTION_LOG_VALUE_VERSION,
): Buffer {
  if (metadata.state === 'Empty' && metadata.partitions.size > 0) {
    throw new Error(`transactional id ${metadata.transactionalId} is Empty but has partitions`);
  }
  return encodeVersioned(version, valueSchema, {
    producerId: metadata.producerId,
    previousProducerId: metadata.previousProducerId,
    nextProducerId: metadata.nextProducerId,
    producerEpoch: metadata.producerEpoch,
    nextProducerEpoch: NO_PRODUCER_EPOCH,
    transactionTimeoutMs: metadata.timeoutMs,
    transactionStatus: txnStateId(metadata.state),
    transactionPartitions: partitionsByTopic(metadata),
    transactionLastUpdateTimestampMs: BigInt(metadata.lastUpdateTimestampMs),
    transactionStartTimestampMs: BigInt(metadata.startTimestampMs),
    clientTransactionVersion: metadata.clientTransactionVersion,
  });
}

export function decodeTransactionLogValue(transactionalId: string, value: Buffer): TxnMetadata {
  const { message } = decodeVersioned(value, valueSchema);
  const state = txnStateFromId(message.transactionStatus);
  const partitions = new Map<string, TopicPartition>();
  if (state !== 'Empty') {
    for (const { topic, partitionIds } of (message.transactionPartitions ?? []) as Message[]) {
      for (const partition of partitionIds as number[])
        partitions.set(partitionKey(topic, partition), { topic, partition });
    }
  }
  return {
    transactionalId,
    producerId: message.producerId,
    previousProducerId: message.previousProducerId,
    nextProducerId: message.nextProducerId,
    producerEpoch: message.producerEpoch,
    lastProducerEpoch: NO_PRODUCER_EPOCH,
    timeoutMs: message.transactionTimeoutMs,
    state,
    partitions,
    startTimestampMs: Number(message.transactionStartTimestampMs),
    lastUpdateTimestampMs: Number(message.transactionLastUpdateTimestampMs),
    clientTransactionVersion: message.clientTransactionVersion,
  };
}

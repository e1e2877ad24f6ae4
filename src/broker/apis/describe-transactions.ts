// DescribeTransactions (key 65): the state of each transactional id, as kafka-transactions.sh describe
// shows it. An unknown id is TRANSACTIONAL_ID_NOT_FOUND, an empty one INVALID_REQUEST.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { TxnMetadata } from '../txn/transaction-state.ts';
import type { ApiDefinition } from './api.ts';

function topicsOf(metadata: TxnMetadata): Message[] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of metadata.partitions.values()) {
    const partitions = byTopic.get(topic);
    if (partitions) partitions.push(partition);
    else byTopic.set(topic, [partition]);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

export const describeTransactionsApi: ApiDefinition = {
  key: API_KEYS.DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  handle(body, ctx) {
    const transactionStates = (body.transactionalIds as string[]).map((transactionalId): Message => {
      const found = ctx.broker.transactions.describe(transactionalId);
      if ('error' in found) {
        return {
          errorCode: ERRORS[found.error].code,
          transactionalId,
          transactionState: '',
          transactionTimeoutMs: 0,
          transactionStartTimeMs: 0n,
          producerId: 0n,
          producerEpoch: 0,
          topics: [],
        };
      }
      const { metadata } = found;
      return {
        errorCode: 0,
        transactionalId,
        transactionState: metadata.state,
        transactionTimeoutMs: metadata.timeoutMs,
        transactionStartTimeMs: BigInt(metadata.startTimestampMs),
        producerId: metadata.producerId,
        producerEpoch: metadata.producerEpoch,
        topics: topicsOf(metadata),
      };
    });
    return { throttleTimeMs: 0, transactionStates };
  },
};

// AddPartitionsToTxn (key 24). v0-3 is the client's form: one transaction, answered per topic. v4+ is the
// brokers' batched form (several transactions, verifyOnly to ask whether partitions are already in a
// transaction), answered per transaction. As in Kafka, one unknown partition fails the whole
// transaction: it is answered UNKNOWN_TOPIC_OR_PARTITION and every other partition
// OPERATION_NOT_ATTEMPTED; a client may not add internal topics (TOPIC_AUTHORIZATION_FAILED). Otherwise
// every partition gets the coordinator's one answer for the transaction. v5 comes from brokers whose
// clients use transaction version 2, which the transaction's state records.
import type { Message } from '../../protocol/codec.ts';
import type { ErrorName } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import type { TopicPartition } from '../txn/transaction-state.ts';
import { clientTransactionVersionOf } from '../txn/transaction-version.ts';
import type { ApiDefinition } from './api.ts';
import { isInternalTopic } from './metadata.ts';
import { transactionErrorCode } from './transaction-errors.ts';

/** From this version requests come from brokers and batch transactions. */
const BATCHED_SINCE = 4;

interface TransactionRequest {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  verifyOnly: boolean;
  partitions: TopicPartition[];
}

/** The partitions of a request's topics, each once. */
function requestedPartitions(topics: readonly Message[]): TopicPartition[] {
  const seen = new Map<string, TopicPartition>();
  for (const topic of topics) {
    for (const partition of topic.partitions as number[]) {
      seen.set(`${topic.name}-${partition}`, { topic: topic.name, partition });
    }
  }
  return [...seen.values()];
}

function transactionsOf(body: Message, version: number): TransactionRequest[] {
  if (version < BATCHED_SINCE) {
    return [
      {
        transactionalId: body.v3AndBelowTransactionalId,
        producerId: body.v3AndBelowProducerId,
        producerEpoch: body.v3AndBelowProducerEpoch,
        verifyOnly: false,
        partitions: requestedPartitions(body.v3AndBelowTopics),
      },
    ];
  }
  return (body.transactions as Message[]).map((t) => ({
    transactionalId: t.transactionalId,
    producerId: t.producerId,
    producerEpoch: t.producerEpoch,
    verifyOnly: t.verifyOnly,
    partitions: requestedPartitions(t.topics),
  }));
}

/** Kafka's checks before the coordinator: each partition must exist; clients may not name internal topics. */
function partitionCheck(broker: Broker, version: number, p: TopicPartition): ErrorName | undefined {
  if (version < BATCHED_SINCE && isInternalTopic(p.topic)) return 'TOPIC_AUTHORIZATION_FAILED';
  const topic = broker.metadata.topic(p.topic);
  if (!topic || p.partition < 0 || p.partition >= topic.partitions) return 'UNKNOWN_TOPIC_OR_PARTITION';
  return undefined;
}

/** Each partition's error (undefined: none) for one transaction. */
async function partitionErrors(
  broker: Broker,
  version: number,
  txn: TransactionRequest,
): Promise<(ErrorName | undefined)[]> {
  const checks = txn.partitions.map((p) => partitionCheck(broker, version, p));
  if (checks.some((error) => error !== undefined))
    return checks.map((error) => error ?? 'OPERATION_NOT_ATTEMPTED');
  const { transactions } = broker;
  if (txn.verifyOnly) {
    return transactions.verifyPartitions(
      txn.transactionalId,
      txn.producerId,
      txn.producerEpoch,
      txn.partitions,
    );
  }
  const error = await transactions.addPartitions(
    txn.transactionalId,
    txn.producerId,
    txn.producerEpoch,
    txn.partitions,
    clientTransactionVersionOf('AddPartitionsToTxn', version),
  );
  return txn.partitions.map(() => error);
}

/** Results per topic, in the order the topics were first named. */
function topicResults(partitions: TopicPartition[], codes: number[]): Message[] {
  const byTopic = new Map<string, Message[]>();
  partitions.forEach((p, i) => {
    let results = byTopic.get(p.topic);
    if (!results) {
      results = [];
      byTopic.set(p.topic, results);
    }
    results.push({ partitionIndex: p.partition, partitionErrorCode: codes[i] });
  });
  return [...byTopic].map(([name, resultsByPartition]) => ({ name, resultsByPartition }));
}

export const addPartitionsToTxnApi: ApiDefinition = {
  key: API_KEYS.AddPartitionsToTxn,
  minVersion: 0,
  maxVersion: 5,
  async handle(body, ctx) {
    const version = ctx.header.apiVersion;
    const results = await Promise.all(
      transactionsOf(body, version).map(async (txn) => {
        const errors = await partitionErrors(ctx.broker, version, txn);
        const codes = errors.map((error) => transactionErrorCode('AddPartitionsToTxn', error, version));
        return { transactionalId: txn.transactionalId, topicResults: topicResults(txn.partitions, codes) };
      }),
    );
    if (version < BATCHED_SINCE) {
      return { throttleTimeMs: 0, resultsByTopicV3AndBelow: results[0].topicResults };
    }
    return { throttleTimeMs: 0, errorCode: 0, resultsByTransaction: results };
  },
};

// Transactional requests for tests that drive the broker through RawClient, at the versions clients use.
import assert from 'node:assert/strict';
import type { Message } from '../../../src/protocol/codec.ts';
import { buildBatchSync } from '../../../src/protocol/records/batch.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import type { RawClient } from '../../support/raw-client.ts';
import { until } from '../groups/until.ts';

export const ERR = {
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  INVALID_REQUEST: 42,
  INVALID_PRODUCER_EPOCH: 47,
  INVALID_TXN_STATE: 48,
  INVALID_PRODUCER_ID_MAPPING: 49,
  INVALID_TRANSACTION_TIMEOUT: 50,
  CONCURRENT_TRANSACTIONS: 51,
  OPERATION_NOT_ATTEMPTED: 55,
  TOPIC_AUTHORIZATION_FAILED: 29,
  PRODUCER_FENCED: 90,
  TRANSACTIONAL_ID_NOT_FOUND: 105,
  TRANSACTION_ABORTABLE: 120,
};

export interface Producer {
  producerId: bigint;
  producerEpoch: number;
}

export async function initProducer(c: RawClient, transactionalId: string, version = 4, timeoutMs = 60_000) {
  return c.request(API_KEYS.InitProducerId, version, {
    transactionalId,
    transactionTimeoutMs: timeoutMs,
    producerId: -1n,
    producerEpoch: -1,
  });
}

export async function producerFor(c: RawClient, transactionalId: string): Promise<Producer> {
  const r = await until(`InitProducerId of ${transactionalId}`, async () => {
    const answer = await initProducer(c, transactionalId);
    return answer.errorCode === ERR.CONCURRENT_TRANSACTIONS ? undefined : answer;
  });
  assert.equal(r.errorCode, 0);
  return { producerId: r.producerId, producerEpoch: r.producerEpoch };
}

export function addPartitionsV3(
  c: RawClient,
  transactionalId: string,
  p: Producer,
  topics: Record<string, number[]>,
  version = 3,
) {
  return c.request(API_KEYS.AddPartitionsToTxn, version, {
    v3AndBelowTransactionalId: transactionalId,
    v3AndBelowProducerId: p.producerId,
    v3AndBelowProducerEpoch: p.producerEpoch,
    v3AndBelowTopics: Object.entries(topics).map(([name, partitions]) => ({ name, partitions })),
  });
}

/** `topic` → partition → error code, from a v0-3 answer. */
export function codesOf(results: Message[]): Record<string, Record<number, number>> {
  return Object.fromEntries(
    results.map((t) => [
      t.name,
      Object.fromEntries(
        (t.resultsByPartition as Message[]).map((p) => [p.partitionIndex, p.partitionErrorCode]),
      ),
    ]),
  );
}

export function endTxn(c: RawClient, transactionalId: string, p: Producer, committed: boolean, version = 3) {
  return c.request(API_KEYS.EndTxn, version, { transactionalId, ...p, committed });
}

export async function describe1(c: RawClient, transactionalId: string): Promise<Message> {
  const r = await c.request(API_KEYS.DescribeTransactions, 0, { transactionalIds: [transactionalId] });
  return (r.transactionStates as Message[])[0];
}

export async function settledIn(c: RawClient, transactionalId: string, state: string): Promise<Message> {
  return until(`${transactionalId} in ${state}`, async () => {
    const d = await describe1(c, transactionalId);
    return d.transactionState === state ? d : undefined;
  });
}

/** Produce (v9 unless told: v12+ is transaction version 2) of one transactional batch. */
export async function produceTxn(
  c: RawClient,
  transactionalId: string,
  p: Producer,
  topic: string,
  partition: number,
  seq: number,
  values: string[],
  version = 9,
) {
  const records = buildBatchSync({
    records: values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: BigInt(Date.now()) })),
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    baseSequence: seq,
    transactional: true,
  });
  const r = await c.request(API_KEYS.Produce, version, {
    transactionalId,
    acks: -1,
    timeoutMs: 10_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
  return ((r.responses as Message[])[0].partitionResponses as Message[])[0].errorCode as number;
}

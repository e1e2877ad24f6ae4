// What the producer-state tests write to a partition log and read back: data batches of a producer
// (epoch 0), end-transaction markers, and the transaction each producer has open.
import { buildBatchSync } from '../../../src/protocol/records/batch.ts';
import { buildEndTxnMarkerBatch } from '../../../src/protocol/records/control.ts';
import type { openLog } from '../log/log-test-helpers.ts';

type Log = Awaited<ReturnType<typeof openLog>>;

/** A batch of `values` written by `producerId` (key = value up to its '='), transactional unless said otherwise. */
export function dataBatch(producerId: bigint, seq: number, values: string[], transactional = true): Buffer {
  return buildBatchSync({
    records: values.map((value) => ({
      key: Buffer.from(value.split('=')[0]),
      value: Buffer.from(value),
      timestamp: 1000n,
    })),
    producerId,
    producerEpoch: 0,
    baseSequence: seq,
    transactional,
  });
}

export function markerBatch(producerId: bigint, commit: boolean): Buffer {
  return buildEndTxnMarkerBatch({
    producerId,
    producerEpoch: 0,
    coordinatorEpoch: 0,
    commit,
    timestamp: 1000n,
  });
}

/** [producer id, first offset of its open transaction or -1] of every producer the log knows. */
export function transactionStarts(log: Pick<Log, 'producerState'>): [bigint, bigint][] {
  return log.producerState.activeProducers().map((p) => [p.producerId, p.currentTxnStartOffset]);
}

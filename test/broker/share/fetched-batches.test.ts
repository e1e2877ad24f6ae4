import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeBatches } from '../../../src/broker/share/fetched-batches.ts';
import { buildEndTxnMarkerBatch } from '../../../src/protocol/records/control.ts';
import { buildBatchSync } from '../../../src/protocol/records/index.ts';

function data(baseOffset: bigint, count: number, producerId = -1n) {
  return buildBatchSync({
    baseOffset,
    producerId,
    producerEpoch: producerId >= 0n ? 0 : -1,
    baseSequence: producerId >= 0n ? 0 : -1,
    transactional: producerId >= 0n,
    records: Array.from({ length: count }, () => ({ value: Buffer.from('x'), timestamp: 0n })),
  });
}

describe('describeBatches', () => {
  it('gives the offsets of each batch; control batches are never deliverable', () => {
    const records = Buffer.concat([
      data(0n, 3, 7n),
      buildEndTxnMarkerBatch({
        baseOffset: 3n,
        producerId: 7n,
        producerEpoch: 0,
        commit: true,
        coordinatorEpoch: 0,
        timestamp: 0n,
      }),
      data(4n, 2),
    ]);
    const batches = describeBatches(records);
    assert.deepEqual(
      batches.map((b) => [Number(b.firstOffset), Number(b.lastOffset), b.deliverable]),
      [
        [0, 2, true],
        [3, 3, false],
        [4, 5, true],
      ],
    );
  });

  it("leaves out an aborted transaction's batches, up to its marker", () => {
    const records = Buffer.concat([
      data(0n, 2, 7n),
      data(2n, 2, 8n),
      buildEndTxnMarkerBatch({
        baseOffset: 4n,
        producerId: 7n,
        producerEpoch: 0,
        commit: false,
        coordinatorEpoch: 0,
        timestamp: 0n,
      }),
      data(5n, 1, 7n),
    ]);
    const batches = describeBatches(records, [{ producerId: 7n, firstOffset: 0n }]);
    assert.deepEqual(
      batches.map((b) => b.deliverable),
      [false, true, false, true],
    );
  });
});

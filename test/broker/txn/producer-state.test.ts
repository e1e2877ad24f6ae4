import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProducerStateManager } from '../../../src/broker/txn/producer-state.ts';
import type { BatchHeader } from '../../../src/protocol/records/batch-header.ts';

function header(producerId: bigint, producerEpoch: number, baseSequence: number, records = 1): BatchHeader {
  return {
    baseOffset: 0n,
    batchLength: 0,
    partitionLeaderEpoch: -1,
    magic: 2,
    crc: 0,
    attributes: 0,
    lastOffsetDelta: records - 1,
    baseTimestamp: 0n,
    maxTimestamp: 0n,
    producerId,
    producerEpoch,
    baseSequence,
    recordCount: records,
  };
}

test('a retried batch is recognised as a duplicate and answered with its first offset', () => {
  const state = new ProducerStateManager();
  const first = header(7n, 0, 0, 10);
  assert.deepEqual(state.check('t-0', first), { kind: 'append' });
  state.recordAppend('t-0', first, 100n);
  assert.deepEqual(state.check('t-0', first), { kind: 'duplicate', baseOffset: 100n });
  assert.deepEqual(state.check('t-0', header(7n, 0, 10, 5)), { kind: 'append' });
});

test('a gap in sequence numbers is OUT_OF_ORDER_SEQUENCE_NUMBER, an old epoch INVALID_PRODUCER_EPOCH', () => {
  const state = new ProducerStateManager();
  state.recordAppend('t-0', header(7n, 3, 0, 2), 0n);
  const gap = state.check('t-0', header(7n, 3, 5));
  assert.equal(gap.kind === 'error' && gap.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
  const stale = state.check('t-0', header(7n, 2, 2));
  assert.equal(stale.kind === 'error' && stale.error, 'INVALID_PRODUCER_EPOCH');
  assert.deepEqual(state.check('t-0', header(7n, 4, 0)), { kind: 'append' });
  const bumpedMidway = state.check('t-0', header(7n, 4, 9));
  assert.equal(bumpedMidway.kind === 'error' && bumpedMidway.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
});

test('only the last five batches are remembered, per partition', () => {
  const state = new ProducerStateManager();
  for (let seq = 0; seq < 6; seq++) state.recordAppend('t-0', header(1n, 0, seq), BigInt(seq));
  assert.equal(state.check('t-0', header(1n, 0, 0)).kind, 'error');
  assert.deepEqual(state.check('t-0', header(1n, 0, 1)), { kind: 'duplicate', baseOffset: 1n });
  assert.deepEqual(state.check('t-1', header(1n, 0, 42)), { kind: 'append' });
});

test('sequence numbers wrap from 2^31-1 to 0; non-idempotent batches always append', () => {
  const state = new ProducerStateManager();
  state.recordAppend('t-0', header(1n, 0, 0x7ffffffe, 2), 0n);
  assert.deepEqual(state.check('t-0', header(1n, 0, 0)), { kind: 'append' });
  assert.deepEqual(state.check('t-0', header(-1n, -1, -1)), { kind: 'append' });
});

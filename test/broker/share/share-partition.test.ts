import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ACKNOWLEDGE_TYPE,
  type FetchedBatch,
  RECORD_STATE,
  SharePartitionState,
  validateAcknowledgements,
} from '../../../src/broker/share/share-partition.ts';

const LIMITS = { maxRecords: 500, maxRecordLocks: 200, recordLockDurationMs: 30000 };
const { accept, release, reject, gap } = ACKNOWLEDGE_TYPE;

function batch(first: number, last: number, deliverable = true): FetchedBatch {
  return { firstOffset: BigInt(first), lastOffset: BigInt(last), deliverable };
}

function ranges(list: { firstOffset: bigint; lastOffset: bigint; deliveryCount: number }[]) {
  return list.map((r) => [Number(r.firstOffset), Number(r.lastOffset), r.deliveryCount]);
}

describe('SharePartitionState', () => {
  it('acquires new records for a member and reports them as ranges with their delivery count', () => {
    const s = new SharePartitionState(0n);
    const acquired = s.acquire('m1', [batch(0, 4), batch(5, 9)], LIMITS, 1000);
    assert.deepEqual(ranges(acquired), [[0, 9, 1]]);
    assert.equal(s.startOffset, 0n);
    assert.equal(s.endOffset, 9n);
    assert.equal(s.record(3n)?.state, RECORD_STATE.acquired);
    assert.equal(s.record(3n)?.memberId, 'm1');
    assert.equal(s.record(3n)?.lockExpiresAtMs, 31000);
    assert.equal(s.nextFetchOffset(), 10n, 'nothing is available to redeliver');
  });

  it('starts acquisition at the SPSO when the first batch begins below it', () => {
    const s = new SharePartitionState(3n);
    assert.deepEqual(ranges(s.acquire('m1', [batch(0, 5)], LIMITS, 0)), [[3, 5, 1]]);
  });

  it('moves the SPSO past the acknowledged prefix only', () => {
    const s = new SharePartitionState(0n);
    s.acquire('m1', [batch(0, 9)], LIMITS, 0);
    assert.equal(
      s.acknowledge('m1', [{ firstOffset: 3n, lastOffset: 5n, acknowledgeTypes: [accept] }], 5),
      undefined,
    );
    assert.equal(s.startOffset, 0n, 'offsets 0-2 are still acquired');
    assert.equal(
      s.acknowledge('m1', [{ firstOffset: 0n, lastOffset: 2n, acknowledgeTypes: [reject] }], 5),
      undefined,
    );
    assert.equal(s.startOffset, 6n);
    assert.equal(s.inFlightCount, 4);
  });

  it('applies one acknowledge type per offset, gaps archive', () => {
    const s = new SharePartitionState(0n);
    s.acquire('m1', [batch(0, 3)], LIMITS, 0);
    const error = s.acknowledge(
      'm1',
      [{ firstOffset: 0n, lastOffset: 3n, acknowledgeTypes: [gap, accept, release, reject] }],
      5,
    );
    assert.equal(error, undefined);
    assert.equal(s.startOffset, 2n);
    assert.equal(s.record(2n)?.state, RECORD_STATE.available);
    assert.equal(s.record(3n)?.state, RECORD_STATE.archived);
    assert.equal(s.nextFetchOffset(), 2n, 'the released record is delivered again first');
  });

  it('redelivers released records with an incremented delivery count', () => {
    const s = new SharePartitionState(0n);
    s.acquire('m1', [batch(0, 4)], LIMITS, 0);
    s.acknowledge('m1', [{ firstOffset: 2n, lastOffset: 3n, acknowledgeTypes: [release] }], 5);
    const again = s.acquire('m2', [batch(0, 4), batch(5, 6)], LIMITS, 0);
    assert.deepEqual(ranges(again), [
      [2, 3, 2],
      [5, 6, 1],
    ]);
    assert.equal(s.record(2n)?.memberId, 'm2');
  });

  it('refuses, all or nothing, acknowledgements of records the member does not hold', () => {
    const s = new SharePartitionState(0n);
    s.acquire('m1', [batch(0, 4)], LIMITS, 0);
    const acks = [
      { firstOffset: 0n, lastOffset: 1n, acknowledgeTypes: [accept] },
      { firstOffset: 3n, lastOffset: 4n, acknowledgeTypes: [accept] },
    ];
    assert.equal(s.acknowledge('m2', acks, 5), 'INVALID_RECORD_STATE', 'another member');
    assert.equal(s.record(0n)?.state, RECORD_STATE.acquired, 'nothing was applied');
    assert.equal(
      s.acknowledge('m1', [{ firstOffset: 3n, lastOffset: 7n, acknowledgeTypes: [accept] }], 5),
      'INVALID_RECORD_STATE',
      'beyond the SPEO',
    );
    s.acknowledge('m1', [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [accept] }], 5);
    assert.equal(
      s.acknowledge('m1', [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [accept] }], 5),
      undefined,
      'offsets below the SPSO are already done and skipped',
    );
    s.acknowledge('m1', [{ firstOffset: 2n, lastOffset: 2n, acknowledgeTypes: [release] }], 5);
    assert.equal(
      s.acknowledge('m1', [{ firstOffset: 2n, lastOffset: 2n, acknowledgeTypes: [accept] }], 5),
      'INVALID_RECORD_STATE',
      'a released record is no longer acquired',
    );
  });

  it('validates acknowledgement batches as Kafka does', () => {
    const ok = { firstOffset: 0n, lastOffset: 2n, acknowledgeTypes: [accept] };
    assert.equal(validateAcknowledgements([ok]), undefined);
    assert.equal(
      validateAcknowledgements([{ ...ok, acknowledgeTypes: [accept, accept] }]),
      'INVALID_REQUEST',
    );
    assert.equal(validateAcknowledgements([{ ...ok, acknowledgeTypes: [7] }]), 'INVALID_REQUEST');
    assert.equal(validateAcknowledgements([{ ...ok, lastOffset: -1n }]), 'INVALID_REQUEST');
    assert.equal(validateAcknowledgements([ok, ok]), 'INVALID_REQUEST', 'overlapping');
  });

  it('archives a record once it has been delivered delivery.count.limit times', () => {
    const s = new SharePartitionState(0n);
    for (let delivery = 1; delivery <= 3; delivery++) {
      assert.deepEqual(ranges(s.acquire('m1', [batch(0, 0)], LIMITS, 0)), [[0, 0, delivery]]);
      s.acknowledge('m1', [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [release] }], 3);
    }
    assert.equal(s.startOffset, 1n, 'archived after the third delivery');
    assert.deepEqual(s.acquire('m1', [batch(0, 0)], LIMITS, 0), []);
  });

  it('releases acquired records when their lock expires', () => {
    const s = new SharePartitionState(0n);
    s.acquire('m1', [batch(0, 1)], LIMITS, 1000);
    s.acquire('m1', [batch(2, 3)], LIMITS, 5000);
    assert.equal(s.nextLockExpiry(), 31000);
    assert.equal(s.expireLocks(30999, 5), false);
    assert.equal(s.expireLocks(31000, 5), true);
    assert.equal(s.record(0n)?.state, RECORD_STATE.available);
    assert.equal(s.record(2n)?.state, RECORD_STATE.acquired);
    assert.equal(s.nextLockExpiry(), 35000);
    assert.equal(
      s.acknowledge('m1', [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [accept] }], 5),
      'INVALID_RECORD_STATE',
      'an expired lock cannot be acknowledged',
    );
  });

  it('releases the records of a member that left', () => {
    const s = new SharePartitionState(0n);
    s.acquire('m1', [batch(0, 1)], LIMITS, 0);
    s.acquire('m2', [batch(2, 3)], LIMITS, 0);
    assert.equal(s.releaseMember('m1', 5), true);
    assert.equal(s.record(1n)?.state, RECORD_STATE.available);
    assert.equal(s.record(2n)?.memberId, 'm2');
    assert.equal(s.releaseMember('m1', 5), false);
  });

  it('stops taking new records at the in-flight limit but still redelivers', () => {
    const s = new SharePartitionState(0n);
    const limits = { ...LIMITS, maxRecordLocks: 4 };
    assert.deepEqual(ranges(s.acquire('m1', [batch(0, 2), batch(3, 5), batch(6, 8)], limits, 0)), [
      [0, 5, 1],
    ]);
    assert.equal(s.canAcquire(4), false);
    s.acknowledge('m1', [{ firstOffset: 4n, lastOffset: 4n, acknowledgeTypes: [release] }], 5);
    assert.equal(s.canAcquire(4), true);
    assert.deepEqual(ranges(s.acquire('m2', [batch(3, 5), batch(6, 8)], limits, 0)), [[4, 4, 2]]);
  });

  it('exceeds maxRecords only to finish a batch', () => {
    const s = new SharePartitionState(0n);
    const acquired = s.acquire('m1', [batch(0, 4), batch(5, 9)], { ...LIMITS, maxRecords: 3 }, 0);
    assert.deepEqual(ranges(acquired), [[0, 4, 1]]);
  });

  it('archives records of batches that may not be delivered, without counting a delivery', () => {
    const s = new SharePartitionState(0n);
    const acquired = s.acquire('m1', [batch(0, 1), batch(2, 2, false), batch(3, 4)], LIMITS, 0);
    assert.deepEqual(ranges(acquired), [
      [0, 1, 1],
      [3, 4, 1],
    ]);
    assert.equal(s.record(2n)?.state, RECORD_STATE.archived);
  });

  it('treats offsets missing from the log between batches as done', () => {
    const s = new SharePartitionState(0n);
    assert.deepEqual(ranges(s.acquire('m1', [batch(5, 6)], LIMITS, 0)), [[5, 6, 1]]);
    assert.equal(s.startOffset, 5n);
  });

  it('follows the log start offset', () => {
    const s = new SharePartitionState(0n);
    s.acquire('m1', [batch(0, 9)], LIMITS, 0);
    assert.equal(s.advanceTo(4n), true);
    assert.equal(s.startOffset, 4n);
    assert.equal(s.inFlightCount, 6);
    assert.equal(s.advanceTo(2n), false);
    assert.equal(s.advanceTo(20n), true);
    assert.equal(s.inFlightCount, 0);
    assert.equal(s.nextFetchOffset(), 20n);
  });

  it('round-trips through its durable form, acquired records becoming available with their count', () => {
    const s = new SharePartitionState(0n);
    s.acquire('m1', [batch(0, 5)], LIMITS, 0);
    s.acknowledge('m1', [{ firstOffset: 2n, lastOffset: 3n, acknowledgeTypes: [accept] }], 5);
    s.acknowledge('m1', [{ firstOffset: 4n, lastOffset: 4n, acknowledgeTypes: [release] }], 5);
    const stored = s.stateBatches();
    assert.deepEqual(
      stored.map((b) => [Number(b.firstOffset), Number(b.lastOffset), b.deliveryState, b.deliveryCount]),
      [
        [0, 1, RECORD_STATE.available, 1],
        [2, 3, RECORD_STATE.acknowledged, 1],
        [4, 5, RECORD_STATE.available, 1],
      ],
    );
    const restored = new SharePartitionState(s.startOffset, stored);
    assert.equal(restored.endOffset, 5n);
    assert.deepEqual(ranges(restored.acquire('m9', [batch(0, 5), batch(6, 6)], LIMITS, 0)), [
      [0, 1, 2],
      [4, 5, 2],
      [6, 6, 1],
    ]);
    assert.equal(restored.record(2n)?.state, RECORD_STATE.acknowledged, 'acknowledged stays acknowledged');
  });
});

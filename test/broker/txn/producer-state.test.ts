import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AbortedTxnIndex,
  decodeAbortedTxns,
  encodeAbortedTxns,
} from '../../../src/broker/txn/aborted-index.ts';
import { decodeProducerSnapshot, encodeProducerSnapshot } from '../../../src/broker/txn/producer-snapshot.ts';
import { PartitionProducerState, type WrittenBatch } from '../../../src/broker/txn/producer-state.ts';
import {
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  type BatchHeader,
} from '../../../src/protocol/records/batch-header.ts';

interface HeaderSpec {
  producerId: bigint;
  epoch?: number;
  seq?: number;
  records?: number;
  offset?: bigint;
  transactional?: boolean;
}

function header(spec: HeaderSpec): BatchHeader {
  const records = spec.records ?? 1;
  return {
    baseOffset: spec.offset ?? 0n,
    batchLength: 0,
    partitionLeaderEpoch: -1,
    magic: 2,
    crc: 0,
    attributes: spec.transactional ? ATTR_TRANSACTIONAL : 0,
    lastOffsetDelta: records - 1,
    baseTimestamp: 0n,
    maxTimestamp: 5n,
    producerId: spec.producerId,
    producerEpoch: spec.epoch ?? 0,
    baseSequence: spec.seq ?? 0,
    recordCount: records,
  };
}

function data(spec: HeaderSpec): WrittenBatch {
  return { header: header(spec), marker: null };
}

function marker(
  producerId: bigint,
  offset: bigint,
  commit: boolean,
  epoch = 0,
  coordinatorEpoch = 0,
): WrittenBatch {
  return {
    header: {
      ...header({ producerId, epoch, offset, seq: -1 }),
      attributes: ATTR_TRANSACTIONAL | ATTR_CONTROL,
    },
    marker: { commit, coordinatorEpoch },
  };
}

test('a retried batch is recognised as a duplicate and answered with its first offset', () => {
  const state = new PartitionProducerState();
  const first = header({ producerId: 7n, seq: 0, records: 10, offset: 100n });
  assert.deepEqual(state.check(first), { kind: 'append' });
  state.apply({ header: first, marker: null });
  assert.deepEqual(state.check(first), { kind: 'duplicate', baseOffset: 100n });
  assert.deepEqual(state.check(header({ producerId: 7n, seq: 10, records: 5 })), { kind: 'append' });
});

test('a gap in sequence numbers is OUT_OF_ORDER_SEQUENCE_NUMBER, an old epoch INVALID_PRODUCER_EPOCH', () => {
  const state = new PartitionProducerState();
  state.apply(data({ producerId: 7n, epoch: 3, seq: 0, records: 2 }));
  const gap = state.check(header({ producerId: 7n, epoch: 3, seq: 5 }));
  assert.equal(gap.kind === 'error' && gap.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
  const stale = state.check(header({ producerId: 7n, epoch: 2, seq: 2 }));
  assert.equal(stale.kind === 'error' && stale.error, 'INVALID_PRODUCER_EPOCH');
  assert.deepEqual(state.check(header({ producerId: 7n, epoch: 4, seq: 0 })), { kind: 'append' });
  const bumpedMidway = state.check(header({ producerId: 7n, epoch: 4, seq: 9 }));
  assert.equal(bumpedMidway.kind === 'error' && bumpedMidway.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
});

test('only the last five batches are remembered; sequence numbers wrap; non-idempotent batches append', () => {
  const state = new PartitionProducerState();
  for (let seq = 0; seq < 6; seq++) state.apply(data({ producerId: 1n, seq, offset: BigInt(seq) }));
  assert.equal(state.check(header({ producerId: 1n, seq: 0 })).kind, 'error');
  assert.deepEqual(state.check(header({ producerId: 1n, seq: 1 })), { kind: 'duplicate', baseOffset: 1n });
  state.apply(data({ producerId: 2n, seq: 0x7ffffffe, records: 2 }));
  assert.deepEqual(state.check(header({ producerId: 2n, seq: 0 })), { kind: 'append' });
  assert.deepEqual(state.check(header({ producerId: -1n, epoch: -1, seq: -1 })), { kind: 'append' });
});

test('the LSO is the first offset of the earliest ongoing transaction, else the high watermark', () => {
  const state = new PartitionProducerState();
  assert.equal(state.lastStableOffset(10n), 10n);
  state.apply(data({ producerId: 1n, offset: 10n, records: 3, transactional: true }));
  state.apply(data({ producerId: 2n, offset: 13n, transactional: true }));
  state.apply(data({ producerId: 1n, offset: 14n, seq: 3, transactional: true }));
  assert.equal(state.lastStableOffset(15n), 10n);
  assert.equal(state.hasOngoingTransaction(1n, 0), true);
  assert.equal(state.hasOngoingTransaction(1n, 1), false, 'another epoch holds no transaction here');

  const committed = state.apply(marker(1n, 15n, true));
  assert.deepEqual(committed, { producerId: 1n, firstOffset: 10n, lastOffset: 15n, aborted: false });
  assert.equal(state.lastStableOffset(16n), 13n, 'producer 2 still holds the LSO back');
  const aborted = state.apply(marker(2n, 16n, false));
  assert.deepEqual(aborted, { producerId: 2n, firstOffset: 13n, lastOffset: 16n, aborted: true });
  assert.equal(state.lastStableOffset(17n), 17n);
  assert.equal(
    state.apply(marker(2n, 17n, false)),
    null,
    'a marker without an open transaction ends nothing',
  );
  assert.deepEqual(
    state.activeProducers().map((p) => [p.producerId, p.coordinatorEpoch, p.currentTxnStartOffset]),
    [
      [1n, 0, -1n],
      [2n, 0, -1n],
    ],
  );
});

test('a producer with an open transaction may not write non-transactional batches there', () => {
  const state = new PartitionProducerState();
  state.apply(data({ producerId: 1n, records: 2, transactional: true }));
  const plain = state.check(header({ producerId: 1n, seq: 2 }));
  assert.equal(plain.kind === 'error' && plain.error, 'INVALID_TXN_STATE');
  assert.deepEqual(state.check(header({ producerId: 1n, seq: 2, transactional: true })), { kind: 'append' });
});

test('markers from an older producer or coordinator epoch are refused', () => {
  const state = new PartitionProducerState();
  state.apply(data({ producerId: 1n, epoch: 4, transactional: true }));
  state.apply(marker(1n, 1n, true, 4, 7));
  assert.equal(state.checkMarker(1n, 3, 7), 'INVALID_PRODUCER_EPOCH');
  assert.equal(state.checkMarker(1n, 4, 6), 'TRANSACTION_COORDINATOR_FENCED');
  assert.equal(state.checkMarker(1n, 5, 7), undefined);
  assert.equal(state.checkMarker(9n, 0, 0), undefined, 'an unknown producer has nothing to fence');
});

test('a snapshot restores every producer, its open transaction and its recent batches', () => {
  const state = new PartitionProducerState();
  state.apply(data({ producerId: 1n, epoch: 2, seq: 0, records: 4, offset: 0n, transactional: true }));
  state.apply(data({ producerId: 5n, seq: 0, records: 1, offset: 4n }));
  state.apply(data({ producerId: 6n, epoch: 1, offset: 5n, transactional: true }));
  state.apply(marker(6n, 6n, false, 1, 3));
  const bytes = encodeProducerSnapshot(state.entries());
  const decoded = decodeProducerSnapshot(bytes);
  assert.ok(typeof decoded !== 'string', String(decoded));
  const restored = new PartitionProducerState(decoded);
  assert.deepEqual(restored.activeProducers(), state.activeProducers());
  assert.equal(restored.lastStableOffset(7n), 0n);
  assert.deepEqual(restored.check(header({ producerId: 1n, epoch: 2, seq: 0, records: 4 })), {
    kind: 'duplicate',
    baseOffset: 0n,
  });

  const damaged = Buffer.from(bytes);
  damaged[damaged.length - 1] ^= 1;
  assert.equal(typeof decodeProducerSnapshot(damaged), 'string');
  assert.equal(typeof decodeProducerSnapshot(bytes.subarray(0, 5)), 'string');
});

test('aborted transactions are found for a range as Kafka collects them', () => {
  const index = new AbortedTxnIndex();
  // Producer 1 aborts [0, 5] (marker 5); producer 2 aborts [3, 9] in the next segment; producer 3 [20, 22].
  index.add(0n, { producerId: 1n, firstOffset: 0n, lastOffset: 5n, lastStableOffset: 3n });
  index.add(8n, { producerId: 2n, firstOffset: 3n, lastOffset: 9n, lastStableOffset: 10n });
  index.add(8n, { producerId: 3n, firstOffset: 20n, lastOffset: 22n, lastStableOffset: 23n });
  const producers = (from: bigint, to: bigint) => index.collect(from, to).map((t) => t.producerId);
  assert.deepEqual(producers(0n, 4n), [1n, 2n]);
  assert.deepEqual(producers(6n, 8n), [2n], 'what ended before the range is not listed');
  assert.deepEqual(producers(10n, 20n), [], 'what started at or after the range end is not listed');
  assert.deepEqual(producers(10n, 21n), [3n]);
  assert.deepEqual(index.collect(0n, 1n), [{ producerId: 1n, firstOffset: 0n }]);

  index.truncateFrom(9n);
  assert.deepEqual(producers(0n, 100n), [1n]);
  index.set(0n, []);
  assert.equal(index.size, 0);
});

test('the .txnindex format round-trips and a torn tail is reported', () => {
  const entries = [
    { producerId: 1n, firstOffset: 0n, lastOffset: 5n, lastStableOffset: 6n },
    { producerId: 2n, firstOffset: 7n, lastOffset: 9n, lastStableOffset: 10n },
  ];
  const bytes = encodeAbortedTxns(entries);
  assert.equal(bytes.length, 68);
  assert.deepEqual(decodeAbortedTxns(bytes), { entries, problem: null });
  const torn = decodeAbortedTxns(bytes.subarray(0, 50));
  assert.deepEqual(torn.entries, entries.slice(0, 1));
  assert.match(torn.problem ?? '', /torn/);
});

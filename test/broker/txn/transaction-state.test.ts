import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addPartitions,
  completeTransaction,
  endTransaction,
  endTransactionV2,
  fencedAbort,
  hasExpired,
  hasTimedOut,
  initProducerId,
  isLegalTransition,
  isValidTimeout,
  newTxnMetadata,
  producerAfter,
  rotateProducerId,
  TXN_STATES,
  type TxnMetadata,
  txnStateFromId,
  txnStateId,
  verifyPartition,
} from '../../../src/broker/txn/transaction-state.ts';

const T0 = 1_000_000;
const orders0 = { topic: 'orders', partition: 0 };
const orders1 = { topic: 'orders', partition: 1 };

function written(decision: ReturnType<typeof initProducerId>): TxnMetadata {
  if (decision.kind !== 'write') assert.fail(`expected a write, got ${decision.kind}`);
  return decision.next;
}

function next(transition: ReturnType<typeof addPartitions>): TxnMetadata {
  if (!transition || 'error' in transition) assert.fail(`expected a transition, got ${transition?.error}`);
  return transition.next;
}

/** A transactional id after its first InitProducerId: producer 7, epoch 0. */
function initialized(): TxnMetadata {
  return written(initProducerId(newTxnMetadata('t', 7n, 60_000, T0), 60_000, undefined, T0));
}

function ongoingWith(...partitions: { topic: string; partition: number }[]): TxnMetadata {
  return next(addPartitions(initialized(), 7n, 0, partitions, T0 + 10));
}

describe('transaction states', () => {
  it("has Kafka's state ids and only Kafka's transitions", () => {
    assert.deepEqual(
      TXN_STATES.map((s) => [s, txnStateId(s)]),
      [
        ['Empty', 0],
        ['Ongoing', 1],
        ['PrepareCommit', 2],
        ['PrepareAbort', 3],
        ['CompleteCommit', 4],
        ['CompleteAbort', 5],
        ['Dead', 6],
        ['PrepareEpochFence', 7],
      ],
    );
    assert.equal(txnStateFromId(3), 'PrepareAbort');
    const legal = TXN_STATES.flatMap((from) =>
      TXN_STATES.filter((to) => isLegalTransition(from, to)).map((to) => `${from}->${to}`),
    );
    assert.deepEqual(legal.sort(), [
      'CompleteAbort->Dead',
      'CompleteAbort->Empty',
      'CompleteAbort->Ongoing',
      'CompleteAbort->PrepareAbort',
      'CompleteCommit->Dead',
      'CompleteCommit->Empty',
      'CompleteCommit->Ongoing',
      'CompleteCommit->PrepareAbort',
      'Empty->Dead',
      'Empty->Empty',
      'Empty->Ongoing',
      'Empty->PrepareAbort',
      'Ongoing->Ongoing',
      'Ongoing->PrepareAbort',
      'Ongoing->PrepareCommit',
      'Ongoing->PrepareEpochFence',
      'PrepareAbort->CompleteAbort',
      'PrepareCommit->CompleteCommit',
      'PrepareEpochFence->PrepareAbort',
    ]);
  });

  it('a first InitProducerId gives epoch 0; later ones bump the epoch', () => {
    const first = initialized();
    assert.deepEqual([first.state, first.producerId, first.producerEpoch], ['Empty', 7n, 0]);
    const second = written(initProducerId(first, 30_000, undefined, T0 + 1));
    assert.deepEqual(
      [second.producerEpoch, second.timeoutMs, second.lastUpdateTimestampMs],
      [1, 30_000, T0 + 1],
    );
  });

  it('v3+ recovery: the current epoch is bumped, a retry of that bump answered again, anything else fenced', () => {
    const current = initialized();
    const bumped = written(initProducerId(current, 60_000, { producerId: 7n, producerEpoch: 0 }, T0));
    assert.deepEqual([bumped.producerEpoch, bumped.lastProducerEpoch], [1, 0]);
    // The answer was lost and the producer asks again with its old epoch: same epoch, no second bump.
    const retried = written(initProducerId(bumped, 60_000, { producerId: 7n, producerEpoch: 0 }, T0));
    assert.equal(retried.producerEpoch, 1);
    assert.deepEqual(initProducerId(bumped, 60_000, { producerId: 7n, producerEpoch: 5 }, T0), {
      kind: 'error',
      error: 'PRODUCER_FENCED',
    });
    assert.deepEqual(initProducerId(bumped, 60_000, { producerId: 99n, producerEpoch: 1 }, T0), {
      kind: 'error',
      error: 'PRODUCER_FENCED',
    });
  });

  it('an exhausted epoch moves to a new producer id at epoch 0, remembering the previous one', () => {
    const exhausted = { ...initialized(), producerEpoch: 32766 };
    assert.deepEqual(initProducerId(exhausted, 60_000, undefined, T0), { kind: 'rotate' });
    const rotated = rotateProducerId(exhausted, 8n, 60_000, { producerId: 7n, producerEpoch: 32766 }, T0);
    assert.deepEqual(
      [rotated.producerId, rotated.producerEpoch, rotated.previousProducerId, rotated.lastProducerEpoch],
      [8n, 0, 7n, 32766],
    );
    // The retry of that rotation names the previous producer id with its exhausted epoch: not fenced.
    const retry = initProducerId(rotated, 60_000, { producerId: 7n, producerEpoch: 32766 }, T0);
    assert.notDeepEqual(retry, { kind: 'error', error: 'PRODUCER_FENCED' });
  });

  it('InitProducerId during an open transaction fences it; while it completes, CONCURRENT_TRANSACTIONS', () => {
    const open = ongoingWith(orders0);
    assert.deepEqual(initProducerId(open, 60_000, undefined, T0), { kind: 'fence' });
    const aborting = fencedAbort(open, T0 + 20);
    assert.deepEqual([aborting.state, aborting.producerEpoch], ['PrepareAbort', 1]);
    assert.deepEqual(initProducerId(aborting, 60_000, undefined, T0), {
      kind: 'error',
      error: 'CONCURRENT_TRANSACTIONS',
    });
    const aborted = completeTransaction(aborting, T0 + 30);
    assert.deepEqual([aborted.state, aborted.partitions.size], ['CompleteAbort', 0]);
    // The fenced producer's next InitProducerId with its own epoch is refused: it was fenced.
    assert.deepEqual(initProducerId(aborted, 60_000, { producerId: 7n, producerEpoch: 0 }, T0), {
      kind: 'error',
      error: 'PRODUCER_FENCED',
    });
    assert.equal(written(initProducerId(aborted, 60_000, undefined, T0)).producerEpoch, 2);
  });

  it('AddPartitions opens a transaction, adds more, and is a no-op for partitions already in it', () => {
    const open = ongoingWith(orders0);
    assert.deepEqual([open.state, open.startTimestampMs], ['Ongoing', T0 + 10]);
    const more = next(addPartitions(open, 7n, 0, [orders0, orders1], T0 + 20));
    assert.deepEqual([...more.partitions.values()], [orders0, orders1]);
    assert.equal(more.startTimestampMs, T0 + 10);
    assert.equal(addPartitions(more, 7n, 0, [orders1], T0 + 30), undefined);
    assert.deepEqual(addPartitions(more, 8n, 0, [orders1], T0), { error: 'INVALID_PRODUCER_ID_MAPPING' });
    assert.deepEqual(addPartitions(more, 7n, 1, [orders1], T0), { error: 'PRODUCER_FENCED' });
    assert.deepEqual(addPartitions(undefined, 7n, 0, [orders1], T0), {
      error: 'INVALID_PRODUCER_ID_MAPPING',
    });
    const committing = next(endTransaction(more, 7n, 0, true, T0));
    assert.deepEqual(addPartitions(committing, 7n, 0, [orders1], T0), { error: 'CONCURRENT_TRANSACTIONS' });
  });

  it('verifies that a partition is in the open transaction', () => {
    const open = ongoingWith(orders0);
    assert.equal(verifyPartition(open, 7n, 0, 'orders', 0), undefined);
    assert.equal(verifyPartition(open, 7n, 0, 'orders', 1), 'TRANSACTION_ABORTABLE');
    assert.equal(verifyPartition(open, 7n, 1, 'orders', 0), 'PRODUCER_FENCED');
    assert.equal(verifyPartition(open, 6n, 0, 'orders', 0), 'INVALID_PRODUCER_ID_MAPPING');
    assert.equal(verifyPartition(undefined, 7n, 0, 'orders', 0), 'INVALID_PRODUCER_ID_MAPPING');
    const committing = next(endTransaction(open, 7n, 0, true, T0));
    assert.equal(verifyPartition(committing, 7n, 0, 'orders', 0), 'CONCURRENT_TRANSACTIONS');
  });

  it("EndTxn: Kafka's answer in every state", () => {
    const open = ongoingWith(orders0);
    const committing = next(endTransaction(open, 7n, 0, true, T0 + 40));
    assert.deepEqual([committing.state, committing.producerEpoch], ['PrepareCommit', 0]);
    assert.deepEqual(endTransaction(committing, 7n, 0, true, T0), { error: 'CONCURRENT_TRANSACTIONS' });
    assert.deepEqual(endTransaction(committing, 7n, 0, false, T0), { error: 'INVALID_TXN_STATE' });
    const committed = completeTransaction(committing, T0 + 50);
    assert.equal(committed.state, 'CompleteCommit');
    assert.equal(endTransaction(committed, 7n, 0, true, T0), undefined);
    assert.deepEqual(endTransaction(committed, 7n, 0, false, T0), { error: 'INVALID_TXN_STATE' });
    const aborting = next(endTransaction(open, 7n, 0, false, T0));
    assert.deepEqual(endTransaction(aborting, 7n, 0, false, T0), { error: 'CONCURRENT_TRANSACTIONS' });
    assert.deepEqual(endTransaction(aborting, 7n, 0, true, T0), { error: 'INVALID_TXN_STATE' });
    const aborted = completeTransaction(aborting, T0);
    assert.equal(endTransaction(aborted, 7n, 0, false, T0), undefined);
    assert.deepEqual(endTransaction(aborted, 7n, 0, true, T0), { error: 'INVALID_TXN_STATE' });
    assert.deepEqual(endTransaction(initialized(), 7n, 0, true, T0), { error: 'INVALID_TXN_STATE' });
    assert.deepEqual(endTransaction(open, 7n, 1, true, T0), { error: 'PRODUCER_FENCED' });
    assert.deepEqual(endTransaction(open, 8n, 0, true, T0), { error: 'INVALID_PRODUCER_ID_MAPPING' });
  });

  it("EndTxn under transaction version 2: Kafka's table, each end bumping the epoch", () => {
    const open = next(addPartitions(initialized(), 7n, 0, [orders0], T0 + 10, 2));
    assert.equal(open.clientTransactionVersion, 2);
    const committing = next(endTransactionV2(open, 7n, 0, true, T0 + 40, -1n));
    assert.deepEqual(
      [committing.state, committing.producerEpoch, committing.lastProducerEpoch, committing.startTimestampMs],
      ['PrepareCommit', 1, 0, T0 + 10],
    );
    assert.deepEqual(producerAfter(committing), { producerId: 7n, producerEpoch: 1 });
    // While prepared: the retry (old epoch) waits, the current epoch is fenced (it never was answered).
    assert.deepEqual(endTransactionV2(committing, 7n, 0, true, T0, -1n), {
      error: 'CONCURRENT_TRANSACTIONS',
    });
    assert.deepEqual(endTransactionV2(committing, 7n, 1, true, T0, -1n), { error: 'PRODUCER_FENCED' });
    const committed = completeTransaction(committing, T0 + 50);
    assert.deepEqual(
      [committed.state, committed.producerEpoch, committed.partitions.size],
      ['CompleteCommit', 1, 0],
    );
    // Retry (epoch 0): the same outcome succeeds, the other is invalid.
    assert.equal(endTransactionV2(committed, 7n, 0, true, T0, -1n), undefined);
    assert.deepEqual(endTransactionV2(committed, 7n, 0, false, T0, -1n), { error: 'INVALID_TXN_STATE' });
    // Current epoch: a commit of nothing is invalid, an abort of nothing bumps the epoch.
    assert.deepEqual(endTransactionV2(committed, 7n, 1, true, T0, -1n), { error: 'INVALID_TXN_STATE' });
    const emptyAbort = next(endTransactionV2(committed, 7n, 1, false, T0 + 60, -1n));
    assert.deepEqual(
      [emptyAbort.state, emptyAbort.producerEpoch, emptyAbort.partitions.size, emptyAbort.startTimestampMs],
      ['PrepareAbort', 2, 0, T0 + 60],
    );
    const aborted = completeTransaction(emptyAbort, T0 + 70);
    assert.equal(endTransactionV2(aborted, 7n, 1, false, T0, -1n), undefined);
    assert.deepEqual(endTransactionV2(aborted, 7n, 1, true, T0, -1n), { error: 'INVALID_TXN_STATE' });
    assert.equal(next(endTransactionV2(aborted, 7n, 2, false, T0, -1n)).producerEpoch, 3);
    // Empty: abort bumps, commit is invalid, an older epoch is fenced.
    const idle = initialized();
    assert.equal(next(endTransactionV2(idle, 7n, 0, false, T0, -1n)).producerEpoch, 1);
    assert.deepEqual(endTransactionV2(idle, 7n, 0, true, T0, -1n), { error: 'INVALID_TXN_STATE' });
    assert.deepEqual(endTransactionV2(open, 7n, 1, true, T0, -1n), { error: 'PRODUCER_FENCED' });
    assert.deepEqual(endTransactionV2(open, 8n, 0, true, T0, -1n), { error: 'INVALID_PRODUCER_ID_MAPPING' });
  });

  it('transaction version 2: the last epoch rotates to the next producer id once the transaction completes', () => {
    const last = { ...ongoingWith(orders0), producerEpoch: 32766 };
    const v2 = next(addPartitions(last, 7n, 32766, [orders1], T0 + 20, 2));
    const committing = next(endTransactionV2(v2, 7n, 32766, true, T0 + 30, 8n));
    // The markers go out at the last epoch of the old id; the client goes on with the new id at epoch 0.
    assert.deepEqual(
      [committing.producerId, committing.producerEpoch, committing.nextProducerId],
      [7n, 32767, 8n],
    );
    assert.deepEqual(producerAfter(committing), { producerId: 8n, producerEpoch: 0 });
    const committed = completeTransaction(committing, T0 + 40);
    assert.deepEqual(
      [committed.producerId, committed.producerEpoch, committed.previousProducerId, committed.nextProducerId],
      [8n, 0, 7n, -1n],
    );
    // A retry with the old id at its last client epoch is recognised.
    assert.equal(endTransactionV2(committed, 7n, 32766, true, T0, -1n), undefined);
  });

  it('fencing bumps the epoch once at either transaction version, as Kafka 4.3.1 does', () => {
    const v2 = next(addPartitions(initialized(), 7n, 0, [orders0], T0 + 10, 2));
    const fenced = fencedAbort(v2, T0 + 5);
    assert.deepEqual([fenced.state, fenced.producerEpoch, fenced.partitions.size], ['PrepareAbort', 1, 1]);
    assert.deepEqual(producerAfter(fenced), { producerId: 7n, producerEpoch: 1 });
  });

  it('a transaction times out after its timeout; an idle id expires, never while a transaction is open', () => {
    const open = ongoingWith(orders0);
    assert.equal(hasTimedOut(open, T0 + 10 + 60_000), false);
    assert.equal(hasTimedOut(open, T0 + 10 + 60_001), true);
    assert.equal(hasTimedOut(initialized(), T0 + 10_000_000), false);
    assert.equal(hasExpired(initialized(), T0 + 1000, 1000), true);
    assert.equal(hasExpired(initialized(), T0 + 999, 1000), false);
    assert.equal(hasExpired(open, T0 + 10_000_000, 1000), false);
  });

  it('checks transaction timeouts against transaction.max.timeout.ms', () => {
    assert.equal(isValidTimeout(900_000, 900_000), true);
    assert.equal(isValidTimeout(900_001, 900_000), false);
    assert.equal(isValidTimeout(0, 900_000), false);
  });

  it('refuses an illegal transition as a bug', () => {
    assert.throws(
      () => completeTransaction(ongoingWith(orders0), T0),
      /illegal transition Ongoing -> CompleteAbort/,
    );
    assert.throws(() => fencedAbort(initialized(), T0), /illegal transition Empty -> PrepareEpochFence/);
  });
});

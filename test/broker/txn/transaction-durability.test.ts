import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { coordinatorPartitionFor } from '../../../src/broker/coordinator-partition.ts';
import {
  encodeTransactionLogKey,
  encodeTransactionLogValue,
} from '../../../src/broker/txn/transaction-log-records.ts';
import type { TxnMetadata } from '../../../src/broker/txn/transaction-state.ts';
import { buildBatchSync } from '../../../src/protocol/records/batch.ts';
import { CONTROL_TYPE, parseControlKey } from '../../../src/protocol/records/control.ts';
import { type BrokerProcess, spawnBroker } from '../../support/broker-process.ts';
import { startNagare } from '../../support/nagare.ts';
import { createTopic, fetchAllBatches, RawClient } from '../../support/raw-client.ts';
import {
  addPartitionsV3,
  describe1,
  endTxn,
  type Producer,
  producerFor,
  produceTxn,
  settledIn,
} from './txn-requests.ts';

// Transaction states live in __transaction_state and come back when the broker starts again, after a
// clean stop or a kill -9; a transaction found prepared at start is completed by writing its markers.

const overrides = { 'transaction.state.log.num.partitions': '3' };
const dirs: string[] = [];
const children = new Set<BrokerProcess>();

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nagare-txn-'));
  dirs.push(dir);
  return dir;
}

after(async () => {
  for (const child of children) await child.kill();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** An open transaction on orders-0 (two records) and a committed one on orders-1. */
async function openAndCommitted(c: RawClient): Promise<{ open: Producer; done: Producer }> {
  await createTopic(c, 'orders', 2);
  const open = await producerFor(c, 'open');
  await addPartitionsV3(c, 'open', open, { orders: [0] });
  assert.equal(await produceTxn(c, 'open', open, 'orders', 0, 0, ['o1', 'o2']), 0);
  const done = await producerFor(c, 'done');
  await addPartitionsV3(c, 'done', done, { orders: [1] });
  assert.equal(await produceTxn(c, 'done', done, 'orders', 1, 0, ['d1']), 0);
  assert.equal((await endTxn(c, 'done', done, true)).errorCode, 0);
  await settledIn(c, 'done', 'CompleteCommit');
  return { open, done };
}

/** After a restart: both ids as they were, and the open transaction can still be committed. */
async function checkRestored(
  c: RawClient,
  { open, done }: { open: Producer; done: Producer },
): Promise<void> {
  const restoredOpen = await describe1(c, 'open');
  assert.deepEqual(
    [restoredOpen.transactionState, restoredOpen.producerId, restoredOpen.producerEpoch, restoredOpen.topics],
    ['Ongoing', open.producerId, open.producerEpoch, [{ topic: 'orders', partitions: [0] }]],
  );
  const restoredDone = await describe1(c, 'done');
  assert.deepEqual(
    [restoredDone.transactionState, restoredDone.producerId],
    ['CompleteCommit', done.producerId],
  );
  assert.equal((await endTxn(c, 'open', open, true)).errorCode, 0);
  await settledIn(c, 'open', 'CompleteCommit');
  const { batches } = await fetchAllBatches(c, 'orders', 0);
  assert.equal(parseControlKey(batches.at(-1)!.records[0].key).type, CONTROL_TYPE.commit);
  // The next instance of 'done' gets the epoch after the one it had before the restart.
  const next = await producerFor(c, 'done');
  assert.deepEqual([next.producerId, next.producerEpoch], [done.producerId, done.producerEpoch + 1]);
}

describe('transaction state durability', () => {
  it('survives a clean restart', async () => {
    const dataDir = await freshDir();
    let nagare = await startNagare({ dataDir, overrides });
    let c = await RawClient.connect(nagare.port);
    const producers = await openAndCommitted(c);
    c.destroy();
    await nagare.stop();
    nagare = await startNagare({ dataDir, overrides });
    c = await RawClient.connect(nagare.port);
    try {
      await checkRestored(c, producers);
    } finally {
      c.destroy();
      await nagare.stop();
    }
  });

  it('survives kill -9', async () => {
    const dataDir = await freshDir();
    let broker = await spawnBroker({ dataDir, overrides });
    children.add(broker);
    let c = await RawClient.connect(broker.port);
    const producers = await openAndCommitted(c);
    c.destroy();
    await broker.kill();
    children.delete(broker);
    broker = await spawnBroker({ dataDir, overrides });
    children.add(broker);
    c = await RawClient.connect(broker.port);
    try {
      await checkRestored(c, producers);
    } finally {
      c.destroy();
    }
  });

  it('completes a transaction left in PrepareCommit by writing its markers again', async () => {
    const dataDir = await freshDir();
    let nagare = await startNagare({ dataDir, overrides });
    let c = await RawClient.connect(nagare.port);
    await createTopic(c, 'orders', 2);
    const p = await producerFor(c, 'crashed');
    await addPartitionsV3(c, 'crashed', p, { orders: [0, 1] });
    assert.equal(await produceTxn(c, 'crashed', p, 'orders', 0, 0, ['c1']), 0);
    // The broker died right after writing PrepareCommit: put that record in the log behind its back.
    const ongoing = await describe1(c, 'crashed');
    const prepared: TxnMetadata = {
      transactionalId: 'crashed',
      producerId: p.producerId,
      previousProducerId: -1n,
      nextProducerId: -1n,
      producerEpoch: p.producerEpoch,
      lastProducerEpoch: -1,
      timeoutMs: ongoing.transactionTimeoutMs,
      state: 'PrepareCommit',
      partitions: new Map([
        ['orders-0', { topic: 'orders', partition: 0 }],
        ['orders-1', { topic: 'orders', partition: 1 }],
      ]),
      startTimestampMs: Number(ongoing.transactionStartTimeMs),
      lastUpdateTimestampMs: Date.now(),
      clientTransactionVersion: 0,
    };
    const log = nagare.broker.partitions.get('__transaction_state', coordinatorPartitionFor('crashed', 3))!;
    await log.append(
      buildBatchSync({
        records: [
          {
            key: encodeTransactionLogKey('crashed'),
            value: encodeTransactionLogValue(prepared),
            timestamp: BigInt(Date.now()),
          },
        ],
      }),
    );
    c.destroy();
    await nagare.stop();

    nagare = await startNagare({ dataDir, overrides });
    c = await RawClient.connect(nagare.port);
    try {
      await settledIn(c, 'crashed', 'CompleteCommit');
      for (const partition of [0, 1]) {
        const { batches } = await fetchAllBatches(c, 'orders', partition);
        const marker = batches.at(-1)!;
        assert.equal(marker.control, true, `orders-${partition} ends with a marker`);
        assert.equal(parseControlKey(marker.records[0].key).type, CONTROL_TYPE.commit);
      }
    } finally {
      c.destroy();
      await nagare.stop();
    }
  });
});

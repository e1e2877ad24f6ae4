import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import {
  TransactionCoordinator,
  type TransactionStore,
  type TxnMarker,
} from '../../../src/broker/txn/transaction-coordinator.ts';
import type { TopicPartition, TxnMetadata } from '../../../src/broker/txn/transaction-state.ts';
import type { ErrorName } from '../../../src/protocol/errors.ts';
import { until } from '../groups/until.ts';

// The coordinator against an in-memory store and marker writer: what each request answers, what is
// written and when, with time driven by hand.

class MemoryStore implements TransactionStore {
  readonly records: { transactionalId: string; state: string | null }[] = [];
  readonly latest = new Map<string, TxnMetadata>();
  failWrites = false;
  async ensureTopic(): Promise<void> {}
  async write(transactionalId: string, metadata: TxnMetadata | null): Promise<void> {
    if (this.failWrites) throw new Error('disk on fire');
    this.records.push({ transactionalId, state: metadata?.state ?? null });
    if (metadata) this.latest.set(transactionalId, metadata);
    else this.latest.delete(transactionalId);
  }
  async load(): Promise<Map<string, TxnMetadata>> {
    return new Map(this.latest);
  }
}

interface MarkerCall {
  marker: TxnMarker;
  partitions: TopicPartition[];
}

class Markers {
  readonly calls: MarkerCall[] = [];
  /** Errors to answer, once each, by `topic-partition`. */
  readonly failOnce = new Map<string, ErrorName>();
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;
  hold(): void {
    this.#gate = new Promise((resolve) => {
      this.#open = resolve;
    });
  }
  release(): void {
    this.#open?.();
    this.#gate = undefined;
  }
  write = async (marker: TxnMarker, partitions: readonly TopicPartition[]) => {
    this.calls.push({ marker, partitions: [...partitions] });
    await this.#gate;
    const results = new Map<string, ErrorName | undefined>();
    for (const p of partitions) {
      const key = `${p.topic}-${p.partition}`;
      results.set(key, this.failOnce.get(key));
      this.failOnce.delete(key);
    }
    return results;
  };
}

function setup(store = new MemoryStore(), firstProducerId = 1000n) {
  let now = 1_000_000;
  let nextProducerId = firstProducerId;
  const markers = new Markers();
  const coordinator = new TransactionCoordinator({
    config: {
      maxTimeoutMs: 900_000,
      expirationMs: 604_800_000,
      abortIntervalMs: 3_600_000,
      removeIntervalMs: 3_600_000,
      markerRetryBackoffMs: 1,
    },
    store,
    logger: pino({ level: 'silent' }),
    allocateProducerId: async () => nextProducerId++,
    writeMarkers: markers.write,
    clock: () => now,
  });
  return {
    coordinator,
    store,
    markers,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** A coordinator started again (next producer id 2000) after id 't' of producer 1000 reached epoch 32766, the last one it may use. */
async function restartedAtLastEpoch() {
  const store = new MemoryStore();
  const { coordinator } = setup(store);
  await coordinator.start();
  await coordinator.initProducerId('t', 60_000, undefined);
  store.latest.set('t', { ...store.latest.get('t')!, producerEpoch: 32766 });
  await coordinator.stop();
  const again = setup(store, 2000n);
  await again.coordinator.start();
  return again;
}

const orders0 = { topic: 'orders', partition: 0 };
const orders1 = { topic: 'orders', partition: 1 };

function stateOf(coordinator: TransactionCoordinator, transactionalId: string): string | undefined {
  const found = coordinator.describe(transactionalId);
  return 'metadata' in found ? found.metadata.state : undefined;
}

async function completed(coordinator: TransactionCoordinator, transactionalId: string, state: string) {
  await until(
    `${transactionalId} in ${state}`,
    async () => stateOf(coordinator, transactionalId) === state || undefined,
    5000,
  );
}

describe('TransactionCoordinator', () => {
  it('commits: answers once PrepareCommit is written, then writes markers and CompleteCommit', async () => {
    const { coordinator, store, markers } = setup();
    await coordinator.start();
    const init = await coordinator.initProducerId('t', 60_000, undefined);
    assert.deepEqual(init, { producerId: 1000n, producerEpoch: 0 });
    assert.equal(await coordinator.addPartitions('t', 1000n, 0, [orders0, orders1]), undefined);
    markers.hold();
    const end = await coordinator.endTransaction('t', 1000n, 0, true);
    assert.deepEqual(end, { producerId: 1000n, producerEpoch: 0 });
    assert.equal(stateOf(coordinator, 't'), 'PrepareCommit');
    // While the markers are on their way, the producer must wait.
    assert.equal(await coordinator.addPartitions('t', 1000n, 0, [orders0]), 'CONCURRENT_TRANSACTIONS');
    assert.equal((await coordinator.initProducerId('t', 60_000, undefined)).error, 'CONCURRENT_TRANSACTIONS');
    assert.equal((await coordinator.endTransaction('t', 1000n, 0, true)).error, 'CONCURRENT_TRANSACTIONS');
    markers.release();
    await completed(coordinator, 't', 'CompleteCommit');
    assert.deepEqual(markers.calls, [
      {
        marker: { producerId: 1000n, producerEpoch: 0, coordinatorEpoch: 0, commit: true },
        partitions: [orders0, orders1],
      },
    ]);
    assert.deepEqual(
      store.records.map((r) => r.state),
      ['Empty', 'Ongoing', 'PrepareCommit', 'CompleteCommit'],
    );
    // A retried EndTxn of the completed commit succeeds without writing anything.
    assert.deepEqual(await coordinator.endTransaction('t', 1000n, 0, true), {
      producerId: 1000n,
      producerEpoch: 0,
    });
    assert.equal(store.records.length, 4);
    await coordinator.stop();
  });

  it('transaction version 2: writes add partitions, waiting for the last transaction to complete; EndTxn bumps', async () => {
    const { coordinator, store, markers } = setup();
    await coordinator.start();
    await coordinator.initProducerId('t', 60_000, undefined);
    // Two writes at once (two partitions, or two requests): both get in, one after the other.
    const added = await Promise.all([
      coordinator.addPartitionsOnWrite('t', 1000n, 0, [orders0]),
      coordinator.addPartitionsOnWrite('t', 1000n, 0, [orders1]),
    ]);
    assert.deepEqual(added, [undefined, undefined]);
    markers.hold();
    assert.deepEqual(await coordinator.endTransaction('t', 1000n, 0, true, 2), {
      producerId: 1000n,
      producerEpoch: 1,
    });
    // The next transaction's first write waits until the markers are out and CompleteCommit written.
    const nextWrite = coordinator.addPartitionsOnWrite('t', 1000n, 1, [orders0]);
    markers.release();
    assert.equal(await nextWrite, undefined);
    assert.deepEqual(markers.calls[0].marker, {
      producerId: 1000n,
      producerEpoch: 1,
      coordinatorEpoch: 0,
      commit: true,
    });
    assert.deepEqual(
      store.records.map((r) => r.state),
      ['Empty', 'Ongoing', 'Ongoing', 'PrepareCommit', 'CompleteCommit', 'Ongoing'],
    );
    assert.equal(store.latest.get('t')?.clientTransactionVersion, 2);
    // The old epoch's write is fenced; a retried EndTxn of the commit is answered with the new epoch.
    assert.equal(await coordinator.addPartitionsOnWrite('t', 1000n, 0, [orders1]), 'PRODUCER_FENCED');
    assert.deepEqual(await coordinator.endTransaction('t', 1000n, 1, false, 2), {
      producerId: 1000n,
      producerEpoch: 2,
    });
    await completed(coordinator, 't', 'CompleteAbort');
    await coordinator.stop();
  });

  it('transaction version 2: an EndTxn at the last epoch continues on a new producer id', async () => {
    const again = await restartedAtLastEpoch();
    assert.equal(await again.coordinator.addPartitionsOnWrite('t', 1000n, 32766, [orders0]), undefined);
    assert.deepEqual(await again.coordinator.endTransaction('t', 1000n, 32766, true, 2), {
      producerId: 2000n,
      producerEpoch: 0,
    });
    await completed(again.coordinator, 't', 'CompleteCommit');
    assert.deepEqual(again.markers.calls[0].marker, {
      producerId: 1000n,
      producerEpoch: 32767,
      coordinatorEpoch: 0,
      commit: true,
    });
    const state = again.store.latest.get('t')!;
    assert.deepEqual([state.producerId, state.producerEpoch, state.previousProducerId], [2000n, 0, 1000n]);
    await again.coordinator.stop();
  });

  it('retries a partition that refused its marker, and forgets one whose topic is gone', async () => {
    const { coordinator, markers } = setup();
    await coordinator.start();
    await coordinator.initProducerId('t', 60_000, undefined);
    await coordinator.addPartitions('t', 1000n, 0, [orders0, orders1]);
    markers.failOnce.set('orders-0', 'NOT_LEADER_OR_FOLLOWER');
    markers.failOnce.set('orders-1', 'UNKNOWN_TOPIC_OR_PARTITION');
    await coordinator.endTransaction('t', 1000n, 0, false);
    await completed(coordinator, 't', 'CompleteAbort');
    assert.deepEqual(
      markers.calls.map((c) => c.partitions),
      [[orders0, orders1], [orders0]],
    );
    await coordinator.stop();
  });

  it('completes a transaction left prepared when it starts again', async () => {
    const first = setup();
    await first.coordinator.start();
    await first.coordinator.initProducerId('t', 60_000, undefined);
    await first.coordinator.addPartitions('t', 1000n, 0, [orders0]);
    first.markers.hold();
    await first.coordinator.endTransaction('t', 1000n, 0, true);
    // Stopped while the markers are being written: the commit stays prepared in the log.
    const stopping = first.coordinator.stop();
    first.markers.release();
    await stopping;
    assert.equal(first.store.latest.get('t')?.state, 'PrepareCommit');

    const second = setup(first.store);
    await second.coordinator.start();
    await completed(second.coordinator, 't', 'CompleteCommit');
    assert.deepEqual(second.markers.calls, [
      {
        marker: { producerId: 1000n, producerEpoch: 0, coordinatorEpoch: 0, commit: true },
        partitions: [orders0],
      },
    ]);
    await second.coordinator.stop();
  });

  it('aborts a transaction that timed out with a bumped epoch, fencing its producer', async () => {
    const { coordinator, markers, advance } = setup();
    await coordinator.start();
    await coordinator.initProducerId('t', 10_000, undefined);
    await coordinator.addPartitions('t', 1000n, 0, [orders0]);
    advance(10_000);
    await coordinator.abortTimedOutTransactions();
    assert.equal(stateOf(coordinator, 't'), 'Ongoing');
    advance(1);
    await coordinator.abortTimedOutTransactions();
    await completed(coordinator, 't', 'CompleteAbort');
    assert.deepEqual(markers.calls[0].marker, {
      producerId: 1000n,
      producerEpoch: 1,
      coordinatorEpoch: 0,
      commit: false,
    });
    // The zombie comes back with its old epoch.
    assert.equal((await coordinator.endTransaction('t', 1000n, 0, true)).error, 'PRODUCER_FENCED');
    assert.equal(await coordinator.addPartitions('t', 1000n, 0, [orders0]), 'PRODUCER_FENCED');
    assert.equal(coordinator.verifyPartition('t', 1000n, 0, 'orders', 0), 'PRODUCER_FENCED');
    // A new instance gets the next epoch.
    assert.deepEqual(await coordinator.initProducerId('t', 10_000, undefined), {
      producerId: 1000n,
      producerEpoch: 2,
    });
    await coordinator.stop();
  });

  it('a new instance aborts the open transaction first: CONCURRENT_TRANSACTIONS, then a bumped epoch', async () => {
    const { coordinator, markers } = setup();
    await coordinator.start();
    await coordinator.initProducerId('t', 60_000, undefined);
    await coordinator.addPartitions('t', 1000n, 0, [orders0]);
    assert.equal((await coordinator.initProducerId('t', 60_000, undefined)).error, 'CONCURRENT_TRANSACTIONS');
    await completed(coordinator, 't', 'CompleteAbort');
    assert.equal(markers.calls[0].marker.commit, false);
    assert.deepEqual(await coordinator.initProducerId('t', 60_000, undefined), {
      producerId: 1000n,
      producerEpoch: 2,
    });
    await coordinator.stop();
  });

  it('moves to a new producer id when the epochs run out', async () => {
    const again = await restartedAtLastEpoch();
    assert.deepEqual(await again.coordinator.initProducerId('t', 60_000, undefined), {
      producerId: 2000n,
      producerEpoch: 0,
    });
    const described = again.coordinator.describe('t');
    assert.ok('metadata' in described);
    assert.equal(described.metadata.previousProducerId, 1000n);
    await again.coordinator.stop();
  });

  it('answers errors without changing anything when the log cannot be written', async () => {
    const { coordinator, store } = setup();
    await coordinator.start();
    await coordinator.initProducerId('t', 60_000, undefined);
    store.failWrites = true;
    assert.equal(await coordinator.addPartitions('t', 1000n, 0, [orders0]), 'COORDINATOR_NOT_AVAILABLE');
    assert.equal(stateOf(coordinator, 't'), 'Empty');
    store.failWrites = false;
    assert.equal(await coordinator.addPartitions('t', 1000n, 0, [orders0]), undefined);
    await coordinator.stop();
  });

  it('validates requests as Kafka does', async () => {
    const { coordinator } = setup();
    await coordinator.start();
    assert.equal((await coordinator.initProducerId('', 60_000, undefined)).error, 'INVALID_REQUEST');
    assert.equal(
      (await coordinator.initProducerId('t', 900_001, undefined)).error,
      'INVALID_TRANSACTION_TIMEOUT',
    );
    assert.equal((await coordinator.initProducerId('t', 0, undefined)).error, 'INVALID_TRANSACTION_TIMEOUT');
    assert.equal(await coordinator.addPartitions('unknown', 1n, 0, [orders0]), 'INVALID_PRODUCER_ID_MAPPING');
    assert.equal(
      (await coordinator.endTransaction('unknown', 1n, 0, true)).error,
      'INVALID_PRODUCER_ID_MAPPING',
    );
    assert.deepEqual(coordinator.describe('unknown'), { error: 'TRANSACTIONAL_ID_NOT_FOUND' });
    assert.deepEqual(coordinator.describe(''), { error: 'INVALID_REQUEST' });
    await coordinator.stop();
  });

  it('expires idle transactional ids with a tombstone; lists with filters', async () => {
    const { coordinator, store, advance } = setup();
    await coordinator.start();
    await coordinator.initProducerId('idle', 60_000, undefined);
    advance(1000);
    await coordinator.initProducerId('busy', 60_000, undefined);
    await coordinator.addPartitions('busy', 1001n, 0, [orders0]);
    advance(5000);
    const list = coordinator.list({ states: ['Ongoing', 'Bogus'], producerIds: [], durationMs: -1 });
    assert.deepEqual(list.unknownStateFilters, ['Bogus']);
    assert.deepEqual(
      list.transactions.map((t) => t.transactionalId),
      ['busy'],
    );
    assert.deepEqual(
      coordinator
        .list({ states: [], producerIds: [1000n], durationMs: -1 })
        .transactions.map((t) => t.transactionalId),
      ['idle'],
    );
    // busy's transaction runs for 5000 ms; idle has none (start -1), so it passes any duration filter.
    assert.deepEqual(
      coordinator
        .list({ states: [], producerIds: [], durationMs: 5000 })
        .transactions.map((t) => t.transactionalId),
      ['idle'],
    );
    advance(604_800_000 - 6000);
    await coordinator.expireTransactionalIds();
    assert.deepEqual(coordinator.describe('idle'), { error: 'TRANSACTIONAL_ID_NOT_FOUND' });
    assert.equal(stateOf(coordinator, 'busy'), 'Ongoing');
    assert.deepEqual(store.records.at(-1), { transactionalId: 'idle', state: null });
    await coordinator.stop();
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { coordinatorPartitionFor } from '../../../src/broker/coordinator-partition.ts';
import type { Message } from '../../../src/protocol/codec.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { createTopic, fetchAllBatches, RawClient } from '../../support/raw-client.ts';
import {
  addPartitionsV3,
  codesOf,
  describe1,
  ERR,
  endTxn,
  initProducer,
  producerFor,
  produceTxn,
  settledIn,
} from '../txn/txn-requests.ts';

// The transactional APIs through a real broker, at the versions clients use: what each answers,
// Kafka's error codes included, and what lands in the partitions.

const overrides = {
  'transaction.state.log.num.partitions': '4',
  'offsets.topic.num.partitions': '5',
  'transaction.max.timeout.ms': '120000',
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': '50',
};

/** `topic` → partition → error code, from a TxnOffsetCommit answer. */
function codesOfCommit(r: Message): Record<string, Record<number, number>> {
  return Object.fromEntries(
    (r.topics as Message[]).map((t) => [
      t.name,
      Object.fromEntries((t.partitions as Message[]).map((p) => [p.partitionIndex, p.errorCode])),
    ]),
  );
}

describe('transaction APIs', () => {
  let nagare: NagareUnderTest;
  let c: RawClient;
  before(async () => {
    nagare = await startNagare({ overrides });
    c = await RawClient.connect(nagare.port);
    await createTopic(c, 'orders', 3);
  });
  after(async () => {
    c?.destroy();
    await nagare?.stop();
  });

  it('FindCoordinator for a transactional id creates __transaction_state, compacted', async () => {
    const r = await c.request(API_KEYS.FindCoordinator, 4, { keyType: 1, coordinatorKeys: ['tx-a'] });
    const [coordinator] = r.coordinators as Message[];
    assert.deepEqual([coordinator.errorCode, coordinator.nodeId, coordinator.port], [0, 1, nagare.port]);
    const topic = nagare.broker.metadata.topic('__transaction_state');
    assert.equal(topic?.partitions, 4);
    assert.equal(topic?.configs['cleanup.policy'], 'compact');
    assert.equal(topic?.configs['segment.bytes'], '104857600');
  });

  it('InitProducerId: a producer id at epoch 0, then bumped epochs; timeouts checked; fenced recovery', async () => {
    const first = await initProducer(c, 'tx-init', 0);
    assert.deepEqual([first.errorCode, first.producerEpoch], [0, 0]);
    const second = await initProducer(c, 'tx-init', 1);
    assert.deepEqual([second.errorCode, second.producerId, second.producerEpoch], [0, first.producerId, 1]);
    assert.equal((await initProducer(c, 'tx-init', 4, 120_001)).errorCode, ERR.INVALID_TRANSACTION_TIMEOUT);
    assert.equal((await initProducer(c, '', 4)).errorCode, ERR.INVALID_REQUEST);
    const stale = {
      transactionalId: 'tx-init',
      transactionTimeoutMs: 60_000,
      producerId: first.producerId,
      producerEpoch: 0,
    };
    const v3 = await c.request(API_KEYS.InitProducerId, 3, stale);
    assert.deepEqual([v3.errorCode, v3.producerId, v3.producerEpoch], [ERR.INVALID_PRODUCER_EPOCH, -1n, -1]);
    assert.equal((await c.request(API_KEYS.InitProducerId, 4, stale)).errorCode, ERR.PRODUCER_FENCED);
    const recovered = await c.request(API_KEYS.InitProducerId, 4, { ...stale, producerEpoch: 1 });
    assert.deepEqual([recovered.errorCode, recovered.producerEpoch], [0, 2]);
  });

  it('AddPartitionsToTxn v0-3: one unknown partition fails the whole request; internal topics refused', async () => {
    const p = await producerFor(c, 'tx-add');
    const unknown = await addPartitionsV3(c, 'tx-add', p, { orders: [0, 7], missing: [0] });
    assert.deepEqual(codesOf(unknown.resultsByTopicV3AndBelow), {
      orders: { 0: ERR.OPERATION_NOT_ATTEMPTED, 7: ERR.UNKNOWN_TOPIC_OR_PARTITION },
      missing: { 0: ERR.UNKNOWN_TOPIC_OR_PARTITION },
    });
    const internal = await addPartitionsV3(c, 'tx-add', p, { orders: [0], __consumer_offsets: [0] });
    assert.deepEqual(codesOf(internal.resultsByTopicV3AndBelow), {
      orders: { 0: ERR.OPERATION_NOT_ATTEMPTED },
      __consumer_offsets: { 0: ERR.TOPIC_AUTHORIZATION_FAILED },
    });
    assert.equal((await describe1(c, 'tx-add')).transactionState, 'Empty');
    const added = await addPartitionsV3(c, 'tx-add', p, { orders: [0, 1] });
    assert.deepEqual(codesOf(added.resultsByTopicV3AndBelow), { orders: { 0: 0, 1: 0 } });
    const stale = { ...p, producerEpoch: p.producerEpoch - 1 };
    for (const [version, code] of [
      [1, ERR.INVALID_PRODUCER_EPOCH],
      [2, ERR.PRODUCER_FENCED],
    ]) {
      const fenced = await addPartitionsV3(c, 'tx-add', stale, { orders: [2] }, version);
      assert.deepEqual(codesOf(fenced.resultsByTopicV3AndBelow), { orders: { 2: code } }, `v${version}`);
    }
    const wrongId = await addPartitionsV3(
      c,
      'tx-add',
      { ...p, producerId: p.producerId + 100n },
      { orders: [2] },
    );
    assert.deepEqual(codesOf(wrongId.resultsByTopicV3AndBelow), {
      orders: { 2: ERR.INVALID_PRODUCER_ID_MAPPING },
    });
    const described = await describe1(c, 'tx-add');
    assert.equal(described.transactionState, 'Ongoing');
    assert.deepEqual(described.topics, [{ topic: 'orders', partitions: [0, 1] }]);
    assert.equal((await endTxn(c, 'tx-add', p, false)).errorCode, 0);
  });

  it('AddPartitionsToTxn v4+: batched transactions, verifyOnly', async () => {
    const a = await producerFor(c, 'tx-batch-a');
    const b = await producerFor(c, 'tx-batch-b');
    const r = await c.request(API_KEYS.AddPartitionsToTxn, 5, {
      transactions: [
        {
          transactionalId: 'tx-batch-a',
          ...a,
          verifyOnly: false,
          topics: [{ name: 'orders', partitions: [0] }],
        },
        {
          transactionalId: 'tx-batch-b',
          ...b,
          verifyOnly: false,
          topics: [{ name: 'orders', partitions: [9] }],
        },
      ],
    });
    assert.equal(r.errorCode, 0);
    const byTxn = Object.fromEntries(
      (r.resultsByTransaction as Message[]).map((t) => [t.transactionalId, codesOf(t.topicResults)]),
    );
    assert.deepEqual(byTxn, {
      'tx-batch-a': { orders: { 0: 0 } },
      'tx-batch-b': { orders: { 9: ERR.UNKNOWN_TOPIC_OR_PARTITION } },
    });
    const verify = await c.request(API_KEYS.AddPartitionsToTxn, 4, {
      transactions: [
        {
          transactionalId: 'tx-batch-a',
          ...a,
          verifyOnly: true,
          topics: [{ name: 'orders', partitions: [0, 1] }],
        },
      ],
    });
    const [verified] = verify.resultsByTransaction as Message[];
    assert.deepEqual(codesOf(verified.topicResults), { orders: { 0: 0, 1: ERR.TRANSACTION_ABORTABLE } });
    // Verification adds nothing.
    assert.deepEqual((await describe1(c, 'tx-batch-a')).topics, [{ topic: 'orders', partitions: [0] }]);
    await endTxn(c, 'tx-batch-a', a, false);
  });

  it('commit: produce, AddOffsetsToTxn, EndTxn; markers reach every partition and the state completes', async () => {
    const p = await producerFor(c, 'tx-commit');
    assert.deepEqual(
      codesOf((await addPartitionsV3(c, 'tx-commit', p, { orders: [2] })).resultsByTopicV3AndBelow),
      {
        orders: { 2: 0 },
      },
    );
    assert.equal(await produceTxn(c, 'tx-commit', p, 'orders', 2, 0, ['x', 'y']), 0);
    // A partition outside the transaction is refused.
    assert.notEqual(await produceTxn(c, 'tx-commit', p, 'orders', 1, 0, ['z']), 0);
    const offsets = await c.request(API_KEYS.AddOffsetsToTxn, 3, {
      transactionalId: 'tx-commit',
      ...p,
      groupId: 'g1',
    });
    assert.equal(offsets.errorCode, 0);
    const ongoing = await describe1(c, 'tx-commit');
    assert.deepEqual(
      new Set((ongoing.topics as Message[]).map((t) => `${t.topic}:${t.partitions}`)),
      new Set(['orders:2', `__consumer_offsets:${coordinatorPartitionFor('g1', 5)}`]),
    );
    const listed = await c.request(API_KEYS.ListTransactions, 1, {
      stateFilters: ['Ongoing', 'NotAState'],
      producerIdFilters: [p.producerId],
      durationFilter: -1n,
    });
    assert.deepEqual(listed.unknownStateFilters, ['NotAState']);
    assert.deepEqual(
      (listed.transactionStates as Message[]).map((t) => [t.transactionalId, t.transactionState]),
      [['tx-commit', 'Ongoing']],
    );
    // EndTxn v4: transaction version 1, the epoch stays.
    assert.equal((await endTxn(c, 'tx-commit', p, true, 4)).errorCode, 0);
    const done = await settledIn(c, 'tx-commit', 'CompleteCommit');
    assert.deepEqual(done.topics, []);
    const { batches } = await fetchAllBatches(c, 'orders', 2);
    const marker = batches.at(-1)!;
    assert.equal(marker.control, true);
    assert.equal(marker.header.producerId, p.producerId);
    // Ending it again the same way is a retry: success. The other way: INVALID_TXN_STATE.
    assert.equal((await endTxn(c, 'tx-commit', p, true)).errorCode, 0);
    assert.equal((await endTxn(c, 'tx-commit', p, false)).errorCode, ERR.INVALID_TXN_STATE);
    assert.equal(
      (await endTxn(c, 'tx-commit', { ...p, producerEpoch: p.producerEpoch + 1 }, true, 1)).errorCode,
      ERR.INVALID_PRODUCER_EPOCH,
    );
    assert.equal((await endTxn(c, 'nobody', p, true)).errorCode, ERR.INVALID_PRODUCER_ID_MAPPING);
  });

  it('aborts a transaction open longer than its timeout and fences its producer', async () => {
    const r = await initProducer(c, 'tx-slow', 4, 300);
    const p = { producerId: r.producerId, producerEpoch: r.producerEpoch };
    await addPartitionsV3(c, 'tx-slow', p, { orders: [1] });
    assert.equal(await produceTxn(c, 'tx-slow', p, 'orders', 1, 0, ['late']), 0);
    const aborted = await settledIn(c, 'tx-slow', 'CompleteAbort');
    assert.equal(aborted.producerEpoch, p.producerEpoch + 1);
    const { batches } = await fetchAllBatches(c, 'orders', 1);
    assert.deepEqual(
      [batches.at(-1)!.control, batches.at(-1)!.header.producerEpoch],
      [true, p.producerEpoch + 1],
    );
    assert.equal((await endTxn(c, 'tx-slow', p, true)).errorCode, ERR.PRODUCER_FENCED);
    assert.notEqual(await produceTxn(c, 'tx-slow', p, 'orders', 1, 1, ['zombie']), 0);
  });

  it('ApiVersions v3+ advertises transaction.version 2 as supported and finalized', async () => {
    const r = await c.request(API_KEYS.ApiVersions, 3, {
      clientSoftwareName: 'test',
      clientSoftwareVersion: '1',
    });
    assert.deepEqual(r.supportedFeatures, [{ name: 'transaction.version', minVersion: 0, maxVersion: 2 }]);
    assert.deepEqual(r.finalizedFeatures, [
      { name: 'transaction.version', maxVersionLevel: 2, minVersionLevel: 2 },
    ]);
    assert.ok(r.finalizedFeaturesEpoch >= 0n, 'Java clients ignore features at epoch -1');
    const produce = (r.apiKeys as Message[]).find((k) => k.apiKey === API_KEYS.Produce);
    assert.equal(produce?.maxVersion, 12);
  });

  it('transaction version 2: Produce v12 adds the partition, each EndTxn v5 bumps the epoch', async () => {
    const p = await producerFor(c, 'tx-v2');
    // No AddPartitionsToTxn: the write itself puts the partitions in the transaction.
    assert.equal(await produceTxn(c, 'tx-v2', p, 'orders', 0, 0, ['a'], 12), 0);
    assert.equal(await produceTxn(c, 'tx-v2', p, 'orders', 1, 0, ['b'], 12), 0);
    const ongoing = await describe1(c, 'tx-v2');
    assert.equal(ongoing.transactionState, 'Ongoing');
    assert.deepEqual(ongoing.topics, [{ topic: 'orders', partitions: [0, 1] }]);
    const end = await endTxn(c, 'tx-v2', p, true, 5);
    const bumped = { producerId: p.producerId, producerEpoch: p.producerEpoch + 1 };
    assert.deepEqual(
      [end.errorCode, end.producerId, end.producerEpoch],
      [0, bumped.producerId, bumped.producerEpoch],
    );
    const done = await settledIn(c, 'tx-v2', 'CompleteCommit');
    assert.equal(done.producerEpoch, bumped.producerEpoch);
    // The markers carry the bumped epoch, so the transaction's own late writes are refused.
    const { batches } = await fetchAllBatches(c, 'orders', 0);
    assert.deepEqual(
      [batches.at(-1)!.control, batches.at(-1)!.header.producerEpoch],
      [true, bumped.producerEpoch],
    );
    assert.equal(await produceTxn(c, 'tx-v2', p, 'orders', 0, 1, ['zombie'], 12), ERR.INVALID_PRODUCER_EPOCH);
    // A retry of the EndTxn (the old epoch) is answered as the first was; the other outcome is refused.
    const retry = await endTxn(c, 'tx-v2', p, true, 5);
    assert.deepEqual([retry.errorCode, retry.producerEpoch], [0, bumped.producerEpoch]);
    assert.equal((await endTxn(c, 'tx-v2', p, false, 5)).errorCode, ERR.INVALID_TXN_STATE);
    // The next transaction runs at the bumped epoch, its sequences from 0.
    assert.equal(await produceTxn(c, 'tx-v2', bumped, 'orders', 0, 0, ['c'], 12), 0);
    const abort = await endTxn(c, 'tx-v2', bumped, false, 5);
    assert.deepEqual([abort.errorCode, abort.producerEpoch], [0, bumped.producerEpoch + 1]);
    await settledIn(c, 'tx-v2', 'CompleteAbort');
    // An abort needs no open transaction under version 2: it bumps the epoch all the same.
    const idle = { producerId: p.producerId, producerEpoch: bumped.producerEpoch + 1 };
    const empty = await endTxn(c, 'tx-v2', idle, false, 5);
    assert.deepEqual([empty.errorCode, empty.producerEpoch], [0, idle.producerEpoch + 1]);
    await settledIn(c, 'tx-v2', 'CompleteAbort');
    // Commit of nothing is an invalid state, as in Kafka.
    const last = { producerId: p.producerId, producerEpoch: idle.producerEpoch + 1 };
    assert.equal((await endTxn(c, 'tx-v2', last, true, 5)).errorCode, ERR.INVALID_TXN_STATE);
  });

  it('transaction version 2: TxnOffsetCommit v5 adds the group offsets partition itself', async () => {
    const p = await producerFor(c, 'tx-v2-offsets');
    assert.equal(await produceTxn(c, 'tx-v2-offsets', p, 'orders', 2, 0, ['x'], 12), 0);
    // As a producer outside any group member commits: no generation, no member id.
    const commitOffset = (committedOffset: bigint) =>
      c.request(API_KEYS.TxnOffsetCommit, 5, {
        transactionalId: 'tx-v2-offsets',
        groupId: 'g-v2',
        ...p,
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [
          { name: 'orders', partitions: [{ partitionIndex: 2, committedOffset, committedMetadata: '' }] },
        ],
      });
    const commit = await commitOffset(7n);
    assert.deepEqual(codesOfCommit(commit), { orders: { 2: 0 } });
    const ongoing = await describe1(c, 'tx-v2-offsets');
    assert.deepEqual(
      new Set((ongoing.topics as Message[]).map((t) => `${t.topic}:${t.partitions}`)),
      new Set(['orders:2', `__consumer_offsets:${coordinatorPartitionFor('g-v2', 5)}`]),
    );
    assert.equal((await endTxn(c, 'tx-v2-offsets', p, true, 5)).errorCode, 0);
    await settledIn(c, 'tx-v2-offsets', 'CompleteCommit');
    const fetched = await c.request(API_KEYS.OffsetFetch, 7, {
      groupId: 'g-v2',
      topics: [{ name: 'orders', partitionIndexes: [2] }],
      requireStable: true,
    });
    const [topic] = fetched.topics as Message[];
    assert.equal((topic.partitions as Message[])[0].committedOffset, 7n);
    // A fenced producer (the epoch before the commit's bump) is told so.
    const stale = await commitOffset(9n);
    assert.deepEqual(codesOfCommit(stale), { orders: { 2: ERR.INVALID_PRODUCER_EPOCH } });
  });

  it('DescribeTransactions: unknown and empty ids', async () => {
    const r = await c.request(API_KEYS.DescribeTransactions, 0, { transactionalIds: ['never-seen', ''] });
    assert.deepEqual(
      (r.transactionStates as Message[]).map((s) => [s.transactionalId, s.errorCode]),
      [
        ['never-seen', ERR.TRANSACTIONAL_ID_NOT_FOUND],
        ['', ERR.INVALID_REQUEST],
      ],
    );
  });
});

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { coordinatorPartitionFor } from '../../../src/broker/coordinator-partition.ts';
import type { GroupCoordinator, TxnMarker } from '../../../src/broker/groups/coordinator.ts';
import { buildEndTxnMarkerBatch } from '../../../src/protocol/records/index.ts';
import { type CoordinatorUnderTest, openCoordinator, tempDir } from './coordinator-harness.ts';

// Offsets committed inside a transaction (TxnOffsetCommit) as Kafka's group coordinator keeps them:
// pending until the transaction's marker, then committed (where no newer commit replaced them) or
// dropped; read back the same way after a restart.

const PARTITIONS = 2;
const NO_MEMBER = { memberId: null, memberEpoch: -1 };
const PRODUCER = { transactionalId: 'tx', producerId: 7n, producerEpoch: 0 };

function offsets(values: Record<string, number>) {
  return Object.entries(values).map(([topic, offset]) => ({
    topic,
    partition: 0,
    offset: BigInt(offset),
    leaderEpoch: -1,
    metadata: null,
  }));
}

const simpleCommitter = { memberId: '', groupInstanceId: null, generationIdOrMemberEpoch: -1, apiVersion: 3 };

function txnCommit(
  coordinator: GroupCoordinator,
  groupId: string,
  values: Record<string, number>,
  producer: { transactionalId: string; producerId: bigint; producerEpoch: number } = PRODUCER,
) {
  return coordinator.commitTransactionalOffsets({
    ...producer,
    groupId,
    identity: simpleCommitter,
    retentionTimeMs: -1,
    offsets: offsets(values),
  });
}

function plainCommit(coordinator: GroupCoordinator, groupId: string, values: Record<string, number>) {
  return coordinator.commitOffsets({
    groupId,
    identity: { ...simpleCommitter, apiVersion: 9 },
    retentionTimeMs: -1,
    offsets: offsets(values),
  });
}

/** Each asked topic's partition 0: its offset, or its error. */
function fetched(coordinator: GroupCoordinator, groupId: string, topics: string[], requireStable = false) {
  const result = coordinator.fetchOffsets(
    groupId,
    NO_MEMBER,
    topics.map((name) => ({ name, partitions: [0] })),
    requireStable,
  );
  assert.ok('offsets' in result);
  return Object.fromEntries(result.offsets.map((o) => [o.topic, o.error ?? o.committed?.offset ?? -1n]));
}

/** Writes a marker into the group's __consumer_offsets partition and tells the coordinator, as the broker does. */
async function endTxn(under: CoordinatorUnderTest, groupId: string, commit: boolean, producer = PRODUCER) {
  const partition = coordinatorPartitionFor(groupId, PARTITIONS);
  const marker: TxnMarker = {
    producerId: producer.producerId,
    producerEpoch: producer.producerEpoch,
    coordinatorEpoch: 0,
    commit,
  };
  await under.offsetsLog(partition)!.append(buildEndTxnMarkerBatch({ ...marker, timestamp: 0n }));
  under.coordinator.onTxnMarker(partition, marker);
}

/** Two group ids that live in different partitions of __consumer_offsets. */
function groupsInTwoPartitions(): [string, string] {
  const first = 'g0';
  for (let i = 1; ; i++) {
    const other = `g${i}`;
    if (coordinatorPartitionFor(other, PARTITIONS) !== coordinatorPartitionFor(first, PARTITIONS))
      return [first, other];
  }
}

describe('transactional offset commits', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let under: CoordinatorUnderTest;
  const props = { 'offsets.topic.num.partitions': String(PARTITIONS), 'offsets.retention.minutes': '1' };
  const reopen = async () => {
    await under.close();
    under = await openCoordinator(dir.path, props);
    return under.coordinator;
  };
  beforeEach(async () => {
    dir = await tempDir();
    under = await openCoordinator(dir.path, props);
  });
  afterEach(async () => {
    await under?.close();
    await dir.remove();
  });

  it('keeps offsets pending until the commit marker: require_stable says UNSTABLE_OFFSET_COMMIT meanwhile', async () => {
    const { coordinator } = under;
    await plainCommit(coordinator, 'g', { t: 1 });
    assert.deepEqual(await txnCommit(coordinator, 'g', { t: 5, u: 6 }), [undefined, undefined]);
    assert.deepEqual(fetched(coordinator, 'g', ['t', 'u']), { t: 1n, u: -1n });
    assert.deepEqual(fetched(coordinator, 'g', ['t', 'u', 'v'], true), {
      t: 'UNSTABLE_OFFSET_COMMIT',
      u: 'UNSTABLE_OFFSET_COMMIT',
      v: -1n,
    });
    await endTxn(under, 'g', true);
    assert.deepEqual(fetched(coordinator, 'g', ['t', 'u'], true), { t: 5n, u: 6n });
  });

  it('drops the offsets of an aborted transaction', async () => {
    const { coordinator } = under;
    await plainCommit(coordinator, 'g', { t: 1 });
    await txnCommit(coordinator, 'g', { t: 5 });
    await endTxn(under, 'g', false);
    assert.deepEqual(fetched(coordinator, 'g', ['t'], true), { t: 1n });
  });

  it('lets the newest record win when plain and transactional commits mix', async () => {
    const { coordinator } = under;
    await txnCommit(coordinator, 'g', { t: 5, u: 5 });
    await plainCommit(coordinator, 'g', { t: 9 });
    await endTxn(under, 'g', true);
    // The plain commit of t came after the transaction's record; u had none newer.
    assert.deepEqual(fetched(coordinator, 'g', ['t', 'u']), { t: 9n, u: 5n });
  });

  it('ends a transaction only in the __consumer_offsets partition its marker was written to', async () => {
    const { coordinator } = under;
    const [a, b] = groupsInTwoPartitions();
    await txnCommit(coordinator, a, { t: 3 });
    await txnCommit(coordinator, b, { t: 4 });
    await endTxn(under, a, true);
    assert.deepEqual(fetched(coordinator, a, ['t'], true), { t: 3n });
    assert.deepEqual(fetched(coordinator, b, ['t'], true), { t: 'UNSTABLE_OFFSET_COMMIT' });
    await endTxn(under, b, true);
    assert.deepEqual(fetched(coordinator, b, ['t'], true), { t: 4n });
  });

  it('replays transactional batches and markers at start; a transaction without a marker stays pending', async () => {
    let coordinator = under.coordinator;
    const aborted = { ...PRODUCER, producerId: 8n };
    const open = { ...PRODUCER, producerId: 9n };
    await txnCommit(coordinator, 'committed', { t: 10 });
    await endTxn(under, 'committed', true);
    await plainCommit(coordinator, 'aborted', { t: 1 });
    await txnCommit(coordinator, 'aborted', { t: 20 }, aborted);
    await endTxn(under, 'aborted', false, aborted);
    await txnCommit(coordinator, 'open', { t: 30 }, open);

    coordinator = await reopen();
    assert.deepEqual(fetched(coordinator, 'committed', ['t'], true), { t: 10n });
    assert.deepEqual(fetched(coordinator, 'aborted', ['t'], true), { t: 1n });
    assert.deepEqual(fetched(coordinator, 'open', ['t'], true), { t: 'UNSTABLE_OFFSET_COMMIT' });
    await endTxn(under, 'open', true, open);
    assert.deepEqual(fetched(coordinator, 'open', ['t'], true), { t: 30n });

    // The mix rule holds on replay too: the plain commit after the transaction's record wins.
    await txnCommit(coordinator, 'mixed', { t: 5 });
    await plainCommit(coordinator, 'mixed', { t: 9 });
    await endTxn(under, 'mixed', true);
    coordinator = await reopen();
    assert.deepEqual(fetched(coordinator, 'mixed', ['t']), { t: 9n });
  });

  it('refuses an older epoch of a producer with offsets pending', async () => {
    const { coordinator } = under;
    await txnCommit(coordinator, 'g', { t: 1 }, { ...PRODUCER, producerEpoch: 3 });
    assert.deepEqual(await txnCommit(coordinator, 'g', { t: 2 }, { ...PRODUCER, producerEpoch: 2 }), [
      'INVALID_PRODUCER_EPOCH',
    ]);
  });

  it('checks generations as Kafka does: an unknown group with a generation is ILLEGAL_GENERATION', async () => {
    const { coordinator } = under;
    const errors = await coordinator.commitTransactionalOffsets({
      ...PRODUCER,
      groupId: 'nobody',
      identity: { memberId: 'm', groupInstanceId: null, generationIdOrMemberEpoch: 1, apiVersion: 3 },
      retentionTimeMs: -1,
      offsets: offsets({ t: 1 }),
    });
    assert.deepEqual(errors, ['ILLEGAL_GENERATION']);
  });

  it('deletes pending offsets with their group; a partition or group with a transaction open does not expire', async () => {
    const { coordinator, timers } = under;
    await plainCommit(coordinator, 'expiring', { t: 1, u: 1 });
    await txnCommit(coordinator, 'expiring', { t: 2 });
    timers.advance(2 * 60_000);
    // u expires; t waits for its transaction, and so does the group.
    assert.equal(await coordinator.expireOffsets(), 1);
    assert.deepEqual(fetched(coordinator, 'expiring', ['t', 'u']), { t: 1n, u: -1n });
    assert.ok(coordinator.group('expiring'));

    await txnCommit(coordinator, 'deleted', { t: 2 });
    assert.deepEqual(await coordinator.deleteGroups(['deleted']), [undefined]);
    await endTxn(under, 'deleted', true);
    assert.deepEqual(fetched(coordinator, 'deleted', ['t'], true), { t: -1n });
    // The tombstones are durable: the transaction's offset does not come back on replay either.
    const reopened = await reopen();
    assert.deepEqual(fetched(reopened, 'deleted', ['t'], true), { t: -1n });
  });
});

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { GroupCoordinator, PartitionCommit } from '../../../src/broker/groups/coordinator.ts';
import { consumerSubscription } from '../../support/group-requests.ts';
import { type CoordinatorUnderTest, openCoordinator, tempDir } from './coordinator-harness.ts';

// offsets.retention.minutes as Kafka 4 applies it: offsets of a group nobody uses expire, offsets a
// member still consumes never do; a group left empty without offsets goes.

const MINUTE = 60_000;
const RETENTION = 10 * MINUTE;

function commit(
  coordinator: GroupCoordinator,
  groupId: string,
  offsets: Record<string, number>,
  retentionTimeMs = -1,
) {
  const list: PartitionCommit[] = Object.entries(offsets).map(([topic, offset]) => ({
    topic,
    partition: 0,
    offset: BigInt(offset),
    leaderEpoch: -1,
    metadata: null,
  }));
  return coordinator.commitOffsets({
    groupId,
    identity: { memberId: '', groupInstanceId: null, generationIdOrMemberEpoch: -1, apiVersion: 9 },
    retentionTimeMs,
    offsets: list,
  });
}

function committedTopics(coordinator: GroupCoordinator, groupId: string): string[] {
  const result = coordinator.fetchOffsets(groupId, { memberId: null, memberEpoch: -1 }, null);
  assert.ok('offsets' in result);
  return result.offsets.map((o) => o.topic).sort();
}

describe('offset expiry', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let under: CoordinatorUnderTest;
  beforeEach(async () => {
    dir = await tempDir();
    under = await openCoordinator(dir.path, { 'offsets.retention.minutes': '10' });
  });
  afterEach(async () => {
    await under?.close();
    await dir.remove();
  });

  it('expires the offsets of a group made by commits alone, counting from each commit, then the group', async () => {
    const { coordinator, timers } = under;
    await commit(coordinator, 'simple', { a: 1 });
    timers.advance(5 * MINUTE);
    await commit(coordinator, 'simple', { b: 2 });
    timers.advance(RETENTION - 5 * MINUTE - 1);
    assert.equal(await coordinator.expireOffsets(), 0);
    timers.advance(1);
    assert.equal(await coordinator.expireOffsets(), 1);
    assert.deepEqual(committedTopics(coordinator, 'simple'), ['b']);
    assert.ok(coordinator.group('simple'));
    timers.advance(5 * MINUTE);
    assert.equal(await coordinator.expireOffsets(), 1);
    assert.equal(coordinator.group('simple'), undefined, 'an empty group without offsets is deleted');
  });

  it('honours the retention time of OffsetCommit v2–4', async () => {
    const { coordinator, timers } = under;
    await commit(coordinator, 'old-client', { a: 1 }, MINUTE);
    timers.advance(MINUTE);
    assert.equal(await coordinator.expireOffsets(), 1);
  });

  it('keeps the offsets of topics a member consumes; counts an emptied group from when it emptied', async () => {
    const { coordinator, timers } = under;
    const joinRequest = (memberId: string) => ({
      memberId,
      groupInstanceId: null,
      clientId: 'c',
      clientHost: '/127.0.0.1',
      sessionTimeoutMs: 30 * MINUTE,
      rebalanceTimeoutMs: MINUTE,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: consumerSubscription(['consumed']) }],
      requireKnownMemberId: false,
      supportsSkipAssignment: true,
      reason: null,
    });
    const joining = coordinator.joinGroup('active', joinRequest(''));
    timers.advance(0);
    const joined = await joining;
    await coordinator.syncGroup('active', {
      memberId: joined.memberId,
      groupInstanceId: null,
      generationId: joined.generationId,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [],
    });
    const identity = {
      memberId: joined.memberId,
      groupInstanceId: null,
      generationIdOrMemberEpoch: joined.generationId,
      apiVersion: 9,
    };
    const offsets = ['consumed', 'dropped'].map((topic) => ({
      topic,
      partition: 0,
      offset: 3n,
      leaderEpoch: -1,
      metadata: null,
    }));
    assert.deepEqual(
      await coordinator.commitOffsets({ groupId: 'active', identity, retentionTimeMs: -1, offsets }),
      [undefined, undefined],
    );
    timers.advance(RETENTION);
    assert.equal(await coordinator.expireOffsets(), 1, 'a stable group keeps only what it subscribes to');
    assert.deepEqual(committedTopics(coordinator, 'active'), ['consumed']);

    coordinator.leaveGroup('active', [{ memberId: joined.memberId, groupInstanceId: null, reason: null }]);
    timers.advance(RETENTION - 1);
    assert.equal(await coordinator.expireOffsets(), 0, 'retention restarts when the group becomes empty');
    timers.advance(1);
    assert.equal(await coordinator.expireOffsets(), 1);
    assert.equal(coordinator.group('active'), undefined);
  });

  it('writes tombstones: expired offsets stay gone after a restart', async () => {
    await commit(under.coordinator, 'simple', { a: 1 });
    await commit(under.coordinator, 'kept', { a: 1 });
    under.timers.advance(RETENTION / 2);
    await commit(under.coordinator, 'kept', { a: 2 });
    under.timers.advance(RETENTION / 2);
    assert.equal(await under.coordinator.expireOffsets(), 1);
    await under.close();
    under = await openCoordinator(dir.path, { 'offsets.retention.minutes': '10' }, under.timers);
    assert.equal(under.coordinator.group('simple'), undefined);
    assert.deepEqual(committedTopics(under.coordinator, 'kept'), ['a']);
  });
});

// The share group coordinator as a state machine, without a broker: members join with epoch 0 and get
// assignments, epochs move, members leave or are removed when their session expires (the share partitions
// are told), the group's records rebuild it after a restart, and Kafka's errors and messages come back
// for bad requests. The clock is injected; a session expiry is seen when the coordinator's timer fires.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { parseBrokerConfig } from '../../../../src/broker/config/broker-config.ts';
import type { TopicRef } from '../../../../src/broker/groups/consumer/subscriptions.ts';
import type { CoordinatorRecord } from '../../../../src/broker/groups/group.ts';
import { ShareGroupCoordinator } from '../../../../src/broker/groups/share/coordinator.ts';
import type { ShareHeartbeatRequest } from '../../../../src/broker/groups/share/heartbeat.ts';
import { until } from '../until.ts';

const topics: TopicRef[] = [
  { name: 'orders', id: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: 2 },
  { name: 'audit', id: 'AAAAAAAAAAAAAAAAAAAAAg', partitions: 1 },
];
const catalog = {
  topic: (name: string) => topics.find((t) => t.name === name),
  topicById: (id: string) => topics.find((t) => t.id === id),
  topics: () => topics,
};
const origin = { clientId: 'client', clientHost: '/127.0.0.1', apiVersion: 1 };

function harness(props: Record<string, string> = {}, stored: CoordinatorRecord[] = []) {
  let time = 1_000_000;
  const left: string[] = [];
  const deleted: string[] = [];
  const records: CoordinatorRecord[] = [...stored];
  const groupConfigs = new Map<string, Record<string, string>>();
  const coordinator = new ShareGroupCoordinator({
    settings: parseBrokerConfig({ 'log.dirs': '/unused', ...props }).config,
    catalog,
    groupConfigs: (groupId) => groupConfigs.get(groupId) ?? {},
    partitions: {
      sharePartitions: {
        onMemberLeft: (groupId, memberId) => left.push(`${groupId}/${memberId}`),
        onGroupDeleted: (groupId) => {
          deleted.push(groupId);
        },
      },
    },
    logger: pino({ level: 'silent' }),
    now: () => time,
  });
  coordinator.connect({
    persistence: { append: async (_groupId, added) => void records.push(...added) },
    otherGroups: { groupType: (groupId) => (groupId === 'classic-group' ? 'classic' : undefined) },
  });
  for (const record of stored) coordinator.replay(record.key, record.value);
  coordinator.loaded();
  const heartbeat = (request: Partial<ShareHeartbeatRequest> & { memberId: string; memberEpoch: number }) =>
    coordinator.heartbeat({ groupId: 'g', rackId: null, subscribedTopicNames: null, ...request }, origin);
  return {
    coordinator,
    heartbeat,
    left,
    deleted,
    records,
    groupConfigs,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

const labels = (assignment: { topicId: string; partitions: number[] }[] | null | undefined) =>
  (assignment ?? [])
    .flatMap((t) => t.partitions.map((p) => `${catalog.topicById(t.topicId)?.name}-${p}`))
    .sort();

describe('share group coordinator', () => {
  it('a joining member gets epoch 1 and every subscribed partition', async () => {
    const h = harness();
    const joined = await h.heartbeat({ memberId: 'm1', memberEpoch: 0, subscribedTopicNames: ['orders'] });
    assert.ok(!('error' in joined));
    assert.equal(joined.memberEpoch, 1);
    assert.equal(joined.heartbeatIntervalMs, 5000);
    assert.deepEqual(labels(joined.assignment), ['orders-0', 'orders-1']);
    const [described] = h.coordinator.describe(['g'], false);
    assert.equal(described.groupState, 'Stable');
    assert.equal(described.groupEpoch, 1);
    assert.equal(described.assignorName, 'simple');
    assert.deepEqual(h.coordinator.memberAssignment('g', 'm1'), {
      epoch: 1,
      partitions: [
        { topicId: topics[0].id, topic: 'orders', partition: 0 },
        { topicId: topics[0].id, topic: 'orders', partition: 1 },
      ],
    });
  });

  it('a second member bumps the epoch; the first moves to the new assignment at its next heartbeat', async () => {
    const h = harness();
    await h.heartbeat({ memberId: 'm1', memberEpoch: 0, subscribedTopicNames: ['orders'] });
    const second = await h.heartbeat({ memberId: 'm2', memberEpoch: 0, subscribedTopicNames: ['orders'] });
    assert.ok(!('error' in second));
    assert.equal(second.memberEpoch, 2);
    assert.equal(labels(second.assignment).length, 1);
    const first = await h.heartbeat({ memberId: 'm1', memberEpoch: 1 });
    assert.ok(!('error' in first));
    assert.equal(first.memberEpoch, 2);
    assert.equal(labels(first.assignment).length, 1, 'the changed assignment is sent');
    assert.notDeepEqual(labels(first.assignment), labels(second.assignment));
    const steady = await h.heartbeat({ memberId: 'm1', memberEpoch: 2 });
    assert.ok(!('error' in steady));
    assert.equal(steady.assignment, null, 'no assignment when nothing changed');
  });

  it('more members than partitions share them', async () => {
    const h = harness();
    for (const memberId of ['m1', 'm2', 'm3']) {
      await h.heartbeat({ memberId, memberEpoch: 0, subscribedTopicNames: ['audit'] });
    }
    for (const memberId of ['m1', 'm2', 'm3']) {
      await h.heartbeat({ memberId, memberEpoch: h.coordinator.memberAssignment('g', memberId)!.epoch });
      const assigned = h.coordinator.memberAssignment('g', memberId)!;
      assert.equal(assigned.epoch, 3);
      assert.deepEqual(
        assigned.partitions.map((p) => `${p.topic}-${p.partition}`),
        ['audit-0'],
      );
    }
  });

  it('a leaving member answers epoch -1, the share partitions hear of it, and the group goes Empty', async () => {
    const h = harness();
    await h.heartbeat({ memberId: 'm1', memberEpoch: 0, subscribedTopicNames: ['orders'] });
    const left = await h.heartbeat({ memberId: 'm1', memberEpoch: -1 });
    assert.ok(!('error' in left));
    assert.equal(left.memberEpoch, -1);
    assert.deepEqual(h.left, ['g/m1']);
    assert.deepEqual(h.coordinator.listGroups(), [
      { groupId: 'g', protocolType: 'share', groupState: 'Empty', groupType: 'share' },
    ]);
    assert.equal(h.coordinator.memberAssignment('g', 'm1'), undefined);
    assert.equal(await h.coordinator.deleteGroup('g'), undefined);
    assert.deepEqual(h.deleted, ['g']);
    assert.equal(h.coordinator.groupType('g'), undefined);
  });

  it('a member whose session expires is removed', async () => {
    const h = harness();
    await h.heartbeat({ memberId: 'm1', memberEpoch: 0, subscribedTopicNames: ['orders'] });
    h.advance(30_000);
    await h.heartbeat({ memberId: 'm2', memberEpoch: 0, subscribedTopicNames: ['orders'] });
    h.advance(20_000); // m1 silent for 50 s > 45 s; m2 for 20 s
    await h.heartbeat({ memberId: 'm2', memberEpoch: 2 }); // re-arms the timer, now due
    await until('m1 removed', async () => (h.left.length > 0 ? true : undefined), 5000);
    assert.deepEqual(h.left, ['g/m1']);
    const fenced = await h.heartbeat({ memberId: 'm1', memberEpoch: 1 });
    assert.deepEqual(fenced, {
      error: 'UNKNOWN_MEMBER_ID',
      message: 'Member m1 is not a member of group g.',
    });
  });

  it("uses the group's share.session.timeout.ms and share.heartbeat.interval.ms over the broker's", async () => {
    const h = harness({ 'group.share.max.heartbeat.interval.ms': '20000' });
    h.groupConfigs.set('g', {
      'share.heartbeat.interval.ms': '12000',
      'share.auto.offset.reset': 'earliest',
    });
    const joined = await h.heartbeat({ memberId: 'm1', memberEpoch: 0, subscribedTopicNames: ['orders'] });
    assert.ok(!('error' in joined));
    assert.equal(joined.heartbeatIntervalMs, 12000);
    assert.deepEqual(h.coordinator.groupConfig('g').autoOffsetReset, { type: 'earliest' });
    assert.deepEqual(h.coordinator.groupConfig('other').autoOffsetReset, { type: 'latest' });
    assert.equal(h.coordinator.groupConfig('other').recordLockDurationMs, 30000);
  });

  it("refuses bad requests with Kafka's errors and messages", async () => {
    const h = harness({ 'group.share.max.size': '1' });
    const error = (message: string) => ({ error: 'INVALID_REQUEST', message });
    assert.deepEqual(
      await h.heartbeat({ memberId: '', memberEpoch: 0, subscribedTopicNames: ['orders'] }),
      error("MemberId can't be empty."),
    );
    assert.deepEqual(
      await h.heartbeat({ memberId: 'm1', memberEpoch: 0 }),
      error('SubscribedTopicNames must be set in first request.'),
    );
    assert.deepEqual(
      await h.heartbeat({ memberId: 'm1', memberEpoch: -2 }),
      error('MemberEpoch is invalid.'),
    );
    assert.deepEqual(await h.heartbeat({ memberId: 'm1', memberEpoch: 3 }), {
      error: 'GROUP_ID_NOT_FOUND',
      message: 'Share group g not found.',
    });
    assert.deepEqual(
      await h.coordinator.heartbeat(
        {
          groupId: 'classic-group',
          memberId: 'm1',
          memberEpoch: 0,
          rackId: null,
          subscribedTopicNames: ['orders'],
        },
        origin,
      ),
      { error: 'GROUP_ID_NOT_FOUND', message: 'Group classic-group is not a share group.' },
    );
    await h.heartbeat({ memberId: 'm1', memberEpoch: 0, subscribedTopicNames: ['orders'] });
    assert.deepEqual(
      await h.heartbeat({ memberId: 'm2', memberEpoch: 0, subscribedTopicNames: ['orders'] }),
      {
        error: 'GROUP_MAX_SIZE_REACHED',
        message: 'The share group has reached its maximum capacity of 1 members.',
      },
    );
    const ahead = await h.heartbeat({ memberId: 'm1', memberEpoch: 5 });
    assert.equal('error' in ahead && ahead.error, 'FENCED_MEMBER_EPOCH');
    assert.deepEqual(await h.coordinator.deleteGroup('g'), {
      error: 'NON_EMPTY_GROUP',
      message: 'The group is not empty.',
    });
  });

  it('rebuilds groups, members, epochs and assignments from its records', async () => {
    const h = harness();
    await h.heartbeat({ memberId: 'm1', memberEpoch: 0, subscribedTopicNames: ['orders'] });
    await h.heartbeat({ memberId: 'm2', memberEpoch: 0, subscribedTopicNames: ['orders', 'audit'] });
    await h.heartbeat({ memberId: 'm1', memberEpoch: 1 });
    const restarted = harness({}, h.records);
    assert.deepEqual(restarted.coordinator.describe(['g'], false), h.coordinator.describe(['g'], false));
    const again = await restarted.heartbeat({ memberId: 'm1', memberEpoch: 2 });
    assert.ok(!('error' in again));
    assert.equal(again.memberEpoch, 2);
    h.coordinator.stop();
    restarted.coordinator.stop();
  });
});

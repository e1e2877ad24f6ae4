import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConsumerGroup } from '../../../../src/broker/groups/consumer/consumer-group.ts';
import { describeConsumerGroup } from '../../../../src/broker/groups/consumer/describe.ts';
import {
  decodeConsumerGroupRecord,
  encodeConsumerGroupRecord,
} from '../../../../src/broker/groups/consumer/record-codec.ts';
import { toList } from '../../../../src/broker/groups/consumer/topic-partitions.ts';
import { type Answer, FakeCatalog, GroupHarness, labels, ok, topicIdOf } from './group-harness.ts';

// The consumer group state machine (KIP-848) driven by heartbeats as clients send them, with a clock moved
// by hand: epochs, reconciliation (revoke before reassign), leaving, fencing, static members, timeouts,
// subscriptions by name and regex, metadata changes, and the records that rebuild the group.

const owned = (...names: string[]) => {
  const byTopic = new Map<string, number[]>();
  for (const name of names) {
    const at = name.lastIndexOf('-');
    const topicId = topicIdOf(name.slice(0, at));
    byTopic.set(topicId, [...(byTopic.get(topicId) ?? []), Number(name.slice(at + 1))]);
  }
  return [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions }));
};
const orders = (...partitions: number[]) => partitions.map((p) => `orders-${p}`);
const errorOf = (answer: Answer) => ('error' in answer ? answer.error : undefined);

/** m1 owns all six partitions of "orders", stable in epoch 2 (Kafka 4.3 starts a group at epoch 1). */
function oneMember(config = {}) {
  const h = new GroupHarness(new FakeCatalog({ orders: 6 }), config);
  const first = ok(h.join('m1', ['orders']));
  assert.deepEqual([first.memberEpoch, labels(first.assignment)], [2, orders(0, 1, 2, 3, 4, 5)]);
  return h;
}

/** m1 and m2 stable in epoch 3, three partitions each. */
function twoMembers(config = {}) {
  const h = oneMember(config);
  ok(h.join('m2', ['orders']));
  ok(h.send({ memberId: 'm1', memberEpoch: 2, topicPartitions: owned(...orders(0, 1, 2, 3, 4, 5)) }));
  ok(h.send({ memberId: 'm1', memberEpoch: 2, topicPartitions: owned(...orders(0, 1, 2)) }));
  const m2 = ok(h.send({ memberId: 'm2', memberEpoch: 3, topicPartitions: [] }));
  assert.deepEqual(labels(m2.assignment), orders(3, 4, 5));
  assert.equal(h.group.state, 'Stable');
  return h;
}

describe('consumer group: joining and reconciliation', () => {
  it('a first member gets every partition in epoch 2 and the group is Stable', () => {
    const h = oneMember();
    assert.deepEqual([h.group.groupEpoch, h.group.assignmentEpoch, h.group.state], [2, 2, 'Stable']);
  });

  it('a partition moves to a new member only after its owner has revoked it', () => {
    const h = oneMember();
    const m2 = ok(h.join('m2', ['orders']));
    // The new member is in epoch 3 but waits for partitions m1 still holds.
    assert.deepEqual([m2.memberEpoch, labels(m2.assignment)], [3, []]);
    assert.equal(h.group.members.get('m2')!.state, 'UNRELEASED_PARTITIONS');
    assert.equal(h.group.state, 'Reconciling');

    // m1 stays in epoch 2 and is told to keep only half.
    const revoke = ok(
      h.send({ memberId: 'm1', memberEpoch: 2, topicPartitions: owned(...orders(0, 1, 2, 3, 4, 5)) }),
    );
    assert.deepEqual([revoke.memberEpoch, labels(revoke.assignment)], [2, orders(0, 1, 2)]);
    assert.equal(h.group.members.get('m1')!.state, 'UNREVOKED_PARTITIONS');

    // Until m1 reports it let go, m2 gets nothing; not saying what it owns counts as still owning.
    const waiting = ok(h.send({ memberId: 'm2', memberEpoch: 3, topicPartitions: [] }));
    assert.deepEqual([waiting.memberEpoch, waiting.assignment], [3, null]);
    ok(h.send({ memberId: 'm1', memberEpoch: 2 }));
    assert.equal(h.group.members.get('m1')!.state, 'UNREVOKED_PARTITIONS');

    const revoked = ok(
      h.send({ memberId: 'm1', memberEpoch: 2, topicPartitions: owned(...orders(0, 1, 2)) }),
    );
    assert.deepEqual([revoked.memberEpoch, revoked.assignment], [3, null]);
    const given = ok(h.send({ memberId: 'm2', memberEpoch: 3, topicPartitions: [] }));
    assert.deepEqual([given.memberEpoch, labels(given.assignment)], [3, orders(3, 4, 5)]);
    assert.equal(h.group.state, 'Stable');
  });

  it('a member that lost the answer bumping its epoch is accepted with its previous epoch', () => {
    const h = twoMembers();
    // m1 moved to epoch 3 (previous 2); it retries with epoch 2 owning a subset of its assignment.
    assert.equal(
      ok(h.send({ memberId: 'm1', memberEpoch: 2, topicPartitions: owned(...orders(0, 1)) })).memberEpoch,
      3,
    );
    assert.equal(
      errorOf(h.send({ memberId: 'm1', memberEpoch: 2, topicPartitions: owned(...orders(0, 1, 5)) })),
      'FENCED_MEMBER_EPOCH',
    );
  });

  it('fences a member with an epoch it never had, and refuses unknown members', () => {
    const h = twoMembers();
    const ahead = h.send({ memberId: 'm1', memberEpoch: 8, topicPartitions: [] });
    assert.deepEqual(ahead, {
      error: 'FENCED_MEMBER_EPOCH',
      message:
        'The consumer group member has a greater member epoch (8) than the one known by the group coordinator (3). The member must abandon all its partitions and rejoin.',
    });
    // As in Kafka, a known member id rejoining with epoch 0 is behind its known epoch.
    assert.equal(errorOf(h.join('m1', ['orders'])), 'FENCED_MEMBER_EPOCH');
    assert.deepEqual(h.send({ memberId: 'ghost', memberEpoch: 4 }), {
      error: 'UNKNOWN_MEMBER_ID',
      message: 'Member ghost is not a member of group group.',
    });
  });

  it('answers the assignment on joins, full requests and changes only', () => {
    const h = twoMembers();
    assert.equal(ok(h.send({ memberId: 'm1', memberEpoch: 3 })).assignment, null);
    const full = ok(
      h.send({
        memberId: 'm1',
        memberEpoch: 3,
        rebalanceTimeoutMs: 300_000,
        subscribedTopicNames: ['orders'],
        topicPartitions: owned(...orders(0, 1, 2)),
      }),
    );
    assert.deepEqual(labels(full.assignment), orders(0, 1, 2));
  });

  it('mints a member id for a version 0 member joining without one', () => {
    const h = new GroupHarness(new FakeCatalog({ orders: 1 }));
    h.apiVersion = 0;
    assert.equal(ok(h.join('', ['orders'])).memberId, 'generated-0');
    h.apiVersion = 1;
    assert.equal(errorOf(h.join('', ['orders'])), 'INVALID_REQUEST');
  });

  it('uses the assignor the members ask for', () => {
    const h = new GroupHarness(new FakeCatalog({ a: 3, b: 3 }));
    ok(h.join('m1', ['a', 'b'], { serverAssignor: 'range' }));
    ok(h.join('m2', ['a', 'b'], { serverAssignor: 'range' }));
    // Range splits each topic on its own: the same partition numbers of a and b go to the same member.
    assert.deepEqual(labels(toList(h.group.target('m1'))), ['a-0', 'a-1', 'b-0', 'b-1']);
    assert.equal(describeConsumerGroup(h.group, h.catalog, h.config.assignors, 0).assignorName, 'range');
  });
});

describe('consumer group: leaving and fencing', () => {
  it('a member leaving frees its partitions for the others at once', () => {
    const h = twoMembers();
    assert.deepEqual(h.send({ memberId: 'm2', memberEpoch: -1 }), { memberId: 'm2', memberEpoch: -1 });
    assert.equal(h.group.groupEpoch, 4);
    assert.equal(h.group.state, 'Assigning');
    const m1 = ok(h.send({ memberId: 'm1', memberEpoch: 3, topicPartitions: owned(...orders(0, 1, 2)) }));
    assert.deepEqual([m1.memberEpoch, labels(m1.assignment)], [4, orders(0, 1, 2, 3, 4, 5)]);
    assert.equal(h.group.state, 'Stable');
  });

  it('fences a member whose session expired', () => {
    const h = twoMembers();
    h.advance(30_000);
    ok(h.send({ memberId: 'm1', memberEpoch: 3 }));
    assert.deepEqual(h.advance(14_999), new Map());
    assert.deepEqual([...h.advance(1).keys()], ['m2']);
    assert.deepEqual([...h.group.members.keys()], ['m1']);
    assert.deepEqual(
      labels(ok(h.send({ memberId: 'm1', memberEpoch: 3 })).assignment),
      orders(0, 1, 2, 3, 4, 5),
    );
  });

  it('fences a member that does not revoke within its rebalance timeout', () => {
    const h = new GroupHarness(new FakeCatalog({ orders: 4 }));
    ok(h.join('m1', ['orders'], { rebalanceTimeoutMs: 10_000 }));
    ok(h.join('m2', ['orders']));
    ok(h.send({ memberId: 'm1', memberEpoch: 2, topicPartitions: owned(...orders(0, 1, 2, 3)) }));
    h.advance(9_000);
    ok(h.send({ memberId: 'm1', memberEpoch: 2, topicPartitions: owned(...orders(0, 1, 2, 3)) }));
    ok(h.send({ memberId: 'm2', memberEpoch: 3, topicPartitions: [] }));
    assert.match(h.advance(1_000).get('m1') ?? '', /failed to revoke/);
    assert.deepEqual(
      labels(ok(h.send({ memberId: 'm2', memberEpoch: 3, topicPartitions: [] })).assignment),
      orders(0, 1, 2, 3),
    );
  });

  it('does not fence a member that revoked in time', () => {
    const h = new GroupHarness(new FakeCatalog({ orders: 4 }));
    ok(h.join('m1', ['orders'], { rebalanceTimeoutMs: 10_000 }));
    ok(h.join('m2', ['orders']));
    ok(h.send({ memberId: 'm1', memberEpoch: 2, topicPartitions: owned(...orders(0, 1, 2, 3)) }));
    ok(h.send({ memberId: 'm1', memberEpoch: 2, topicPartitions: owned(...orders(0, 1)) }));
    ok(h.send({ memberId: 'm2', memberEpoch: 3, topicPartitions: [] }));
    assert.deepEqual(h.advance(10_000), new Map());
  });

  it('refuses a new member beyond group.consumer.max.size', () => {
    const h = oneMember({ maxSize: 1 });
    assert.deepEqual(h.join('m2', ['orders']), {
      error: 'GROUP_MAX_SIZE_REACHED',
      message: 'The consumer group has reached its maximum capacity of 1 members.',
    });
    assert.equal(ok(h.send({ memberId: 'm1', memberEpoch: 2 })).memberEpoch, 2);
  });
});

describe('consumer group: static members', () => {
  function staticAndDynamic() {
    const h = new GroupHarness(new FakeCatalog({ orders: 4 }));
    ok(h.join('s1', ['orders'], { instanceId: 'instance-1' }));
    ok(h.join('d1', ['orders']));
    ok(
      h.send({
        memberId: 's1',
        instanceId: 'instance-1',
        memberEpoch: 2,
        topicPartitions: owned(...orders(0, 1, 2, 3)),
      }),
    );
    ok(
      h.send({
        memberId: 's1',
        instanceId: 'instance-1',
        memberEpoch: 2,
        topicPartitions: owned(...orders(0, 1)),
      }),
    );
    ok(h.send({ memberId: 'd1', memberEpoch: 3, topicPartitions: [] }));
    assert.equal(h.group.state, 'Stable');
    return h;
  }

  it('a static member leaving with epoch -2 keeps its partitions and gets them back under a new member id', () => {
    const h = staticAndDynamic();
    assert.deepEqual(h.send({ memberId: 's1', instanceId: 'instance-1', memberEpoch: -2 }), {
      memberId: 's1',
      memberEpoch: -2,
    });
    // Nobody else takes its partitions, and no rebalance happens.
    assert.equal(h.group.groupEpoch, 3);
    assert.equal(
      ok(h.send({ memberId: 'd1', memberEpoch: 3, topicPartitions: owned(...orders(2, 3)) })).assignment,
      null,
    );

    const back = ok(h.join('s1-again', ['orders'], { instanceId: 'instance-1' }));
    assert.deepEqual([back.memberEpoch, labels(back.assignment)], [3, orders(0, 1)]);
    assert.deepEqual([...h.group.members.keys()].sort(), ['d1', 's1-again']);
    assert.equal(h.group.groupEpoch, 3);
  });

  it('refuses a second member with an instance id in use, and fences the replaced member', () => {
    const h = staticAndDynamic();
    assert.deepEqual(h.join('s2', ['orders'], { instanceId: 'instance-1' }), {
      error: 'UNRELEASED_INSTANCE_ID',
      message:
        'Static member s2 with instance id instance-1 cannot join the group because the instance id is owned by s1 member.',
    });
    ok(h.send({ memberId: 's1', instanceId: 'instance-1', memberEpoch: -2 }));
    ok(h.join('s2', ['orders'], { instanceId: 'instance-1' }));
    assert.deepEqual(h.send({ memberId: 's1', instanceId: 'instance-1', memberEpoch: 3 }), {
      error: 'FENCED_INSTANCE_ID',
      message: 'Static member s1 with instance id instance-1 was fenced by member s2.',
    });
    assert.deepEqual(h.send({ memberId: 'x', instanceId: 'instance-9', memberEpoch: -2 }), {
      error: 'UNKNOWN_MEMBER_ID',
      message: 'Instance id instance-9 is unknown.',
    });
  });

  it('a static member that does not come back is removed when its session expires', () => {
    const h = staticAndDynamic();
    ok(h.send({ memberId: 's1', instanceId: 'instance-1', memberEpoch: -2 }));
    h.advance(40_000);
    ok(h.send({ memberId: 'd1', memberEpoch: 3 }));
    assert.deepEqual([...h.advance(5_000).keys()], ['s1']);
    const d1 = ok(h.send({ memberId: 'd1', memberEpoch: 3, topicPartitions: owned(...orders(2, 3)) }));
    assert.deepEqual(labels(d1.assignment), orders(0, 1, 2, 3));
  });
});

describe('consumer group: subscriptions and metadata', () => {
  it('subscribes by regex, and a new matching topic is assigned on the next heartbeat', () => {
    const h = new GroupHarness(new FakeCatalog({ 'orders-eu': 1, 'orders-us': 1, payments: 1 }));
    const first = ok(h.join('m1', null, { subscribedTopicRegex: 'orders-.*' }));
    assert.deepEqual(labels(first.assignment), ['orders-eu-0', 'orders-us-0']);
    h.catalog.create('orders-asia', 2);
    const next = ok(h.send({ memberId: 'm1', memberEpoch: 2, topicPartitions: first.assignment }));
    assert.deepEqual(
      [next.memberEpoch, labels(next.assignment)],
      [3, ['orders-asia-0', 'orders-asia-1', 'orders-eu-0', 'orders-us-0']],
    );
  });

  it('refuses a regex RE2 would not compile', () => {
    const h = new GroupHarness(new FakeCatalog({ orders: 1 }));
    const answer = h.join('m1', null, { subscribedTopicRegex: '(?<=x)orders' });
    assert.equal(errorOf(answer), 'INVALID_REGULAR_EXPRESSION');
    assert.match(
      (answer as { message: string }).message,
      /^SubscribedTopicRegex `\(\?<=x\)orders` is not a valid regular expression: /,
    );
  });

  it('assigns added partitions and revokes those of a deleted topic', () => {
    const h = new GroupHarness(new FakeCatalog({ orders: 2, payments: 1 }));
    ok(h.join('m1', ['orders', 'payments']));
    h.catalog.setPartitions('orders', 3);
    const grown = ok(
      h.send({
        memberId: 'm1',
        memberEpoch: 2,
        topicPartitions: owned('orders-0', 'orders-1', 'payments-0'),
      }),
    );
    assert.deepEqual(
      [grown.memberEpoch, labels(grown.assignment)],
      [3, ['orders-0', 'orders-1', 'orders-2', 'payments-0']],
    );
    h.catalog.delete('payments');
    const shrunk = ok(
      h.send({ memberId: 'm1', memberEpoch: 3, topicPartitions: owned(...orders(0, 1, 2), 'payments-0') }),
    );
    assert.deepEqual([shrunk.memberEpoch, labels(shrunk.assignment)], [3, orders(0, 1, 2)]);
    const settled = ok(
      h.send({ memberId: 'm1', memberEpoch: 3, topicPartitions: owned(...orders(0, 1, 2)) }),
    );
    assert.equal(settled.memberEpoch, 4);
  });

  it('a member dropping a topic from its subscription revokes it at once', () => {
    const h = new GroupHarness(new FakeCatalog({ orders: 1, payments: 1 }));
    ok(h.join('m1', ['orders', 'payments']));
    const answer = ok(
      h.send({
        memberId: 'm1',
        memberEpoch: 2,
        subscribedTopicNames: ['orders'],
        topicPartitions: owned('orders-0', 'payments-0'),
      }),
    );
    assert.deepEqual([answer.memberEpoch, labels(answer.assignment)], [2, ['orders-0']]);
    assert.equal(h.group.groupEpoch, 3);
  });
});

describe('consumer group: requests refused before any change', () => {
  const cases: [string, Parameters<GroupHarness['send']>[0], string, string][] = [
    ['no member id (v1)', { memberId: '', memberEpoch: 0 }, 'INVALID_REQUEST', "MemberId can't be empty."],
    [
      'no rebalance timeout on join',
      { memberId: 'm', memberEpoch: 0, subscribedTopicNames: [], topicPartitions: [] },
      'INVALID_REQUEST',
      'RebalanceTimeoutMs must be provided in first request.',
    ],
    [
      'owned partitions on join',
      {
        memberId: 'm',
        memberEpoch: 0,
        rebalanceTimeoutMs: 1,
        subscribedTopicNames: [],
        topicPartitions: null,
      },
      'INVALID_REQUEST',
      'TopicPartitions must be empty when (re-)joining.',
    ],
    [
      'no subscription on join',
      { memberId: 'm', memberEpoch: 0, rebalanceTimeoutMs: 1, topicPartitions: [] },
      'INVALID_REQUEST',
      'Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.',
    ],
    [
      'static leave without instance id',
      { memberId: 'm', memberEpoch: -2 },
      'INVALID_REQUEST',
      "InstanceId can't be null.",
    ],
    ['epoch below -2', { memberId: 'm', memberEpoch: -3 }, 'INVALID_REQUEST', 'MemberEpoch is invalid.'],
    [
      'blank instance id',
      { memberId: 'm', memberEpoch: 2, instanceId: ' ' },
      'INVALID_REQUEST',
      "InstanceId can't be empty.",
    ],
    [
      'unknown assignor',
      { memberId: 'm', memberEpoch: 2, serverAssignor: 'sticky' },
      'UNSUPPORTED_ASSIGNOR',
      'ServerAssignor sticky is not supported. Supported assignors: uniform, range.',
    ],
  ];
  for (const [name, request, error, message] of cases) {
    it(name, () => {
      const h = new GroupHarness(new FakeCatalog({ orders: 1 }));
      assert.deepEqual(h.send(request), { error, message });
      assert.equal(h.records.length, 0);
    });
  }
});

describe('consumer group: records', () => {
  it('replaying the records a group emitted, through their byte encoding, rebuilds the same group', () => {
    const h = new GroupHarness(new FakeCatalog({ orders: 4, payments: 2 }));
    ok(
      h.join('s1', ['orders', 'payments'], {
        instanceId: 'instance-1',
        rackId: 'rack-a',
        serverAssignor: 'range',
      }),
    );
    ok(h.join('d1', null, { subscribedTopicRegex: 'orders|payments' }));
    ok(
      h.send({
        memberId: 's1',
        instanceId: 'instance-1',
        memberEpoch: 2,
        topicPartitions: owned(...orders(0, 1, 2, 3), 'payments-0', 'payments-1'),
      }),
    );
    ok(h.join('d2', ['orders']));
    ok(h.send({ memberId: 'd1', memberEpoch: -1 }));

    const copy = new ConsumerGroup('group', h.catalog);
    for (const record of h.records) {
      const { key, value } = encodeConsumerGroupRecord(record);
      copy.replay(decodeConsumerGroupRecord(key, value)!);
    }
    const view = (group: ConsumerGroup) => ({
      described: describeConsumerGroup(group, h.catalog, h.config.assignors, 0),
      metadataHash: group.metadataHash,
      members: group.members,
      epochs: ['orders', 'payments'].flatMap((t) =>
        [0, 1, 2, 3].map((p) => group.partitionEpoch(topicIdOf(t), p)),
      ),
    });
    assert.deepEqual(view(copy), view(h.group));
  });

  it("ignores records that are not a consumer group's", () => {
    const offsetCommitKey = Buffer.from([0, 1, 0, 1, 0x67, 0, 1, 0x74, 0, 0, 0, 0]);
    assert.equal(decodeConsumerGroupRecord(offsetCommitKey, null), undefined);
  });
});

describe('consumer group: offsets of its members', () => {
  it('accepts commits in the current epoch with v9+, and admin commits while empty', () => {
    const h = twoMembers();
    const commit = { memberId: 'm1', memberEpoch: 3, apiVersion: 9, transactional: false };
    assert.equal(h.group.validateOffsetCommit(commit), undefined);
    assert.equal(h.group.validateOffsetCommit({ ...commit, memberEpoch: 2 })?.error, 'STALE_MEMBER_EPOCH');
    assert.equal(h.group.validateOffsetCommit({ ...commit, apiVersion: 8 })?.error, 'UNSUPPORTED_VERSION');
    assert.equal(h.group.validateOffsetCommit({ ...commit, apiVersion: 8, transactional: true }), undefined);
    assert.equal(h.group.validateOffsetCommit({ ...commit, memberId: 'x' })?.error, 'UNKNOWN_MEMBER_ID');
    assert.equal(
      h.group.validateOffsetCommit({ ...commit, memberId: '', memberEpoch: -1 })?.error,
      'UNKNOWN_MEMBER_ID',
    );
    assert.equal(h.group.validateOffsetFetch(null, -1), undefined);
    assert.equal(h.group.validateOffsetFetch('m2', 3), undefined);
    assert.equal(h.group.validateOffsetFetch('m2', 2)?.error, 'STALE_MEMBER_EPOCH');
    ok(h.send({ memberId: 'm1', memberEpoch: -1 }));
    ok(h.send({ memberId: 'm2', memberEpoch: -1 }));
    assert.equal(h.group.validateOffsetCommit({ ...commit, memberId: '', memberEpoch: -1 }), undefined);
    assert.equal(h.group.state, 'Empty');
  });
});

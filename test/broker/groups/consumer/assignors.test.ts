import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type {
  AssignmentSpec,
  ConsumerGroupAssignor,
} from '../../../../src/broker/groups/consumer/assignors/assignor.ts';
import { rangeAssignor } from '../../../../src/broker/groups/consumer/assignors/range-assignor.ts';
import { uniformAssignor } from '../../../../src/broker/groups/consumer/assignors/uniform-assignor.ts';
import {
  NO_PARTITIONS,
  partitionCount,
  type TopicPartitions,
} from '../../../../src/broker/groups/consumer/topic-partitions.ts';

// Property tests of the server-side assignors: what any correct assignment must satisfy (each subscribed
// partition assigned exactly once, to a subscriber), each assignor's balance rule, and stickiness when
// members come and go, run from the assignor's own previous output as the coordinator does.

type Assignment = Map<string, TopicPartitions>;

interface Group {
  topics: Map<string, number>;
  members: { memberId: string; topics: string[] }[];
}

const topicIds = ['tA', 'tB', 'tC', 'tD'];

const homogeneousGroup: fc.Arbitrary<Group> = fc
  .record({
    counts: fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 1, maxLength: 4 }),
    memberIds: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 9 }),
  })
  .map(({ counts, memberIds }) => {
    const topics = new Map(counts.map((count, i) => [topicIds[i], count]));
    return { topics, members: memberIds.map((memberId) => ({ memberId, topics: [...topics.keys()] })) };
  });

const heterogeneousGroup: fc.Arbitrary<Group> = fc
  .record({
    counts: fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 4 }),
    members: fc.uniqueArray(
      fc.record({
        memberId: fc.string({ minLength: 1, maxLength: 6 }),
        pick: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      }),
      { minLength: 1, maxLength: 8, selector: (m) => m.memberId },
    ),
  })
  .map(({ counts, members }) => {
    const topics = new Map(counts.map((count, i) => [topicIds[i], count]));
    return {
      topics,
      members: members.map(({ memberId, pick }) => ({
        memberId,
        topics: [...topics.keys()].filter((_, i) => pick[i]),
      })),
    };
  });

function specOf(group: Group, previous: Assignment = new Map()): AssignmentSpec {
  return {
    partitionCounts: new Map(
      [...group.topics].filter(([topicId]) => group.members.some((m) => m.topics.includes(topicId))),
    ),
    members: group.members.map(({ memberId, topics }) => ({
      memberId,
      subscribedTopicIds: new Set(topics),
      previous: previous.get(memberId) ?? NO_PARTITIONS,
    })),
  };
}

function assignmentIsValid(group: Group, assignment: Assignment): void {
  assert.deepEqual(new Set(assignment.keys()), new Set(group.members.map((m) => m.memberId)));
  for (const [topicId, count] of group.topics) {
    const subscribers = group.members.filter((m) => m.topics.includes(topicId));
    const owners = Array.from({ length: count }, () => [] as string[]);
    for (const [memberId, partitions] of assignment) {
      for (const partition of partitions.get(topicId) ?? []) {
        assert.ok(partition >= 0 && partition < count, `${topicId}-${partition} does not exist`);
        owners[partition].push(memberId);
      }
    }
    owners.forEach((holders, partition) => {
      const expected = subscribers.length === 0 ? 0 : 1;
      assert.equal(holders.length, expected, `${topicId}-${partition} held by [${holders}]`);
      for (const holder of holders) {
        assert.ok(
          subscribers.some((m) => m.memberId === holder),
          `${holder} does not subscribe to ${topicId}`,
        );
      }
    });
  }
}

function loads(assignment: Assignment): Map<string, number> {
  return new Map([...assignment].map(([memberId, partitions]) => [memberId, partitionCount(partitions)]));
}

function kept(before: TopicPartitions, after: TopicPartitions): number {
  let n = 0;
  for (const [topicId, partitions] of before) for (const p of partitions) if (after.get(topicId)?.has(p)) n++;
  return n;
}

/** The same group with its members listed in another order: the assignment must not depend on it. */
function reversed(group: Group): Group {
  return { ...group, members: [...group.members].reverse() };
}

function commonProperties(assignor: ConsumerGroupAssignor, groups: fc.Arbitrary<Group>) {
  it('assigns every subscribed partition exactly once, to a subscriber, whatever the member order', () => {
    fc.assert(
      fc.property(groups, (group) => {
        const assignment = assignor.assign(specOf(group));
        assignmentIsValid(group, assignment);
        assert.deepEqual(assignor.assign(specOf(reversed(group))), assignment);
      }),
    );
  });

  it('is stable: run again on its own output it changes nothing', () => {
    fc.assert(
      fc.property(groups, (group) => {
        const first = assignor.assign(specOf(group));
        assert.deepEqual(assignor.assign(specOf(group, first)), first);
      }),
    );
  });

  it('stays valid from any previous assignment, even one that overlaps or names missing partitions', () => {
    const garbage = fc.array(
      fc.record({
        topicId: fc.constantFrom(...topicIds, 'gone'),
        partition: fc.integer({ min: 0, max: 30 }),
      }),
    );
    fc.assert(
      fc.property(groups, fc.array(garbage, { minLength: 9, maxLength: 9 }), (group, previousLists) => {
        const previous: Assignment = new Map(
          group.members.map(({ memberId }, i) => {
            const map = new Map<string, Set<number>>();
            for (const { topicId, partition } of previousLists[i]) {
              if (!map.has(topicId)) map.set(topicId, new Set());
              map.get(topicId)!.add(partition);
            }
            return [memberId, map];
          }),
        );
        assignmentIsValid(group, assignor.assign(specOf(group, previous)));
      }),
    );
  });
}

describe('uniform assignor', () => {
  commonProperties(uniformAssignor, fc.oneof(homogeneousGroup, heterogeneousGroup));

  it('balances members with the same subscription to within one partition', () => {
    fc.assert(
      fc.property(homogeneousGroup, (group) => {
        const counts = [...loads(uniformAssignor.assign(specOf(group))).values()];
        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `loads ${counts}`);
      }),
    );
  });

  it('with different subscriptions, leaves no partition that could move to a subscriber holding two fewer', () => {
    fc.assert(
      fc.property(heterogeneousGroup, (group) => {
        const assignment = uniformAssignor.assign(specOf(group));
        const load = loads(assignment);
        for (const [holder, partitions] of assignment) {
          for (const topicId of partitions.keys()) {
            for (const other of group.members) {
              if (other.memberId === holder || !other.topics.includes(topicId)) continue;
              assert.ok(
                load.get(other.memberId)! >= load.get(holder)! - 1,
                `${topicId} could move from ${holder} (${load.get(holder)}) to ${other.memberId} (${load.get(other.memberId)})`,
              );
            }
          }
        }
      }),
    );
  });

  it('when a member leaves, the others keep everything they had', () => {
    fc.assert(
      fc.property(homogeneousGroup, fc.nat(), (group, pick) => {
        fc.pre(group.members.length > 1);
        const before = uniformAssignor.assign(specOf(group));
        const leaving = group.members[pick % group.members.length].memberId;
        const smaller = { ...group, members: group.members.filter((m) => m.memberId !== leaving) };
        const after = uniformAssignor.assign(specOf(smaller, before));
        assignmentIsValid(smaller, after);
        for (const { memberId } of smaller.members) {
          assert.equal(
            kept(before.get(memberId)!, after.get(memberId)!),
            partitionCount(before.get(memberId)!),
          );
        }
      }),
    );
  });

  it('when a member joins, the others give up only what exceeds their new share', () => {
    fc.assert(
      fc.property(homogeneousGroup, (group) => {
        const before = uniformAssignor.assign(specOf(group));
        const larger = {
          ...group,
          members: [...group.members, { memberId: 'joiner!', topics: [...group.topics.keys()] }],
        };
        const after = uniformAssignor.assign(specOf(larger, before));
        assignmentIsValid(larger, after);
        const total = [...group.topics.values()].reduce((a, b) => a + b, 0);
        const share = Math.floor(total / larger.members.length);
        for (const { memberId } of group.members) {
          const had = partitionCount(before.get(memberId)!);
          assert.ok(kept(before.get(memberId)!, after.get(memberId)!) >= Math.min(had, share), memberId);
        }
      }),
    );
  });
});

describe('range assignor', () => {
  commonProperties(rangeAssignor, fc.oneof(homogeneousGroup, heterogeneousGroup));

  it('splits each topic evenly over its subscribers', () => {
    fc.assert(
      fc.property(fc.oneof(homogeneousGroup, heterogeneousGroup), (group) => {
        const assignment = rangeAssignor.assign(specOf(group));
        for (const topicId of group.topics.keys()) {
          const counts = group.members
            .filter((m) => m.topics.includes(topicId))
            .map((m) => assignment.get(m.memberId)!.get(topicId)?.size ?? 0);
          if (counts.length > 0)
            assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `${topicId}: ${counts}`);
        }
      }),
    );
  });

  it('gives co-partitioned topics the same contiguous ranges, in member id order', () => {
    const assignment = rangeAssignor.assign(
      specOf({
        topics: new Map([
          ['tA', 7],
          ['tB', 7],
        ]),
        members: ['m2', 'm1', 'm3'].map((memberId) => ({ memberId, topics: ['tA', 'tB'] })),
      }),
    );
    const expected = { m1: [0, 1, 2], m2: [3, 4], m3: [5, 6] };
    for (const [memberId, partitions] of Object.entries(expected)) {
      for (const topicId of ['tA', 'tB']) {
        assert.deepEqual(
          [...assignment.get(memberId)!.get(topicId)!].sort((a, b) => a - b),
          partitions,
        );
      }
    }
  });

  it('when a member leaves or joins, the others keep their partitions up to their new share of each topic', () => {
    fc.assert(
      fc.property(
        fc.oneof(homogeneousGroup, heterogeneousGroup),
        fc.nat(),
        fc.boolean(),
        (group, pick, join) => {
          const before = rangeAssignor.assign(specOf(group));
          const leaving = group.members[pick % group.members.length].memberId;
          const next = join
            ? {
                ...group,
                members: [...group.members, { memberId: 'joiner!', topics: [...group.topics.keys()] }],
              }
            : { ...group, members: group.members.filter((m) => m.memberId !== leaving) };
          const after = rangeAssignor.assign(specOf(next, before));
          assignmentIsValid(next, after);
          for (const [topicId, count] of next.topics) {
            const subscribers = next.members.filter((m) => m.topics.includes(topicId));
            const share = Math.floor(count / subscribers.length);
            for (const { memberId } of subscribers) {
              const had = before.get(memberId)?.get(topicId) ?? new Set<number>();
              const still = [...had].filter((p) => after.get(memberId)!.get(topicId)?.has(p)).length;
              assert.ok(
                still >= Math.min(had.size, share),
                `${memberId} ${topicId}: kept ${still} of ${had.size}`,
              );
            }
          }
        },
      ),
    );
  });
});

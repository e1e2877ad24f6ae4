// The share group assignor's rules (KIP-932): every partition assigned, sizes differ by at most one,
// partitions shared when members outnumber them, current assignments kept where balance allows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TopicPartitions } from '../../../../src/broker/groups/consumer/topic-partitions.ts';
import {
  type AssignorMember,
  assignShareGroup,
} from '../../../../src/broker/groups/share/simple-assignor.ts';

const partitionCounts: Record<string, number> = { A: 4, B: 2, C: 1 };
const count = (topicId: string) => partitionCounts[topicId] ?? 0;
const member = (
  memberId: string,
  topics: string[],
  current: TopicPartitions = new Map(),
): AssignorMember => ({
  memberId,
  topicIds: new Set(topics),
  current,
});
const labels = (partitions: TopicPartitions | undefined) =>
  [...(partitions ?? new Map())].flatMap(([t, set]) => [...set].map((p) => `${t}${p}`)).sort();
/** How many members hold each partition. */
function holders(result: Map<string, TopicPartitions>): Map<string, number> {
  const out = new Map<string, number>();
  for (const partitions of result.values())
    for (const l of labels(partitions)) out.set(l, (out.get(l) ?? 0) + 1);
  return out;
}

describe('share group simple assignor', () => {
  it('spreads partitions evenly over members, each partition once', () => {
    const result = assignShareGroup([member('m1', ['A']), member('m2', ['A']), member('m3', ['A'])], count);
    const sizes = [...result.values()].map((p) => labels(p).length).sort();
    assert.deepEqual(sizes, [1, 1, 2]);
    assert.deepEqual([...holders(result).values()], [1, 1, 1, 1]);
  });

  it('shares partitions when there are more members than partitions', () => {
    const members = ['m1', 'm2', 'm3', 'm4', 'm5'].map((id) => member(id, ['B']));
    const result = assignShareGroup(members, count);
    for (const partitions of result.values()) assert.ok(labels(partitions).length >= 1);
    // ceil(5 / 2) = 3 members per partition.
    assert.deepEqual([...holders(result).values()].sort(), [3, 3]);
  });

  it('gives every member the single partition of a one-partition topic', () => {
    const result = assignShareGroup([member('m1', ['C']), member('m2', ['C'])], count);
    assert.deepEqual(labels(result.get('m1')), ['C0']);
    assert.deepEqual(labels(result.get('m2')), ['C0']);
  });

  it('keeps current assignments where balance allows', () => {
    const first = assignShareGroup([member('m1', ['A']), member('m2', ['A'])], count);
    const again = assignShareGroup(
      [member('m1', ['A'], first.get('m1')), member('m2', ['A'], first.get('m2'))],
      count,
    );
    assert.deepEqual(labels(again.get('m1')), labels(first.get('m1')));
    assert.deepEqual(labels(again.get('m2')), labels(first.get('m2')));
    const grown = assignShareGroup(
      [member('m1', ['A'], first.get('m1')), member('m2', ['A'], first.get('m2')), member('m3', ['A'])],
      count,
    );
    const kept = labels(grown.get('m1')).filter((l) => labels(first.get('m1')).includes(l));
    assert.ok(kept.length >= 1, 'm1 keeps part of what it had');
    assert.deepEqual([...holders(grown).values()], [1, 1, 1, 1]);
  });

  it('assigns each topic among the members subscribing to it when subscriptions differ', () => {
    const result = assignShareGroup([member('m1', ['A', 'C']), member('m2', ['A'])], count);
    assert.deepEqual(
      labels(result.get('m1')).filter((l) => l.startsWith('C')),
      ['C0'],
    );
    assert.ok(labels(result.get('m2')).every((l) => l.startsWith('A')));
    assert.equal(holders(result).get('C0'), 1);
    assert.equal([...holders(result).keys()].filter((l) => l.startsWith('A')).length, 4);
  });

  it('assigns nothing without subscribed partitions, and drops topics no longer subscribed', () => {
    const current: TopicPartitions = new Map([['B', new Set([0, 1])]]);
    const result = assignShareGroup([member('m1', ['X'], current)], count);
    assert.deepEqual(labels(result.get('m1')), []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { TopicPartitionList } from '../../../../src/broker/groups/consumer/topic-partitions.ts';
import { FakeCatalog, GroupHarness, ok } from './group-harness.ts';

// The safety and liveness of the consumer protocol under any interleaving: members behaving like real
// clients (they give up what leaves their assignment and take what joins it as soon as they are told)
// join, heartbeat in any order, leave, and topics grow, and never do two members own the same partition
// at once; once everyone keeps heartbeating, the group settles, Stable, with every partition owned once.

type Step =
  | { kind: 'heartbeat'; member: number }
  | { kind: 'join'; member: number; assignor: 'uniform' | 'range' }
  | { kind: 'leave'; member: number }
  | { kind: 'grow'; topic: number };

const MEMBERS = 5;
const TOPICS = ['alpha', 'beta'];

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), member: fc.nat(MEMBERS - 1) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('join' as const),
      member: fc.nat(MEMBERS - 1),
      assignor: fc.constantFrom('uniform' as const, 'range' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), member: fc.nat(MEMBERS - 1) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('grow' as const), topic: fc.nat(TOPICS.length - 1) }),
  },
);

interface Client {
  memberId: string;
  epoch: number;
  owned: Map<string, Set<number>>;
}

function toWire(owned: Map<string, Set<number>>): TopicPartitionList[] {
  return [...owned].map(([topicId, partitions]) => ({ topicId, partitions: [...partitions] }));
}

function run(steps: Step[], subscriptions: boolean[]) {
  const catalog = new FakeCatalog({ alpha: 3, beta: 2 });
  const h = new GroupHarness(catalog);
  const clients = new Map<number, Client>();
  let generation = 0;

  const adopt = (client: Client, assignment: TopicPartitionList[] | null) => {
    if (assignment) client.owned = new Map(assignment.map((t) => [t.topicId, new Set(t.partitions)]));
  };
  const noOverlap = () => {
    const holders = new Map<string, string>();
    for (const client of clients.values()) {
      for (const [topicId, partitions] of client.owned) {
        for (const p of partitions) {
          const key = `${topicId}:${p}`;
          assert.ok(!holders.has(key), `${key} owned by ${holders.get(key)} and ${client.memberId}`);
          holders.set(key, client.memberId);
        }
      }
    }
  };
  const beat = (index: number) => {
    const client = clients.get(index);
    if (!client) return;
    const answer = ok(
      h.send({ memberId: client.memberId, memberEpoch: client.epoch, topicPartitions: toWire(client.owned) }),
    );
    client.epoch = answer.memberEpoch;
    adopt(client, answer.assignment);
  };

  for (const s of steps) {
    if (s.kind === 'heartbeat') beat(s.member);
    else if (s.kind === 'join' && !clients.has(s.member)) {
      const client: Client = { memberId: `m${s.member}-${generation++}`, epoch: 0, owned: new Map() };
      // Mixed subscriptions: some members read only alpha.
      const topics = subscriptions[s.member] ? TOPICS : ['alpha'];
      const answer = ok(h.join(client.memberId, topics, { serverAssignor: s.assignor }));
      client.epoch = answer.memberEpoch;
      adopt(client, answer.assignment);
      clients.set(s.member, client);
    } else if (s.kind === 'leave' && clients.has(s.member)) {
      ok(h.send({ memberId: clients.get(s.member)!.memberId, memberEpoch: -1 }));
      clients.delete(s.member);
    } else if (s.kind === 'grow') {
      const topic = catalog.topic(TOPICS[s.topic])!;
      catalog.setPartitions(topic.name, Math.min(topic.partitions + 1, 8));
    }
    noOverlap();
  }

  // Liveness: a few rounds of heartbeats from everyone settle the group (the first one also makes it see
  // partitions added since the last heartbeat).
  for (let round = 0; round < 6; round++) {
    for (const index of clients.keys()) beat(index);
    noOverlap();
    if (h.group.state === 'Stable' || h.group.state === 'Empty') break;
  }
  if (clients.size === 0) return;
  assert.equal(h.group.state, 'Stable');
  const subscribedToBeta = [...clients.keys()].some((index) => subscriptions[index]);
  for (const name of TOPICS) {
    const topic = catalog.topic(name)!;
    const owners = Array.from({ length: topic.partitions }, () => 0);
    for (const client of clients.values()) for (const p of client.owned.get(topic.id) ?? []) owners[p]++;
    const expected = name === 'alpha' || subscribedToBeta ? 1 : 0;
    assert.deepEqual(
      owners,
      owners.map(() => expected),
      `${name} owners per partition`,
    );
  }
}

describe('consumer protocol safety', () => {
  it('never gives a partition to a member before its owner let go, and always settles', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: MEMBERS, maxLength: MEMBERS }),
        run,
      ),
      { numRuns: 300 },
    );
  });
});

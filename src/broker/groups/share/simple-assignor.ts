// Kafka's share group assignor ("simple", KIP-932), by its documented rules rather than its code:
// every partition of the subscribed topics is assigned; balance comes first (assignment sizes differ by at
// most one), stickiness second (members keep what they have where balance allows); when a group has more
// members than partitions, each partition is shared by ceil(members / partitions) of them. Members that
// all subscribe to the same topics share one pool of partitions; otherwise each topic is balanced among
// the members subscribing to it. Pure: members and topics in, target assignment out.
import type { TopicPartitions } from '../consumer/topic-partitions.ts';

export interface AssignorMember {
  memberId: string;
  /** Ids of the existing topics the member subscribes to. */
  topicIds: ReadonlySet<string>;
  /** Its current target, which the assignor keeps where it can. */
  current: TopicPartitions;
}

export const SIMPLE_ASSIGNOR = 'simple';

type PartitionKey = string;
const keyOf = (topicId: string, partition: number): PartitionKey => `${topicId}:${partition}`;

/** The target assignment of every member (members without partitions get an empty one). */
export function assignShareGroup(
  members: readonly AssignorMember[],
  partitionCount: (topicId: string) => number,
): Map<string, TopicPartitions> {
  const result = new Map<string, Map<string, Set<number>>>();
  for (const member of members) result.set(member.memberId, new Map());
  const sorted = [...members].sort((a, b) =>
    a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0,
  );
  const pools = homogeneous(sorted)
    ? [{ members: sorted, topicIds: [...(sorted[0]?.topicIds ?? [])].sort() }]
    : topicPools(sorted);
  for (const pool of pools) {
    const partitions: PartitionKey[] = [];
    for (const topicId of pool.topicIds) {
      for (let p = 0; p < partitionCount(topicId); p++) partitions.push(keyOf(topicId, p));
    }
    const assigned = balance(pool.members, partitions);
    for (const [memberId, keys] of assigned) {
      const target = result.get(memberId)!;
      for (const key of keys) {
        const at = key.lastIndexOf(':');
        const topicId = key.slice(0, at);
        let set = target.get(topicId);
        if (!set) {
          set = new Set();
          target.set(topicId, set);
        }
        set.add(Number(key.slice(at + 1)));
      }
    }
  }
  return result;
}

function homogeneous(members: readonly AssignorMember[]): boolean {
  const first = members[0]?.topicIds;
  return members.every((m) => m.topicIds.size === first!.size && [...m.topicIds].every((t) => first!.has(t)));
}

/** One pool per topic, of the members subscribing to it. */
function topicPools(members: readonly AssignorMember[]) {
  const topics = new Set<string>();
  for (const member of members) for (const topicId of member.topicIds) topics.add(topicId);
  return [...topics].sort().map((topicId) => ({
    members: members.filter((m) => m.topicIds.has(topicId)),
    topicIds: [topicId],
  }));
}

/**
 * Spreads the partitions over the members: each partition goes to `sharing` members, and member i
 * (in id order) gets its share of the sharing × partitions slots, keeping its current partitions first.
 */
function balance(members: readonly AssignorMember[], partitions: readonly PartitionKey[]) {
  const assigned = new Map<string, Set<PartitionKey>>(members.map((m) => [m.memberId, new Set()]));
  if (members.length === 0 || partitions.length === 0) return assigned;
  const sharing = Math.ceil(members.length / partitions.length);
  const slots = sharing * partitions.length;
  const desired = members.map(
    (_, i) => Math.ceil((slots * (i + 1)) / members.length) - Math.ceil((slots * i) / members.length),
  );
  const holders = new Map<PartitionKey, number>(partitions.map((key) => [key, 0]));

  // Stickiness: current partitions stay while the member and the partition have room.
  members.forEach((member, i) => {
    const mine = assigned.get(member.memberId)!;
    for (const [topicId, set] of member.current) {
      for (const partition of [...set].sort((a, b) => a - b)) {
        const key = keyOf(topicId, partition);
        const count = holders.get(key);
        if (count === undefined || count >= sharing || mine.size >= desired[i]) continue;
        mine.add(key);
        holders.set(key, count + 1);
      }
    }
  });

  // Balance: members short of their share take the least-held partitions they do not have yet.
  members.forEach((member, i) => {
    const mine = assigned.get(member.memberId)!;
    while (mine.size < desired[i]) {
      let best: PartitionKey | undefined;
      for (const key of partitions) {
        const count = holders.get(key)!;
        if (count >= sharing || mine.has(key)) continue;
        if (best === undefined || count < holders.get(best)!) best = key;
      }
      if (best === undefined) break;
      mine.add(best);
      holders.set(best, holders.get(best)! + 1);
    }
  });
  return assigned;
}

// The `uniform` assignor (Kafka's default server-side assignor): balance first, then stickiness.
// Every partition of a subscribed topic goes to exactly one member subscribed to it, the numbers of
// partitions per member differ as little as the subscriptions allow, and members keep as much of their
// previous target assignment as that balance permits.
//
// The same three steps serve groups whose members all subscribe to the same topics and groups whose
// subscriptions differ:
//   1. every member keeps the partitions of its previous assignment it still subscribes to;
//   2. the partitions nobody holds go, most constrained topic first, to the least loaded subscriber;
//   3. while a partition can move to a subscriber holding at least two fewer partitions than its holder,
//      one moves, always from the most loaded member that can give one, and preferably one it got in
//      step 2. Each move lowers the sum of squared loads, so this ends; when it does, no single move can
//      improve the balance. With identical subscriptions the loads then differ by at most one, and a
//      member only gives up partitions above its new share.
import { PartitionsBuilder, type TopicPartitions } from '../topic-partitions.ts';
import { type AssignmentSpec, type ConsumerGroupAssignor, membersInIdOrder } from './assignor.ts';

export const uniformAssignor: ConsumerGroupAssignor = {
  name: 'uniform',
  assign(spec: AssignmentSpec): Map<string, TopicPartitions> {
    const members = membersInIdOrder(spec);
    const holdings = members.map(() => new PartitionsBuilder());
    const loads = members.map(() => 0);
    /** Per topic, the index of the member holding each partition, or -1. */
    const owners = new Map<string, Int32Array>();
    for (const [topicId, count] of spec.partitionCounts) owners.set(topicId, new Int32Array(count).fill(-1));
    /** Per topic, the indexes of the members subscribed to it. */
    const subscribers = new Map<string, number[]>();
    members.forEach((member, index) => {
      for (const topicId of member.subscribedTopicIds) {
        if (!owners.has(topicId)) continue;
        let list = subscribers.get(topicId);
        if (!list) {
          list = [];
          subscribers.set(topicId, list);
        }
        list.push(index);
      }
    });

    const give = (member: number, topicId: string, partition: number) => {
      owners.get(topicId)![partition] = member;
      holdings[member].add(topicId, partition);
      loads[member]++;
    };
    const take = (member: number, topicId: string, partition: number) => {
      owners.get(topicId)![partition] = -1;
      holdings[member].delete(topicId, partition);
      loads[member]--;
    };
    const leastLoaded = (candidates: readonly number[], except: number): number => {
      let best = -1;
      for (const candidate of candidates) {
        if (candidate !== except && (best === -1 || loads[candidate] < loads[best])) best = candidate;
      }
      return best;
    };

    // 1. Stickiness: what each member had and still subscribes to (first claim wins on overlaps).
    members.forEach((member, index) => {
      for (const [topicId, partitions] of member.previous) {
        const topicOwners = owners.get(topicId);
        if (!topicOwners || !member.subscribedTopicIds.has(topicId)) continue;
        for (const partition of [...partitions].sort((a, b) => a - b)) {
          if (partition < topicOwners.length && topicOwners[partition] === -1)
            give(index, topicId, partition);
        }
      }
    });

    // 2. The rest, topics with the fewest subscribers first so that they are not crowded out.
    const topics = [...subscribers.keys()].sort(
      (a, b) => subscribers.get(a)!.length - subscribers.get(b)!.length || (a < b ? -1 : a > b ? 1 : 0),
    );
    for (const topicId of topics) {
      const topicOwners = owners.get(topicId)!;
      for (let partition = 0; partition < topicOwners.length; partition++) {
        if (topicOwners[partition] === -1)
          give(leastLoaded(subscribers.get(topicId)!, -1), topicId, partition);
      }
    }

    // 3. Balance: one partition at a time from the most loaded member that can give one to a subscriber
    //    holding two or more fewer (the least loaded such subscriber), so that nobody gives up more than
    //    the final balance needs.
    const bestMove = (holder: number) => {
      let best: { target: number; topicId: string } | undefined;
      for (const topicId of topics) {
        if (!holdings[holder].hasTopic(topicId)) continue;
        const target = leastLoaded(subscribers.get(topicId)!, holder);
        if (target === -1 || loads[target] + 1 >= loads[holder]) continue;
        if (!best || loads[target] < loads[best.target]) best = { target, topicId };
      }
      return best;
    };
    const movablePartition = (holder: number, topicId: string): number => {
      const topicOwners = owners.get(topicId)!;
      const previous = members[holder].previous.get(topicId);
      let highest = -1;
      for (let partition = topicOwners.length - 1; partition >= 0; partition--) {
        if (topicOwners[partition] !== holder) continue;
        if (!previous?.has(partition)) return partition;
        if (highest === -1) highest = partition;
      }
      return highest;
    };
    for (;;) {
      const byLoad = members.map((_, index) => index).sort((a, b) => loads[b] - loads[a] || a - b);
      let moved = false;
      for (const holder of byLoad) {
        const move = bestMove(holder);
        if (!move) continue;
        // A partition the holder got in step 2 moves first (it never consumed it), else its highest,
        // leaving it its low, contiguous ones.
        const partition = movablePartition(holder, move.topicId);
        take(holder, move.topicId, partition);
        give(move.target, move.topicId, partition);
        moved = true;
        break;
      }
      if (!moved) break;
    }

    return new Map(members.map((member, index) => [member.memberId, holdings[index].build()]));
  },
};

// The `range` assignor: each topic is split on its own into contiguous ranges over the members
// subscribed to it (in member id order), each getting ⌊partitions / members⌋ and the first
// `partitions % members` one more, so that co-partitioned topics give the same partition numbers to the
// same member. Like Kafka's server-side range assignor it is sticky: a member keeps its lowest previous
// partitions of a topic up to its share (one more if extra partitions remain), and only the partitions
// released that way are handed out again in ranges.
import { PartitionsBuilder, type TopicPartitions } from '../topic-partitions.ts';
import { type AssignmentSpec, type ConsumerGroupAssignor, membersInIdOrder } from './assignor.ts';

export const rangeAssignor: ConsumerGroupAssignor = {
  name: 'range',
  assign(spec: AssignmentSpec): Map<string, TopicPartitions> {
    const members = membersInIdOrder(spec);
    const result = new Map(members.map((member) => [member.memberId, new PartitionsBuilder()]));
    const topics = [...spec.partitionCounts.keys()].sort();
    for (const topicId of topics) {
      const subscribed = members.filter((member) => member.subscribedTopicIds.has(topicId));
      if (subscribed.length === 0) continue;
      const count = spec.partitionCounts.get(topicId)!;
      const share = Math.floor(count / subscribed.length);
      let extra = count % subscribed.length;
      const kept = new Set<number>();
      const toFill: { memberId: string; missing: number }[] = [];

      for (const member of subscribed) {
        const previous = [...(member.previous.get(topicId) ?? [])]
          .filter((partition) => partition < count && !kept.has(partition))
          .sort((a, b) => a - b);
        const keep = (partition: number) => {
          kept.add(partition);
          result.get(member.memberId)!.add(topicId, partition);
        };
        for (const partition of previous.slice(0, share)) keep(partition);
        const missing = share - previous.length;
        if (missing < 0 && extra > 0) {
          extra--;
          keep(previous[share]);
        } else {
          toFill.push({ memberId: member.memberId, missing });
        }
      }

      const free: number[] = [];
      for (let partition = 0; partition < count; partition++) if (!kept.has(partition)) free.push(partition);
      let next = 0;
      for (const { memberId, missing } of toFill) {
        let wanted = missing;
        if (extra > 0) {
          wanted++;
          extra--;
        }
        for (; wanted > 0; wanted--) result.get(memberId)!.add(topicId, free[next++]);
      }
    }
    return new Map([...result].map(([memberId, builder]) => [memberId, builder.build()]));
  },
};

// Computing a group's target assignment for a new group epoch: the group's assignor over its members and
// their subscribed topics, sticky to the previous target. Emits the records of the members whose target
// changed, then the new assignment epoch.
import type { AssignmentSpec } from './assignors/assignor.ts';
import { serverAssignor } from './assignors/registry.ts';
import type { ConsumerGroup } from './consumer-group.ts';
import type { ConsumerGroupRecord } from './records.ts';
import { groupTopics, subscribedTopicIds, type TopicCatalog } from './subscriptions.ts';
import { samePartitions } from './topic-partitions.ts';

export function targetAssignmentRecords(
  group: ConsumerGroup,
  catalog: TopicCatalog,
  assignors: readonly string[],
): ConsumerGroupRecord[] {
  const assignor = serverAssignor(group.assignorName(assignors))!;
  const members = [...group.members.values()];
  const spec: AssignmentSpec = {
    partitionCounts: new Map([...groupTopics(members, catalog).values()].map((t) => [t.id, t.partitions])),
    members: members.map((member) => ({
      memberId: member.memberId,
      subscribedTopicIds: subscribedTopicIds(member, catalog),
      previous: group.target(member.memberId),
    })),
  };
  const { groupId } = group;
  const records: ConsumerGroupRecord[] = [];
  for (const [memberId, partitions] of assignor.assign(spec)) {
    if (!samePartitions(partitions, group.target(memberId))) {
      records.push({ kind: 'target-member', groupId, memberId, value: partitions });
    }
  }
  records.push({ kind: 'target-epoch', groupId, value: { assignmentEpoch: group.groupEpoch } });
  return records;
}

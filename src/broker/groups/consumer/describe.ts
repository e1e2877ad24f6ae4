// ConsumerGroupDescribe's view of a group: epochs, state, the assignor in use and, per member, its
// subscription, current and target assignments with topic names (partitions of deleted topics left out,
// as Kafka does).
import type { ConsumerGroupDescribeResponse } from '../../../protocol/schema/messages.generated.ts';
import type { ConsumerGroup } from './consumer-group.ts';
import type { TopicCatalog } from './subscriptions.ts';
import { type TopicPartitions, toList } from './topic-partitions.ts';

export type DescribedGroup = NonNullable<ConsumerGroupDescribeResponse['groups']>[number];

/** The bitfield Kafka sends when authorized operations were not asked for. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

function withNames(partitions: TopicPartitions, catalog: TopicCatalog) {
  return {
    topicPartitions: toList(partitions).flatMap(({ topicId, partitions }) => {
      const topic = catalog.topicById(topicId);
      return topic ? [{ topicId, topicName: topic.name, partitions }] : [];
    }),
  };
}

export function describeConsumerGroup(
  group: ConsumerGroup,
  catalog: TopicCatalog,
  assignors: readonly string[],
  authorizedOperations: number,
): DescribedGroup {
  return {
    errorCode: 0,
    errorMessage: null,
    groupId: group.groupId,
    groupState: group.state,
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
    assignorName: group.assignorName(assignors),
    members: [...group.members.values()].map((member) => ({
      memberId: member.memberId,
      instanceId: member.instanceId,
      rackId: member.rackId,
      memberEpoch: member.memberEpoch,
      clientId: member.clientId,
      clientHost: member.clientHost,
      subscribedTopicNames: [...new Set(member.subscribedTopicNames)],
      // Kafka keeps "no regex" as an empty string, and shows it so.
      subscribedTopicRegex: member.subscribedTopicRegex ?? '',
      assignment: withNames(member.assignedPartitions, catalog),
      targetAssignment: withNames(group.target(member.memberId), catalog),
    })),
    authorizedOperations,
  };
}

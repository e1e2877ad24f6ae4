// ConsumerGroupDescribe's view of a group: epochs, state, the assignor in use and, per member, its
// subscription, current and target assignments with topic names (../group-description.ts).
import type { ConsumerGroupDescribeResponse } from '../../../protocol/schema/messages.generated.ts';
import { describedGroupHeader, namedTopicPartitions } from '../group-description.ts';
import type { ConsumerGroup } from './consumer-group.ts';
import type { TopicCatalog } from './subscriptions.ts';

export type DescribedGroup = NonNullable<ConsumerGroupDescribeResponse['groups']>[number];

export function describeConsumerGroup(
  group: ConsumerGroup,
  catalog: TopicCatalog,
  assignors: readonly string[],
  authorizedOperations: number,
): DescribedGroup {
  return {
    ...describedGroupHeader(group),
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
      assignment: namedTopicPartitions(member.assignedPartitions, catalog),
      targetAssignment: namedTopicPartitions(group.target(member.memberId), catalog),
    })),
    authorizedOperations,
  };
}

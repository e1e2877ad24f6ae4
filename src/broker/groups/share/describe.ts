// ShareGroupDescribe's view of a group: state, epochs, the assignor and, per member, its subscription and
// assignment with topic names (../group-description.ts).
import type { ShareGroupDescribeResponse } from '../../../protocol/schema/messages.generated.ts';
import type { TopicCatalog } from '../consumer/subscriptions.ts';
import { describedGroupHeader, namedTopicPartitions } from '../group-description.ts';
import type { ShareGroup } from './share-group.ts';
import { SIMPLE_ASSIGNOR } from './simple-assignor.ts';

export type DescribedShareGroup = NonNullable<ShareGroupDescribeResponse['groups']>[number];

export function describeShareGroup(
  group: ShareGroup,
  catalog: TopicCatalog,
  authorizedOperations: number,
): DescribedShareGroup {
  return {
    ...describedGroupHeader(group),
    assignorName: SIMPLE_ASSIGNOR,
    members: [...group.members.values()].map((member) => ({
      memberId: member.memberId,
      rackId: member.rackId,
      memberEpoch: member.memberEpoch,
      clientId: member.clientId,
      clientHost: member.clientHost,
      subscribedTopicNames: [...new Set(member.subscribedTopicNames)],
      assignment: namedTopicPartitions(member.assignedPartitions, catalog),
    })),
    authorizedOperations,
  };
}

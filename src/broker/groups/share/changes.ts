// How share group operations change a group: by emitting records that are applied to it at once and kept
// for persistence (../server-group-changes.ts, with the group epoch bump), plus a new target assignment by
// the simple assignor.
import type { TopicCatalog } from '../consumer/subscriptions.ts';
import { subscribedTopicIds } from '../consumer/subscriptions.ts';
import { samePartitions } from '../consumer/topic-partitions.ts';
import { ServerGroupChanges } from '../server-group-changes.ts';
import type { ShareMemberAssignment, ShareMemberSubscription } from './records.ts';
import type { ShareGroup } from './share-group.ts';
import { assignShareGroup } from './simple-assignor.ts';

export class ShareGroupChanges extends ServerGroupChanges<
  ShareMemberSubscription,
  ShareMemberAssignment,
  ShareGroup
> {
  /** A target assignment for the group epoch: records of the members whose target changed, then the epoch. */
  assignTargets(catalog: TopicCatalog): void {
    const { group } = this;
    const members = [...group.members.values()].map((member) => ({
      memberId: member.memberId,
      topicIds: subscribedTopicIds(member, catalog),
      current: group.target(member.memberId),
    }));
    const targets = assignShareGroup(members, (topicId) => catalog.topicById(topicId)?.partitions ?? 0);
    const { groupId } = group;
    for (const [memberId, partitions] of targets) {
      if (!samePartitions(partitions, group.target(memberId))) {
        this.emit({ kind: 'target-member', groupId, memberId, value: partitions });
      }
    }
    this.emit({ kind: 'target-epoch', groupId, value: { assignmentEpoch: group.groupEpoch } });
  }
}

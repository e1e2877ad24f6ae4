// The changes of a share group, as the records Kafka writes to __consumer_offsets for it (KIP-932).
// Every change goes through them: an operation emits records and the group applies them
// (ShareGroup.replay), the same way it does when they are read back at start-up. Kafka's record types:
// ShareGroupMemberMetadata (key type 10, member), ShareGroupMetadata (11, group-epoch),
// ShareGroupTargetAssignmentMetadata (12, target-epoch), ShareGroupTargetAssignmentMember (13,
// target-member) and ShareGroupCurrentMemberAssignment (14, current-assignment). Share groups have no
// revocation step, so a member's current assignment is just its epochs and partitions.
import type { TopicPartitions } from '../consumer/topic-partitions.ts';
import type { ServerGroupRecord } from '../server-group-records.ts';

/** What a member told the coordinator about itself (ShareGroupMemberMetadataValue). */
export interface ShareMemberSubscription {
  rackId: string | null;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: readonly string[];
}

/** Where a member stands (ShareGroupCurrentMemberAssignmentValue); share members are always STABLE. */
export interface ShareMemberAssignment {
  memberEpoch: number;
  previousMemberEpoch: number;
  assignedPartitions: TopicPartitions;
}

export type ShareGroupRecord = ServerGroupRecord<ShareMemberSubscription, ShareMemberAssignment>;

// The changes of a consumer group, as the records Kafka writes to __consumer_offsets for it. Every change
// goes through them: an operation emits records and the group applies them (ConsumerGroup.replay), the
// same way it does when they are read back at start-up. A null value is a tombstone.
import type { MemberAssignmentState, MemberSubscription } from './member.ts';
import type { TopicPartitions } from './topic-partitions.ts';

export type ConsumerGroupRecord =
  /** ConsumerGroupMetadata (key version 3): the group epoch and the hash of its topics' metadata. */
  | { kind: 'group-epoch'; groupId: string; value: { epoch: number; metadataHash: bigint } | null }
  /** ConsumerGroupMemberMetadata (5): a member's subscription; its tombstone removes the member. */
  | { kind: 'member'; groupId: string; memberId: string; value: MemberSubscription | null }
  /** ConsumerGroupTargetAssignmentMetadata (6): the epoch of the target assignment. */
  | { kind: 'target-epoch'; groupId: string; value: { assignmentEpoch: number } | null }
  /** ConsumerGroupTargetAssignmentMember (7): a member's target assignment. */
  | { kind: 'target-member'; groupId: string; memberId: string; value: TopicPartitions | null }
  /** ConsumerGroupCurrentMemberAssignment (8): where a member stands in its reconciliation. */
  | { kind: 'current-assignment'; groupId: string; memberId: string; value: MemberAssignmentState | null };

/** The records that remove a member (Kafka's order: current assignment, target, subscription). */
export function memberRemovalRecords(groupId: string, memberId: string): ConsumerGroupRecord[] {
  return [
    { kind: 'current-assignment', groupId, memberId, value: null },
    { kind: 'target-member', groupId, memberId, value: null },
    { kind: 'member', groupId, memberId, value: null },
  ];
}

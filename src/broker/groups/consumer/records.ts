// The changes of a consumer group, as the records Kafka writes to __consumer_offsets for it. Every change
// goes through them: an operation emits records and the group applies them (ConsumerGroup.replay), the
// same way it does when they are read back at start-up. Kafka's record types: ConsumerGroupMetadata (key
// type 3, group-epoch), ConsumerGroupMemberMetadata (5, member), ConsumerGroupTargetAssignmentMetadata (6,
// target-epoch), ConsumerGroupTargetAssignmentMember (7, target-member) and
// ConsumerGroupCurrentMemberAssignment (8, current-assignment: where a member stands in its
// reconciliation).
import type { ServerGroupRecord } from '../server-group-records.ts';
import type { MemberAssignmentState, MemberSubscription } from './member.ts';

export type ConsumerGroupRecord = ServerGroupRecord<MemberSubscription, MemberAssignmentState>;

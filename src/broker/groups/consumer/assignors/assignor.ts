// What a server-side assignor sees and returns. Assignors are pure functions of the group's members
// (their subscriptions and previous target assignment, for stickiness) and the partition counts of the
// subscribed topics; they return the next target assignment of every member.
import type { TopicPartitions } from '../topic-partitions.ts';

export interface AssignmentMemberSpec {
  memberId: string;
  /** Ids of the existing topics the member subscribes to (by name or through its regex). */
  subscribedTopicIds: ReadonlySet<string>;
  /** The member's current target assignment, which a sticky assignor keeps as far as it can. */
  previous: TopicPartitions;
}

export interface AssignmentSpec {
  members: readonly AssignmentMemberSpec[];
  /** Partition count of every topic some member subscribes to. */
  partitionCounts: ReadonlyMap<string, number>;
}

export interface ConsumerGroupAssignor {
  /** The name members ask for in ConsumerGroupHeartbeat's ServerAssignor (`group.remote.assignor`). */
  readonly name: string;
  /** The next target assignment: one entry per member of the spec, empty when it gets nothing. */
  assign(spec: AssignmentSpec): Map<string, TopicPartitions>;
}

/** Members in id order, so that equal inputs give equal assignments whatever order they came in. */
export function membersInIdOrder(spec: AssignmentSpec): AssignmentMemberSpec[] {
  return [...spec.members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

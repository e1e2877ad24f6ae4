// A member of a consumer group as the coordinator keeps it: what it subscribed to (its
// ConsumerGroupMemberMetadata record) and where it stands in its reconciliation (its
// ConsumerGroupCurrentMemberAssignment record).
import { NO_PARTITIONS, type TopicPartitions } from './topic-partitions.ts';

/** Kafka's MemberState, with the byte values its records use. */
export const MEMBER_STATES = {
  /** Reconciled with the target assignment of its epoch. */
  STABLE: 0,
  /** Must revoke partitions before it can move to the next epoch. */
  UNREVOKED_PARTITIONS: 1,
  /** In the latest epoch, waiting for partitions other members have not released yet. */
  UNRELEASED_PARTITIONS: 2,
} as const;

export type MemberState = keyof typeof MEMBER_STATES;

export function memberStateFromValue(value: number): MemberState {
  const entry = Object.entries(MEMBER_STATES).find(([, v]) => v === value);
  // Kafka's coordinator treats a state it does not know as UNKNOWN and fences the member; a state we did
  // not write is impossible short of a foreign record, and STABLE makes the member reconcile again.
  return (entry?.[0] as MemberState | undefined) ?? 'STABLE';
}

/** Epoch of a member that left (memberEpoch -1 in a heartbeat). */
export const LEAVE_GROUP_MEMBER_EPOCH = -1;
/** Epoch of a static member that left for a while and keeps its partitions (memberEpoch -2). */
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

/** What ConsumerGroupMemberMetadata holds. */
export interface MemberSubscription {
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  /** In the order the member sent them; compared as a set. */
  subscribedTopicNames: readonly string[];
  subscribedTopicRegex: string | null;
  rebalanceTimeoutMs: number;
  serverAssignor: string | null;
}

/** What ConsumerGroupCurrentMemberAssignment holds. */
export interface MemberAssignmentState {
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberState;
  assignedPartitions: TopicPartitions;
  partitionsPendingRevocation: TopicPartitions;
}

export interface ConsumerGroupMember extends MemberSubscription, MemberAssignmentState {
  memberId: string;
}

const EMPTY_SUBSCRIPTION: MemberSubscription = {
  instanceId: null,
  rackId: null,
  clientId: '',
  clientHost: '',
  subscribedTopicNames: [],
  subscribedTopicRegex: null,
  rebalanceTimeoutMs: -1,
  serverAssignor: null,
};

export const INITIAL_ASSIGNMENT_STATE: MemberAssignmentState = {
  memberEpoch: 0,
  previousMemberEpoch: 0,
  state: 'STABLE',
  assignedPartitions: NO_PARTITIONS,
  partitionsPendingRevocation: NO_PARTITIONS,
};

export function newMember(memberId: string): ConsumerGroupMember {
  return { memberId, ...EMPTY_SUBSCRIPTION, ...INITIAL_ASSIGNMENT_STATE };
}

export function subscriptionOf(member: ConsumerGroupMember): MemberSubscription {
  const { instanceId, rackId, clientId, clientHost, subscribedTopicNames } = member;
  const { subscribedTopicRegex, rebalanceTimeoutMs, serverAssignor } = member;
  return {
    instanceId,
    rackId,
    clientId,
    clientHost,
    subscribedTopicNames,
    subscribedTopicRegex,
    rebalanceTimeoutMs,
    serverAssignor,
  };
}

export function assignmentStateOf(member: MemberAssignmentState): MemberAssignmentState {
  const { memberEpoch, previousMemberEpoch, state, assignedPartitions, partitionsPendingRevocation } = member;
  return { memberEpoch, previousMemberEpoch, state, assignedPartitions, partitionsPendingRevocation };
}

export function sameTopicNames(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  const other = new Set(b);
  return set.size === other.size && [...set].every((name) => other.has(name));
}

export function sameSubscription(a: MemberSubscription, b: MemberSubscription): boolean {
  return (
    a.instanceId === b.instanceId &&
    a.rackId === b.rackId &&
    a.clientId === b.clientId &&
    a.clientHost === b.clientHost &&
    sameTopicNames(a.subscribedTopicNames, b.subscribedTopicNames) &&
    a.subscribedTopicRegex === b.subscribedTopicRegex &&
    a.rebalanceTimeoutMs === b.rebalanceTimeoutMs &&
    a.serverAssignor === b.serverAssignor
  );
}

/** Whether the member is in the target epoch with nothing left to revoke or to receive. */
export function isReconciledTo(member: MemberAssignmentState, targetEpoch: number): boolean {
  return member.state === 'STABLE' && member.memberEpoch === targetEpoch;
}

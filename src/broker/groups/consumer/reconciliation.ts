// How a member moves towards its target assignment (Kafka's CurrentAssignmentBuilder). The rule that
// makes the consumer protocol safe: a partition is given to a member only once its previous owner has
// released it. A member that must give partitions up stays in its epoch, in UNREVOKED_PARTITIONS, until a
// heartbeat shows it no longer owns them; then it moves to the target epoch, in UNRELEASED_PARTITIONS while
// some of its new partitions are still held by others, else STABLE. Pure: the caller supplies the target,
// what the member reported owning, and who holds each partition.
import { isReconciledTo, type MemberAssignmentState } from './member.ts';
import {
  intersects,
  NO_PARTITIONS,
  PartitionsBuilder,
  samePartitions,
  type TopicPartitions,
} from './topic-partitions.ts';

export interface ReconciliationInput {
  targetEpoch: number;
  /** The member's target assignment. */
  target: TopicPartitions;
  /** Ids of the existing topics the member subscribes to, by name or through its regex. */
  subscribedTopicIds: ReadonlySet<string>;
  /** The member changed its subscription in this heartbeat: drop unsubscribed topics at once. */
  subscriptionChanged: boolean;
  /** The partitions the heartbeat says the member owns; null when it did not say. */
  owned: TopicPartitions | null;
  /** The epoch of the member holding a partition (assigned or pending revocation), -1 when free. */
  partitionEpoch(topicId: string, partition: number): number;
}

/** The member's next assignment state, or the same object when nothing changes. */
export function reconcile(member: MemberAssignmentState, input: ReconciliationInput): MemberAssignmentState {
  if (!input.subscriptionChanged && isReconciledTo(member, input.targetEpoch)) return member;
  switch (member.state) {
    case 'STABLE':
      if (member.memberEpoch !== input.targetEpoch) return nextAssignment(member, input);
      return input.subscriptionChanged ? dropUnsubscribed(member, input) : member;
    case 'UNREVOKED_PARTITIONS':
      if (stillOwnsAny(member.partitionsPendingRevocation, input.owned)) {
        return input.subscriptionChanged ? dropUnsubscribed(member, input) : member;
      }
      return nextAssignment(member, input);
    case 'UNRELEASED_PARTITIONS':
      return nextAssignment(member, input);
  }
}

export function sameAssignmentState(a: MemberAssignmentState, b: MemberAssignmentState): boolean {
  return (
    a.memberEpoch === b.memberEpoch &&
    a.previousMemberEpoch === b.previousMemberEpoch &&
    a.state === b.state &&
    samePartitions(a.assignedPartitions, b.assignedPartitions) &&
    samePartitions(a.partitionsPendingRevocation, b.partitionsPendingRevocation)
  );
}

/** A member that did not say what it owns is assumed to still own everything. */
function stillOwnsAny(revoked: TopicPartitions, owned: TopicPartitions | null): boolean {
  return owned === null ? revoked.size > 0 : intersects(owned, revoked);
}

function moveTo(
  member: MemberAssignmentState,
  epoch: number,
  state: MemberAssignmentState['state'],
  assignedPartitions: TopicPartitions,
  partitionsPendingRevocation: TopicPartitions,
): MemberAssignmentState {
  // As Kafka does, the previous epoch becomes the current one even when the epoch stays: a member kept in
  // its epoch to revoke is not forgiven a heartbeat from the epoch before.
  return {
    memberEpoch: epoch,
    previousMemberEpoch: member.memberEpoch,
    state,
    assignedPartitions,
    partitionsPendingRevocation,
  };
}

/**
 * Without running the whole reconciliation: revoke the topics the member no longer subscribes to. Used when
 * the subscription changed while the member is already in the target epoch or still revoking.
 */
function dropUnsubscribed(member: MemberAssignmentState, input: ReconciliationInput): MemberAssignmentState {
  const { assignedPartitions, partitionsPendingRevocation } = member;
  const dropped = [...assignedPartitions.keys()].filter((topicId) => !input.subscribedTopicIds.has(topicId));
  if (dropped.length === 0) return member;
  const assigned = new PartitionsBuilder(assignedPartitions);
  const pending = new PartitionsBuilder(partitionsPendingRevocation);
  for (const topicId of dropped) {
    assigned.deleteTopic(topicId);
    for (const partition of assignedPartitions.get(topicId)!) pending.add(topicId, partition);
  }
  const revoking = pending.build();
  if (revoking.size > 0 && stillOwnsAny(revoking, input.owned)) {
    return moveTo(member, member.memberEpoch, 'UNREVOKED_PARTITIONS', assigned.build(), revoking);
  }
  // Already released: the member keeps its state with the smaller assignment.
  return moveTo(member, member.memberEpoch, member.state, assigned.build(), partitionsPendingRevocation);
}

function nextAssignment(member: MemberAssignmentState, input: ReconciliationInput): MemberAssignmentState {
  const { target, subscribedTopicIds } = input;
  const assigned = new PartitionsBuilder();
  const revoking = new PartitionsBuilder();
  const adding = new PartitionsBuilder();
  let waitsForOthers = false;

  for (const topicId of new Set([...target.keys(), ...member.assignedPartitions.keys()])) {
    // A topic the member no longer subscribes to is revoked even if the target still lists it.
    const wanted = subscribedTopicIds.has(topicId)
      ? (target.get(topicId) ?? new Set<number>())
      : new Set<number>();
    const current = member.assignedPartitions.get(topicId) ?? new Set<number>();
    for (const partition of current) {
      if (wanted.has(partition)) assigned.add(topicId, partition);
      else revoking.add(topicId, partition);
    }
    const ownRevoking = member.partitionsPendingRevocation.get(topicId);
    for (const partition of wanted) {
      if (current.has(partition)) continue;
      // Free, or held by this very member as pending revocation (only one member holds a partition).
      if (input.partitionEpoch(topicId, partition) === -1 || ownRevoking?.has(partition)) {
        adding.add(topicId, partition);
      } else {
        waitsForOthers = true;
      }
    }
  }

  const toRevoke = revoking.build();
  if (toRevoke.size > 0 && stillOwnsAny(toRevoke, input.owned)) {
    // Revocation first: the member stays in its epoch and gets nothing new until it has let go.
    return moveTo(member, member.memberEpoch, 'UNREVOKED_PARTITIONS', assigned.build(), toRevoke);
  }
  const toAdd = adding.build();
  for (const [topicId, partitions] of toAdd)
    for (const partition of partitions) assigned.add(topicId, partition);
  const state = waitsForOthers ? 'UNRELEASED_PARTITIONS' : 'STABLE';
  return moveTo(member, input.targetEpoch, state, assigned.build(), NO_PARTITIONS);
}

// A ConsumerGroupHeartbeat that joins or stays in a group (member epoch ≥ 0), as Kafka's coordinator
// handles it: (1) the member is created or updated, and the group epoch bumped when its subscription or
// the subscribed topics changed; (2) a new target assignment is computed when the group epoch is ahead
// of it; (3) the member is reconciled one step towards its target. Every check that can refuse the
// request comes before the first change.
import { groupMetadataHash } from '../server-group-changes.ts';
import { memberRemovalRecords } from '../server-group-records.ts';
import { fencedInstance } from './fencing.ts';
import type { GroupChanges, OperationContext } from './group-changes.ts';
import { type GroupError, groupError } from './group-error.ts';
import type { HeartbeatRequest } from './heartbeat-request.ts';
import {
  assignmentStateOf,
  type ConsumerGroupMember,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  newMember,
  sameSubscription,
  sameTopicNames,
  subscriptionOf,
} from './member.ts';
import { reconcile, sameAssignmentState } from './reconciliation.ts';
import { subscribedTopicIds } from './subscriptions.ts';
import { targetAssignmentRecords } from './target-assignment.ts';
import {
  fromList,
  isSubsetOf,
  samePartitions,
  type TopicPartitionList,
  type TopicPartitions,
  toList,
} from './topic-partitions.ts';

export interface HeartbeatContext extends OperationContext {
  clientId: string;
  clientHost: string;
  /** Mints a member id for a version 0 member joining without one. */
  newMemberId(): string;
}

export interface HeartbeatResponse {
  memberId: string;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  /** The member's assigned partitions, when it needs them (see `assignmentIsDue`). */
  assignment: TopicPartitionList[] | null;
}

export function heartbeat(
  changes: GroupChanges,
  request: HeartbeatRequest,
  ctx: HeartbeatContext,
): HeartbeatResponse | GroupError {
  const { group } = changes;
  const owned = request.topicPartitions === null ? null : fromList(request.topicPartitions);

  if (group.members.size >= ctx.config.maxSize && !group.members.has(request.memberId)) {
    return groupError(
      'GROUP_MAX_SIZE_REACHED',
      `The consumer group has reached its maximum capacity of ${ctx.config.maxSize} members.`,
    );
  }
  const memberId = request.memberId || ctx.newMemberId();
  const found = memberFor(changes, { ...request, memberId }, owned);
  if ('error' in found) return found;
  const member = found;

  // 1. The member as this heartbeat describes it.
  const updated: ConsumerGroupMember = {
    ...member,
    instanceId: request.instanceId ?? member.instanceId,
    rackId: request.rackId ?? member.rackId,
    rebalanceTimeoutMs:
      request.rebalanceTimeoutMs !== -1 ? request.rebalanceTimeoutMs : member.rebalanceTimeoutMs,
    serverAssignor: request.serverAssignor ?? member.serverAssignor,
    subscribedTopicNames: request.subscribedTopicNames ?? member.subscribedTopicNames,
    subscribedTopicRegex: request.subscribedTopicRegex ?? member.subscribedTopicRegex,
    clientId: ctx.clientId,
    clientHost: ctx.clientHost,
  };
  if (!group.members.has(memberId) || !sameSubscription(subscriptionOf(updated), subscriptionOf(member))) {
    changes.emit({ kind: 'member', groupId: group.groupId, memberId, value: subscriptionOf(updated) });
  }
  const namesChanged = !sameTopicNames(updated.subscribedTopicNames, member.subscribedTopicNames);
  const regexChanged = (updated.subscribedTopicRegex ?? '') !== (member.subscribedTopicRegex ?? '');
  const subscriptionChanged = namesChanged || regexChanged;

  // A new subscription, or new metadata of the subscribed topics (for a new group: any): assign again.
  if (subscriptionChanged || groupMetadataHash(group, ctx.catalog) !== group.metadataHash) {
    changes.bumpGroupEpoch(ctx.catalog);
  }

  // 2. A target assignment for the new group epoch.
  if (group.groupEpoch > group.assignmentEpoch) {
    changes.emit(...targetAssignmentRecords(group, ctx.catalog, ctx.config.assignors));
  }

  // 3. One reconciliation step.
  const current = group.members.get(memberId)!;
  const next = reconcile(current, {
    targetEpoch: group.assignmentEpoch,
    target: group.target(memberId),
    subscribedTopicIds: subscribedTopicIds(current, ctx.catalog),
    subscriptionChanged,
    owned,
    partitionEpoch: (topicId, partition) => group.partitionEpoch(topicId, partition),
  });
  if (!sameAssignmentState(next, current)) {
    changes.emit({
      kind: 'current-assignment',
      groupId: group.groupId,
      memberId,
      value: assignmentStateOf(next),
    });
    if (next.state === 'UNREVOKED_PARTITIONS') {
      group.rebalanceDeadlines.set(memberId, {
        epoch: next.memberEpoch,
        at: ctx.now + current.rebalanceTimeoutMs,
      });
    } else {
      group.rebalanceDeadlines.delete(memberId);
    }
  }
  group.sessionDeadlines.set(memberId, ctx.now + ctx.config.sessionTimeoutMs);

  const assigned = group.members.get(memberId)!.assignedPartitions;
  return {
    memberId,
    memberEpoch: group.members.get(memberId)!.memberEpoch,
    heartbeatIntervalMs: ctx.config.heartbeatIntervalMs,
    assignment: assignmentIsDue(request, member.assignedPartitions, assigned) ? toList(assigned) : null,
  };
}

/**
 * The assignment goes back when the member joins (epoch 0), sent a full request (as after an error: all of
 * rebalance timeout, subscription and owned partitions), or when its assigned partitions changed.
 */
function assignmentIsDue(
  request: HeartbeatRequest,
  before: TopicPartitions,
  after: TopicPartitions,
): boolean {
  const full =
    request.rebalanceTimeoutMs !== -1 &&
    (request.subscribedTopicNames !== null || request.subscribedTopicRegex !== null) &&
    request.topicPartitions !== null;
  return request.memberEpoch === 0 || full || !samePartitions(before, after);
}

/**
 * The member the heartbeat is for, created when it joins; a static member rejoining under a new member id
 * replaces its previous incarnation (which must have left with epoch -2) and inherits its assignment.
 */
function memberFor(
  changes: GroupChanges,
  request: HeartbeatRequest,
  owned: TopicPartitions | null,
): ConsumerGroupMember | GroupError {
  const { group } = changes;
  const { memberId, memberEpoch, instanceId } = request;
  const joining = memberEpoch === 0;
  if (instanceId === null) {
    const member = group.members.get(memberId);
    if (!member && !joining) return group.unknownMember(memberId);
    return checkEpoch(member ?? newMember(memberId), memberEpoch, owned);
  }
  const previousId = group.staticMemberId(instanceId);
  const previous = previousId === undefined ? undefined : group.members.get(previousId)!;
  if (!joining) {
    if (!previous) return groupError('UNKNOWN_MEMBER_ID', `Instance id ${instanceId} is unknown.`);
    if (previous.memberId !== memberId) return fencedInstance(memberId, instanceId, previous.memberId);
    return checkEpoch(previous, memberEpoch, owned);
  }
  if (!previous) return group.members.get(memberId) ?? newMember(memberId);
  if (previous.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    return groupError(
      'UNRELEASED_INSTANCE_ID',
      `Static member ${memberId} with instance id ${instanceId} cannot join the group because the instance id is owned by ${previous.memberId} member.`,
    );
  }
  const replacement: ConsumerGroupMember = { ...previous, memberId, memberEpoch: 0, previousMemberEpoch: 0 };
  const { groupId } = group;
  const target = group.target(previous.memberId);
  changes.emit(
    ...memberRemovalRecords(groupId, previous.memberId),
    { kind: 'member', groupId, memberId, value: subscriptionOf(replacement) },
    { kind: 'target-member', groupId, memberId, value: target },
    { kind: 'current-assignment', groupId, memberId, value: assignmentStateOf(replacement) },
  );
  return group.members.get(memberId)!;
}

/** Kafka's member epoch check: a lost response is forgiven (previous epoch, owning a subset), else fenced. */
function checkEpoch(
  member: ConsumerGroupMember,
  received: number,
  owned: TopicPartitions | null,
): ConsumerGroupMember | GroupError {
  const fenced = (relation: string) =>
    groupError(
      'FENCED_MEMBER_EPOCH',
      `The consumer group member has a ${relation} member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
    );
  if (received > member.memberEpoch) return fenced('greater');
  if (received < member.memberEpoch) {
    const forgiven =
      received === member.previousMemberEpoch &&
      owned !== null &&
      isSubsetOf(owned, member.assignedPartitions);
    if (!forgiven) return fenced('smaller');
  }
  return member;
}

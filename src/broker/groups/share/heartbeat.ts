// A ShareGroupHeartbeat as Kafka's group coordinator handles it (KIP-932), on a group the coordinator
// found or made: leaving (epoch -1) removes the member and bumps the group epoch; joining (epoch 0) or
// heartbeating (1) updates the member, bumping the group epoch when its subscription or the subscribed
// topics changed, (2) computes a target assignment when the group epoch is ahead of it, and (3) moves the
// member to the target at once (share members never revoke). Every check that can refuse the request
// comes before the first change.

import { type GroupError, groupError } from '../consumer/group-error.ts';
import type { TopicCatalog } from '../consumer/subscriptions.ts';
import { subscribedTopicIds } from '../consumer/subscriptions.ts';
import {
  samePartitions,
  type TopicPartitionList,
  type TopicPartitions,
  toList,
} from '../consumer/topic-partitions.ts';
import { groupMetadataHash } from '../server-group-changes.ts';
import { memberRemovalRecords } from '../server-group-records.ts';
import type { ShareGroupChanges } from './changes.ts';
import { newShareMember, type ShareGroupMember, subscriptionOf } from './share-group.ts';

/** The member epoch a member leaves with, and the one the coordinator answers a leave with. */
export const LEAVE_GROUP_MEMBER_EPOCH = -1;

export interface ShareHeartbeatRequest {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  rackId: string | null;
  subscribedTopicNames: string[] | null;
}

export interface ShareHeartbeatContext {
  now: number;
  catalog: TopicCatalog;
  clientId: string;
  clientHost: string;
  /** group.share.max.size. */
  maxSize: number;
  /** The group's share.session.timeout.ms and share.heartbeat.interval.ms. */
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
}

export interface ShareHeartbeatResponse {
  memberId: string;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  /** The member's assigned partitions, when it needs them. */
  assignment: TopicPartitionList[] | null;
}

/** Kafka's request checks (GroupCoordinatorService), in its order and words; undefined when valid. */
export function invalidShareHeartbeat(request: ShareHeartbeatRequest): GroupError | undefined {
  const blank = (value: string | null) => value !== null && value.trim() === '';
  const invalid = (message: string) => groupError('INVALID_REQUEST', message);
  if (blank(request.memberId)) return invalid("MemberId can't be empty.");
  if (blank(request.groupId)) return invalid("GroupId can't be empty.");
  if (blank(request.rackId)) return invalid("RackId can't be empty.");
  if (request.memberEpoch === 0) {
    if (!request.subscribedTopicNames || request.subscribedTopicNames.length === 0) {
      return invalid('SubscribedTopicNames must be set in first request.');
    }
  } else if (request.memberEpoch < LEAVE_GROUP_MEMBER_EPOCH) {
    return invalid('MemberEpoch is invalid.');
  }
  return undefined;
}

/** Removes a member (it left, or its session expired) and bumps the group epoch so the others rebalance. */
export function removeShareMember(changes: ShareGroupChanges, memberId: string, catalog: TopicCatalog): void {
  changes.emit(...memberRemovalRecords(changes.group.groupId, memberId));
  changes.bumpGroupEpoch(catalog);
}

export function leaveShareGroup(
  changes: ShareGroupChanges,
  request: ShareHeartbeatRequest,
  catalog: TopicCatalog,
): ShareHeartbeatResponse | GroupError {
  const { group } = changes;
  if (!group.members.has(request.memberId)) return group.unknownMember(request.memberId);
  removeShareMember(changes, request.memberId, catalog);
  return {
    memberId: request.memberId,
    memberEpoch: LEAVE_GROUP_MEMBER_EPOCH,
    heartbeatIntervalMs: 0,
    assignment: null,
  };
}

export function shareHeartbeat(
  changes: ShareGroupChanges,
  request: ShareHeartbeatRequest,
  ctx: ShareHeartbeatContext,
): ShareHeartbeatResponse | GroupError {
  const { group } = changes;
  const { memberId, memberEpoch } = request;
  const existing = group.members.get(memberId);
  if (group.members.size >= ctx.maxSize && !existing) {
    return groupError(
      'GROUP_MAX_SIZE_REACHED',
      `The share group has reached its maximum capacity of ${ctx.maxSize} members.`,
    );
  }
  if (!existing && memberEpoch !== 0) return group.unknownMember(memberId);
  const member = existing ?? newShareMember(memberId);
  const fenced = checkEpoch(member, memberEpoch);
  if (fenced) return fenced;

  // 1. The member as this heartbeat describes it.
  const updated: ShareGroupMember = {
    ...member,
    rackId: request.rackId ?? member.rackId,
    subscribedTopicNames: request.subscribedTopicNames ?? member.subscribedTopicNames,
    clientId: ctx.clientId,
    clientHost: ctx.clientHost,
  };
  const subscriptionChanged = !sameNames(updated.subscribedTopicNames, member.subscribedTopicNames);
  if (!existing || subscriptionChanged || !sameSubscription(updated, member)) {
    changes.emit({ kind: 'member', groupId: group.groupId, memberId, value: subscriptionOf(updated) });
  }
  if (subscriptionChanged || groupMetadataHash(group, ctx.catalog) !== group.metadataHash) {
    changes.bumpGroupEpoch(ctx.catalog);
  }

  // 2. A target assignment for the new group epoch.
  if (group.groupEpoch > group.assignmentEpoch) changes.assignTargets(ctx.catalog);

  // 3. The member moves to its target.
  const current = group.members.get(memberId)!;
  const assigned =
    current.memberEpoch !== group.assignmentEpoch || subscriptionChanged
      ? onlySubscribed(group.target(memberId), current, ctx.catalog)
      : current.assignedPartitions;
  if (
    current.memberEpoch !== group.assignmentEpoch ||
    !samePartitions(assigned, current.assignedPartitions)
  ) {
    const epochChanges = current.memberEpoch !== group.assignmentEpoch;
    changes.emit({
      kind: 'current-assignment',
      groupId: group.groupId,
      memberId,
      value: {
        memberEpoch: group.assignmentEpoch,
        previousMemberEpoch: epochChanges ? current.memberEpoch : current.previousMemberEpoch,
        assignedPartitions: assigned,
      },
    });
  }
  group.sessionDeadlines.set(memberId, ctx.now + ctx.sessionTimeoutMs);

  const after = group.members.get(memberId)!;
  const due =
    memberEpoch === 0 ||
    request.subscribedTopicNames !== null ||
    !samePartitions(member.assignedPartitions, after.assignedPartitions);
  return {
    memberId,
    memberEpoch: after.memberEpoch,
    heartbeatIntervalMs: ctx.heartbeatIntervalMs,
    assignment: due ? toList(after.assignedPartitions) : null,
  };
}

/** Kafka's share member epoch check: 0 rejoins; the previous epoch is forgiven (a lost response). */
function checkEpoch(member: ShareGroupMember, received: number): GroupError | undefined {
  if (received === 0 || received === member.memberEpoch) return undefined;
  if (received > member.memberEpoch) {
    return groupError(
      'FENCED_MEMBER_EPOCH',
      `The share group member has a greater member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
    );
  }
  if (received === member.previousMemberEpoch) return undefined;
  return groupError(
    'FENCED_MEMBER_EPOCH',
    `The share group member has a smaller member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}), and it does not match the previous member epoch (${member.previousMemberEpoch}). The member must abandon all its partitions and rejoin.`,
  );
}

/** The target without topics the member no longer subscribes to. */
function onlySubscribed(
  target: TopicPartitions,
  member: ShareGroupMember,
  catalog: TopicCatalog,
): TopicPartitions {
  const subscribed = subscribedTopicIds(member, catalog);
  return new Map([...target].filter(([topicId]) => subscribed.has(topicId)));
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((name) => set.has(name));
}

function sameSubscription(a: ShareGroupMember, b: ShareGroupMember): boolean {
  return a.rackId === b.rackId && a.clientId === b.clientId && a.clientHost === b.clientHost;
}

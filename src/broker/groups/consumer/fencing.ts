// Members leaving a consumer group: on request (ConsumerGroupHeartbeat with epoch -1, or -2 for a static
// member that will be back), or fenced by the coordinator when their session or rebalance timeout passes.
// A removed member's partitions become free at once; the group epoch is bumped so the next heartbeat of
// any member computes a new target assignment.
import { memberRemovalRecords } from '../server-group-records.ts';
import type { GroupChanges, OperationContext } from './group-changes.ts';
import { type GroupError, groupError } from './group-error.ts';
import type { HeartbeatRequest } from './heartbeat-request.ts';
import { LEAVE_GROUP_STATIC_MEMBER_EPOCH } from './member.ts';
import { NO_PARTITIONS } from './topic-partitions.ts';

export interface LeaveResponse {
  memberId: string;
  memberEpoch: number;
}

function fenceMember(changes: GroupChanges, memberId: string, ctx: OperationContext): void {
  changes.emit(...memberRemovalRecords(changes.group.groupId, memberId));
  changes.bumpGroupEpoch(ctx.catalog);
}

/** ConsumerGroupHeartbeat with MemberEpoch -1 or -2. */
export function leaveGroup(
  changes: GroupChanges,
  request: HeartbeatRequest,
  ctx: OperationContext,
): LeaveResponse | GroupError {
  const { group } = changes;
  const { memberId, instanceId, memberEpoch } = request;
  if (instanceId === null) {
    if (!group.members.has(memberId)) return group.unknownMember(memberId);
    fenceMember(changes, memberId, ctx);
    return { memberId, memberEpoch };
  }
  const existingId = group.staticMemberId(instanceId);
  if (existingId === undefined)
    return groupError('UNKNOWN_MEMBER_ID', `Instance id ${instanceId} is unknown.`);
  if (existingId !== memberId) return fencedInstance(memberId, instanceId, existingId);
  if (memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    fenceMember(changes, memberId, ctx);
    return { memberId, memberEpoch };
  }
  // A static member leaving for a while keeps its assignment (nobody else gets its partitions) until it
  // rejoins with the same instance id or its session expires.
  const member = group.members.get(memberId)!;
  changes.emit({
    kind: 'current-assignment',
    groupId: group.groupId,
    memberId,
    value: {
      memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH,
      previousMemberEpoch: member.previousMemberEpoch,
      state: member.state,
      assignedPartitions: member.assignedPartitions,
      partitionsPendingRevocation: NO_PARTITIONS,
    },
  });
  return { memberId, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH };
}

export function fencedInstance(memberId: string, instanceId: string, ownerId: string): GroupError {
  return groupError(
    'FENCED_INSTANCE_ID',
    `Static member ${memberId} with instance id ${instanceId} was fenced by member ${ownerId}.`,
  );
}

/**
 * Removes the members whose session expired, and those still revoking in the epoch they were asked to
 * revoke in once their rebalance timeout passed. Returns why each fenced member was.
 */
export function expireMembers(changes: GroupChanges, ctx: OperationContext): Map<string, string> {
  const { group } = changes;
  const fenced = new Map<string, string>();
  for (const [memberId, at] of group.sessionDeadlines) {
    if (at <= ctx.now) fenced.set(memberId, 'its session expired');
  }
  for (const [memberId, { epoch, at }] of group.rebalanceDeadlines) {
    if (at > ctx.now || fenced.has(memberId)) continue;
    if (group.members.get(memberId)?.memberEpoch === epoch) {
      fenced.set(memberId, `it failed to revoke its partitions of epoch ${epoch} in time`);
    } else {
      group.rebalanceDeadlines.delete(memberId);
    }
  }
  for (const memberId of fenced.keys()) fenceMember(changes, memberId, ctx);
  return fenced;
}

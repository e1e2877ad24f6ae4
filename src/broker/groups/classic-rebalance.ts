// The classic group protocol's rebalance logic, as Kafka 4's group coordinator runs it: JoinGroup,
// SyncGroup, Heartbeat and LeaveGroup move a ClassicGroup through its states, and timers end what
// clients leave hanging: session timeouts remove silent members, the rebalance timeout
// (max.poll.interval.ms) ends a join phase without the members that did not rejoin, the initial delay
// (group.initial.rebalance.delay.ms) lets a starting group gather its members, and a sync timeout
// removes members that never fetched their assignment. The broker does not look into assignments, so
// eager and cooperative clients (cooperative-sticky's two rebalances) are served alike.
//
// No I/O here: timers, clock and persistence are injected, so tests run it with a hand-driven clock.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';
import type { ClassicGroup } from './classic-group.ts';
import {
  ClassicMember,
  type JoinResult,
  joinError,
  type Protocol,
  type RejoinSettings,
  type SyncResult,
  syncError,
} from './classic-member.ts';
import type { Clock, GroupTimers } from './timers.ts';

export interface JoinRequest {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  /** JoinGroup v4+ without group.instance.id: a new member first gets its id back (KIP-394). */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+: a static leader rejoining a stable group is told it may keep the assignment. */
  supportsSkipAssignment: boolean;
  reason: string | null;
}

export interface SyncRequest {
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
  /** v5+; null from older clients. */
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface HeartbeatRequest {
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
  reason: string | null;
}

export interface LeaveResult {
  memberId: string;
  groupInstanceId: string | null;
  errorCode: number;
}

export interface ClassicSettings {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  initialRebalanceDelayMs: number;
  /** group.max.size: members beyond it are refused with GROUP_MAX_SIZE_REACHED. */
  maxSize: number;
}

export interface ClassicRebalanceDeps {
  settings: ClassicSettings;
  timers: GroupTimers;
  clock: Clock;
  logger: Logger;
  /**
   * Persists the group as it is at the call (members' assignments from `assignment` when given);
   * resolves once stored, rejects when the write failed.
   */
  store(group: ClassicGroup, assignment?: ReadonlyMap<string, Buffer>): Promise<void>;
  /** A fresh member id starting with `prefix` (the client id, or the group instance id). */
  newMemberId?: (prefix: string) => string;
}

/**
 * A JoinGroup waiting for a new member's first join is bounded: the client cannot heartbeat meanwhile,
 * and one that gave up would otherwise hold the rebalance (Kafka's new-member join timeout).
 */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

const JOIN_TIMER = 'join';
const SYNC_TIMER = 'sync';
const heartbeatTimer = (memberId: string) => `heartbeat:${memberId}`;

export class ClassicRebalance {
  readonly #deps: ClassicRebalanceDeps;
  readonly #newMemberId: (prefix: string) => string;

  constructor(deps: ClassicRebalanceDeps) {
    this.#deps = deps;
    this.#newMemberId = deps.newMemberId ?? ((prefix) => `${prefix}-${randomUUID()}`);
  }

  validSessionTimeout(sessionTimeoutMs: number): boolean {
    const { minSessionTimeoutMs, maxSessionTimeoutMs } = this.#deps.settings;
    return sessionTimeoutMs >= minSessionTimeoutMs && sessionTimeoutMs <= maxSessionTimeoutMs;
  }

  // ---- JoinGroup ----

  /** Resolves when the join completes: at once for errors and MEMBER_ID_REQUIRED, else after the join phase. */
  join(group: ClassicGroup, request: JoinRequest): Promise<JoinResult> {
    return new Promise((respond) => {
      if (!this.#acceptJoiningMember(group, request.memberId)) {
        if (group.hasMember(request.memberId)) this.#removeWithoutRebalance(group, request.memberId);
        respond(joinError('GROUP_MAX_SIZE_REACHED'));
      } else if (request.memberId === '') {
        this.#joinNewMember(group, request, respond);
      } else {
        this.#joinExistingMember(group, request, respond);
      }
    });
  }

  #acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const { maxSize } = this.#deps.settings;
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance':
        return (
          (group.hasMember(memberId) && group.member(memberId).isAwaitingJoin) ||
          group.numMembersAwaitingJoin < maxSize
        );
      default:
        return group.hasMember(memberId) || group.members.size < maxSize;
    }
  }

  #joinNewMember(group: ClassicGroup, request: JoinRequest, respond: (r: JoinResult) => void): void {
    if (group.is('Dead')) {
      respond(joinError('COORDINATOR_NOT_AVAILABLE'));
    } else if (!group.supportsProtocols(request.protocolType, request.protocols)) {
      respond(joinError('INCONSISTENT_GROUP_PROTOCOL'));
    } else {
      const newMemberId = this.#newMemberId(request.groupInstanceId ?? request.clientId);
      const existingStatic =
        request.groupInstanceId === null ? undefined : group.staticMemberId(request.groupInstanceId);
      if (existingStatic !== undefined) {
        this.#replaceStaticMember(group, request, existingStatic, newMemberId, respond);
      } else if (request.groupInstanceId === null && request.requireKnownMemberId) {
        // KIP-394: the member comes back with this id; until then it holds up the join phase, bounded
        // by its session timeout.
        group.pendingJoinMembers.add(newMemberId);
        this.#scheduleHeartbeatExpiry(group, newMemberId, request.sessionTimeoutMs);
        respond(joinError('MEMBER_ID_REQUIRED', newMemberId));
      } else {
        this.#addMemberThenRebalanceOrCompleteJoin(group, request, newMemberId, respond);
      }
    }
  }

  #joinExistingMember(group: ClassicGroup, request: JoinRequest, respond: (r: JoinResult) => void): void {
    const { memberId } = request;
    const error = this.#existingMemberJoinError(group, request);
    if (error) {
      respond(joinError(error, memberId));
    } else if (group.isPendingMember(memberId)) {
      this.#addMemberThenRebalanceOrCompleteJoin(group, request, memberId, respond);
    } else {
      const member = group.member(memberId);
      // In CompletingRebalance, the same metadata again means the member missed its JoinGroup response;
      // in Stable, an unchanged follower just gets its generation back. The leader rejoining a Stable
      // group asks for a new assignment (e.g. topic metadata changed), as does changed metadata.
      const unchanged = member.matches(request.protocols);
      if (group.is('CompletingRebalance') && unchanged) {
        respond(this.#currentGeneration(group, member, true));
      } else if (group.is('Stable') && unchanged && !group.isLeader(memberId)) {
        respond(this.#currentGeneration(group, member, false));
      } else {
        this.#updateMemberThenRebalanceOrCompleteJoin(group, request, member, respond);
      }
    }
  }

  /** Why a JoinGroup with a member id cannot go on, if it cannot. */
  #existingMemberJoinError(group: ClassicGroup, request: JoinRequest): ErrorName | undefined {
    if (group.is('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
    if (!group.supportsProtocols(request.protocolType, request.protocols))
      return 'INCONSISTENT_GROUP_PROTOCOL';
    // A pending id is only ever handed to dynamic members.
    if (group.isPendingMember(request.memberId))
      return request.groupInstanceId === null ? undefined : 'UNKNOWN_MEMBER_ID';
    const memberError = group.validateMember(request.memberId, request.groupInstanceId);
    if (memberError) return memberError;
    return group.is('Empty') ? 'UNKNOWN_MEMBER_ID' : undefined;
  }

  /**
   * The member's JoinGroup answer for the current generation; with `membersForLeader`, the leader's lists
   * every member with its metadata.
   */
  #currentGeneration(group: ClassicGroup, member: ClassicMember, membersForLeader: boolean): JoinResult {
    return {
      errorCode: 0,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment: false,
      memberId: member.memberId,
      members: membersForLeader && group.isLeader(member.memberId) ? group.currentMemberMetadata() : [],
    };
  }

  #addMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    request: JoinRequest,
    memberId: string,
    respond: (r: JoinResult) => void,
  ): void {
    const member = new ClassicMember({
      memberId,
      groupInstanceId: request.groupInstanceId,
      clientId: request.clientId,
      clientHost: request.clientHost,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      sessionTimeoutMs: request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols,
    });
    member.isNew = true;
    // During the initial delay a new arrival extends the wait (up to the rebalance timeout).
    if (group.is('PreparingRebalance') && group.previousState === 'Empty') group.newMemberAdded = true;
    group.add(member, respond);
    this.#scheduleHeartbeatExpiry(group, memberId, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.#maybePrepareRebalanceOrCompleteJoin(
      group,
      `adding new member ${memberId}${request.groupInstanceId ? ` (instance ${request.groupInstanceId})` : ''}`,
    );
  }

  #updateMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    request: JoinRequest,
    member: ClassicMember,
    respond: (r: JoinResult) => void,
  ): void {
    group.updateMember(member, request, respond);
    this.#maybePrepareRebalanceOrCompleteJoin(
      group,
      `member ${member.memberId} rejoined in ${group.state}${request.reason ? ` (${request.reason})` : ''}`,
    );
  }

  /**
   * A static member came back with a new member id (a restarted client): it takes the old member's
   * place. In a Stable group whose protocol stays the same there is no rebalance; the member gets its
   * generation (and its old assignment from SyncGroup) once the replacement is stored.
   */
  #replaceStaticMember(
    group: ClassicGroup,
    request: JoinRequest,
    oldMemberId: string,
    newMemberId: string,
    respond: (r: JoinResult) => void,
  ): void {
    const instanceId = request.groupInstanceId!;
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.#deps.timers.cancel(group.groupId, heartbeatTimer(oldMemberId));
    this.#scheduleHeartbeatExpiry(group, newMemberId, member.sessionTimeoutMs);
    const previous: RejoinSettings = {
      protocols: member.protocols,
      rebalanceTimeoutMs: member.rebalanceTimeoutMs,
      sessionTimeoutMs: member.sessionTimeoutMs,
    };
    group.updateMember(member, request, respond);
    switch (group.state) {
      case 'Stable': {
        if (group.selectProtocol() !== group.protocolName) {
          this.#maybePrepareRebalanceOrCompleteJoin(
            group,
            `static member ${instanceId} changes the protocol`,
          );
          return;
        }
        // Stored before answering: the new member id must survive a restart, or the member is fenced.
        member.join.hold(null);
        const generationId = group.generationId;
        this.#deps.store(group).then(
          () => {
            const leader = group.isLeader(newMemberId);
            const skip = request.supportsSkipAssignment && leader;
            respond({
              ...this.#currentGeneration(group, member, skip),
              generationId,
              skipAssignment: skip,
            });
          },
          (error: Error) => {
            this.#deps.logger.warn(
              { groupId: group.groupId, instanceId, err: error },
              'could not store the replacement of a static member; reverting it',
            );
            group.updateMember(member, previous, null);
            if (group.hasMember(newMemberId)) {
              group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
              this.#deps.timers.cancel(group.groupId, heartbeatTimer(newMemberId));
              this.#scheduleHeartbeatExpiry(group, oldMemberId, member.sessionTimeoutMs);
            }
            respond({ ...joinError('COORDINATOR_NOT_AVAILABLE'), generationId: group.generationId });
          },
        );
        return;
      }
      case 'CompletingRebalance':
        this.#prepareRebalance(group, `static member ${instanceId} rejoined during CompletingRebalance`);
        return;
      case 'PreparingRebalance':
        this.#maybeCompleteJoinPhase(group);
        return;
      default:
        throw new Error(
          `static member ${instanceId} of group ${group.groupId} replaced in state ${group.state}`,
        );
    }
  }

  // ---- the join phase ----

  #maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, reason: string): void {
    if (group.canRebalance()) this.#prepareRebalance(group, reason);
    else this.#maybeCompleteJoinPhase(group);
  }

  #prepareRebalance(group: ClassicGroup, reason: string): void {
    const { timers, settings } = this.#deps;
    // Members waiting for an assignment of the generation being abandoned must rejoin.
    if (group.is('CompletingRebalance'))
      this.#resetAndPropagateAssignmentWithError(group, 'REBALANCE_IN_PROGRESS');
    this.#removeSyncExpiration(group);
    const initial = group.is('Empty');
    if (initial) {
      const delayMs = settings.initialRebalanceDelayMs;
      const remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
      timers.schedule(group.groupId, JOIN_TIMER, delayMs, () =>
        this.#completeInitialRebalanceOrWait(group, delayMs, remainingMs),
      );
    }
    group.transitionTo('PreparingRebalance', this.#deps.clock());
    this.#deps.logger.info(
      { groupId: group.groupId, generationId: group.generationId, reason },
      'preparing to rebalance group',
    );
    if (!initial) this.#maybeCompleteJoinElseSchedule(group);
  }

  #completeInitialRebalanceOrWait(group: ClassicGroup, delayMs: number, remainingMs: number): void {
    if (group.newMemberAdded && remainingMs !== 0) {
      group.newMemberAdded = false;
      const nextDelayMs = Math.min(this.#deps.settings.initialRebalanceDelayMs, remainingMs);
      const nextRemainingMs = Math.max(remainingMs - delayMs, 0);
      this.#deps.timers.schedule(group.groupId, JOIN_TIMER, nextDelayMs, () =>
        this.#completeInitialRebalanceOrWait(group, nextDelayMs, nextRemainingMs),
      );
    } else {
      this.#completeJoin(group);
    }
  }

  #maybeCompleteJoinElseSchedule(group: ClassicGroup): void {
    if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) {
      this.#completeJoin(group);
    } else {
      this.#deps.timers.schedule(group.groupId, JOIN_TIMER, group.rebalanceTimeoutMs(), () =>
        this.#completeJoin(group),
      );
    }
  }

  /** Completes the join phase once everyone is in, except during the initial delay. */
  #maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (group.is('PreparingRebalance') && group.hasAllMembersJoined() && group.previousState !== 'Empty') {
      this.#completeJoin(group);
    }
  }

  #completeJoin(group: ClassicGroup): void {
    const { timers, logger } = this.#deps;
    timers.cancel(group.groupId, JOIN_TIMER);
    if (!group.is('PreparingRebalance')) return;
    // Dynamic members that did not rejoin in time are out; static ones keep their place until their
    // session expires.
    for (const member of group.notYetRejoinedMembers()) {
      if (!member.isStatic) this.#removeWithoutRebalance(group, member.memberId);
    }
    if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
      // Only static members that have not rejoined are left: wait for them (or their session timeouts).
      logger.warn({ groupId: group.groupId }, 'could not complete the rebalance: no member rejoined');
      timers.schedule(group.groupId, JOIN_TIMER, group.rebalanceTimeoutMs(), () => this.#completeJoin(group));
      return;
    }
    group.initNextGeneration(this.#deps.clock());
    if (group.is('Empty')) {
      logger.info({ groupId: group.groupId, generationId: group.generationId }, 'group is now empty');
      this.#storeInBackground(group);
      return;
    }
    logger.info(
      { groupId: group.groupId, generationId: group.generationId, members: group.members.size },
      'stabilized group',
    );
    for (const member of group.members.values()) {
      member.join.answer(this.#currentGeneration(group, member, true));
      this.#scheduleHeartbeatExpiry(group, member.memberId, member.sessionTimeoutMs);
      member.isNew = false;
      group.pendingSyncMembers.add(member.memberId);
    }
    this.#schedulePendingSync(group);
  }

  // ---- SyncGroup ----

  validateSync(group: ClassicGroup, request: SyncRequest): ErrorName | undefined {
    const generationError = group.validateGeneration(request);
    if (generationError) return generationError;
    const inconsistent = (asked: string | null, actual: string | null) =>
      asked !== null && actual !== null && asked !== actual;
    if (
      inconsistent(request.protocolType, group.protocolType || null) ||
      inconsistent(request.protocolName, group.protocolName)
    ) {
      return 'INCONSISTENT_GROUP_PROTOCOL';
    }
    return undefined;
  }

  /** Resolves with the member's assignment: at once when Stable, after the leader's SyncGroup otherwise. */
  sync(group: ClassicGroup, request: SyncRequest): Promise<SyncResult> {
    return new Promise((respond) => {
      const error = this.validateSync(group, request);
      if (error) return respond(syncError(error));
      switch (group.state) {
        case 'Empty':
          return respond(syncError('UNKNOWN_MEMBER_ID'));
        case 'PreparingRebalance':
          return respond(syncError('REBALANCE_IN_PROGRESS'));
        case 'Stable': {
          this.#removePendingSyncMember(group, request.memberId);
          const member = group.member(request.memberId);
          return respond({
            errorCode: 0,
            protocolType: group.protocolType,
            protocolName: group.protocolName,
            assignment: member.assignment,
          });
        }
        case 'CompletingRebalance': {
          const member = group.member(request.memberId);
          // As with JoinGroup, an earlier SyncGroup of the same member is answered rather than dropped.
          member.sync.replace(respond, syncError('REBALANCE_IN_PROGRESS'));
          this.#removePendingSyncMember(group, request.memberId);
          if (group.isLeader(request.memberId)) this.#storeAssignment(group, request);
          return;
        }
        default:
          return respond(syncError('COORDINATOR_NOT_AVAILABLE'));
      }
    });
  }

  /** The leader's assignment: stored, then handed to every member; the group becomes Stable. */
  #storeAssignment(group: ClassicGroup, request: SyncRequest): void {
    const assignment = new Map<string, Buffer>();
    for (const member of group.members.keys()) assignment.set(member, Buffer.alloc(0));
    for (const a of request.assignments)
      if (assignment.has(a.memberId)) assignment.set(a.memberId, a.assignment);
    const generationId = group.generationId;
    this.#deps.store(group, assignment).then(
      () => {
        if (!group.is('CompletingRebalance') || group.generationId !== generationId) return;
        for (const [memberId, bytes] of assignment) {
          const member = group.members.get(memberId);
          if (member) member.assignment = bytes;
        }
        this.#propagateAssignment(group, 0);
        group.transitionTo('Stable', this.#deps.clock());
      },
      (error: Error) => {
        if (!group.is('CompletingRebalance') || group.generationId !== generationId) return;
        this.#deps.logger.warn(
          { groupId: group.groupId, err: error },
          'could not store the group assignment',
        );
        this.#resetAndPropagateAssignmentWithError(group, 'COORDINATOR_NOT_AVAILABLE');
        this.#maybePrepareRebalanceOrCompleteJoin(group, 'the assignment could not be stored');
      },
    );
  }

  #resetAndPropagateAssignmentWithError(group: ClassicGroup, error: ErrorName): void {
    for (const member of group.members.values()) member.assignment = Buffer.alloc(0);
    this.#propagateAssignment(group, ERRORS[error].code);
  }

  #propagateAssignment(group: ClassicGroup, errorCode: number): void {
    for (const member of group.members.values()) {
      const answered = member.sync.answer({
        errorCode,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        assignment: member.assignment,
      });
      // The member could not heartbeat while it waited: its session starts over now.
      if (answered) this.#scheduleHeartbeatExpiry(group, member.memberId, member.sessionTimeoutMs);
    }
  }

  #schedulePendingSync(group: ClassicGroup): void {
    const generationId = group.generationId;
    this.#deps.timers.schedule(group.groupId, SYNC_TIMER, group.rebalanceTimeoutMs(), () =>
      this.#expirePendingSync(group, generationId),
    );
  }

  /** Members that never sent SyncGroup for their generation are removed and the group rebalances. */
  #expirePendingSync(group: ClassicGroup, generationId: number): void {
    if (generationId !== group.generationId) return;
    if (!group.is('CompletingRebalance') && !group.is('Stable')) return;
    if (group.pendingSyncMembers.size === 0) return;
    const missing = [...group.pendingSyncMembers];
    for (const memberId of missing) this.#removeWithoutRebalance(group, memberId);
    this.#prepareRebalance(group, `members ${missing.join(', ')} did not sync in time`);
  }

  #removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0) this.#deps.timers.cancel(group.groupId, SYNC_TIMER);
  }

  #removeSyncExpiration(group: ClassicGroup): void {
    group.pendingSyncMembers.clear();
    this.#deps.timers.cancel(group.groupId, SYNC_TIMER);
  }

  // ---- Heartbeat ----

  /** The heartbeat's error, or undefined; a heartbeat from a member restarts its session timer. */
  heartbeat(group: ClassicGroup, request: HeartbeatRequest): ErrorName | undefined {
    const generationError = group.validateGeneration(request);
    if (generationError) return generationError;
    if (group.is('Empty')) return 'UNKNOWN_MEMBER_ID';
    const member = group.member(request.memberId);
    this.#scheduleHeartbeatExpiry(group, member.memberId, member.sessionTimeoutMs);
    return group.is('PreparingRebalance') ? 'REBALANCE_IN_PROGRESS' : undefined;
  }

  #scheduleHeartbeatExpiry(group: ClassicGroup, memberId: string, timeoutMs: number): void {
    this.#deps.timers.schedule(group.groupId, heartbeatTimer(memberId), timeoutMs, () =>
      this.#onHeartbeatExpired(group, memberId),
    );
  }

  #onHeartbeatExpired(group: ClassicGroup, memberId: string): void {
    if (group.is('Dead')) return;
    if (group.isPendingMember(memberId)) {
      this.#deps.logger.info({ groupId: group.groupId, memberId }, 'pending member did not rejoin in time');
      group.remove(memberId);
      if (group.is('PreparingRebalance')) this.#maybeCompleteJoinPhase(group);
      return;
    }
    const member = group.members.get(memberId);
    if (!member || member.hasSatisfiedHeartbeat()) return;
    this.#deps.logger.info({ groupId: group.groupId, memberId }, 'member session expired; removing it');
    this.#removeMember(group, member);
  }

  // ---- LeaveGroup ----

  /** Removes each member in turn; the group then rebalances without them. */
  leave(group: ClassicGroup, leaving: readonly LeavingMember[]): LeaveResult[] {
    let removed = false;
    const results = leaving.map((identity): LeaveResult => {
      const error = this.#removeLeavingMember(group, identity);
      if (!error) removed = true;
      return {
        memberId: identity.memberId,
        groupInstanceId: identity.groupInstanceId,
        errorCode: error ? ERRORS[error].code : 0,
      };
    });
    if (removed) this.#rebalanceAfterRemoval(group, 'members left the group');
    return results;
  }

  /** Removes one member LeaveGroup names (a pending member id too), without a rebalance; else the error. */
  #removeLeavingMember(group: ClassicGroup, identity: LeavingMember): ErrorName | undefined {
    let { memberId } = identity;
    if (memberId === '') {
      // Administrative removal of a static member by its instance id alone.
      const found =
        identity.groupInstanceId === null ? undefined : group.staticMemberId(identity.groupInstanceId);
      if (found === undefined) return 'UNKNOWN_MEMBER_ID';
      memberId = found;
    } else if (!group.isPendingMember(memberId)) {
      const error = group.validateMember(memberId, identity.groupInstanceId);
      if (error) return error;
      this.#deps.logger.info(
        { groupId: group.groupId, memberId, reason: identity.reason },
        'member left the group',
      );
    }
    this.#removeWithoutRebalance(group, memberId);
    return undefined;
  }

  #removeMember(group: ClassicGroup, member: ClassicMember): void {
    this.#removeWithoutRebalance(group, member.memberId);
    this.#rebalanceAfterRemoval(group, `member ${member.memberId} removed`);
  }

  /** Removes a member (or a pending member id) and its session timer. */
  #removeWithoutRebalance(group: ClassicGroup, memberId: string): void {
    // A JoinGroup still waiting (a new member that timed out) learns it must join again.
    group.members.get(memberId)?.join.answer(joinError('UNKNOWN_MEMBER_ID'));
    group.remove(memberId);
    this.#deps.timers.cancel(group.groupId, heartbeatTimer(memberId));
  }

  #rebalanceAfterRemoval(group: ClassicGroup, reason: string): void {
    if (group.is('Stable') || group.is('CompletingRebalance'))
      this.#maybePrepareRebalanceOrCompleteJoin(group, reason);
    else if (group.is('PreparingRebalance')) this.#maybeCompleteJoinPhase(group);
  }

  // ---- loading ----

  /** A group restored from __consumer_offsets: its members must heartbeat within their session. */
  onLoaded(group: ClassicGroup): void {
    if (!group.is('Stable')) return;
    for (const member of group.members.values()) {
      this.#scheduleHeartbeatExpiry(group, member.memberId, member.sessionTimeoutMs);
    }
    if (group.members.size > this.#deps.settings.maxSize) {
      this.#prepareRebalance(group, `loaded group is over capacity (${group.members.size} members)`);
    }
  }

  #storeInBackground(group: ClassicGroup): void {
    this.#deps.store(group).catch((error: Error) => {
      this.#deps.logger.warn({ groupId: group.groupId, err: error }, 'could not store group metadata');
    });
  }

  /** Persists a group just created by JoinGroup, as Kafka does, so that it is known after a restart. */
  storeNewGroup(group: ClassicGroup): void {
    this.#storeInBackground(group);
  }
}

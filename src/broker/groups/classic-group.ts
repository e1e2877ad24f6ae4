// A classic-protocol group (JoinGroup/SyncGroup): its members, generation, chosen protocol, leader and
// state, with Kafka's state machine (Empty → PreparingRebalance → CompletingRebalance → Stable, and
// Dead once deleted). Pure data and invariants; its members are classic-member.ts's, and the rebalance
// logic driven by requests and timers lives in classic-rebalance.ts.
import type { ErrorName } from '../../protocol/errors.ts';
import {
  ClassicMember,
  type JoinedMember,
  type JoinResult,
  joinError,
  type Protocol,
  type RejoinSettings,
  syncError,
} from './classic-member.ts';
import { subscribedTopics } from './consumer-subscription.ts';
import { groupMetadataRecord, type StoredGroupMetadata } from './coordinator-records.ts';
import type { CommittedOffset, CoordinatorRecord, DescribedGroup, OffsetCommitIdentity } from './group.ts';

export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** The states each state may be entered from (Kafka's ClassicGroupState). */
const VALID_PREVIOUS: Record<ClassicGroupState, readonly ClassicGroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

/** The protocol type of the Java consumer (and every client's consumer): its metadata lists topics. */
const CONSUMER_PROTOCOL_TYPE = 'consumer';

const EMPTY_BYTES = Buffer.alloc(0);

export class ClassicGroup {
  readonly groupId: string;
  #state: ClassicGroupState;
  #previousState: ClassicGroupState;
  /** When the group entered its current state (Kafka's currentStateTimestamp), for offset expiry. */
  stateTimestampMs: number;
  generationId = 0;
  /** '' until a first member joins (a group made by OffsetCommit alone has none). */
  protocolType = '';
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** Members in join order (the order Kafka uses to pick a new leader). */
  readonly members = new Map<string, ClassicMember>();
  /** group.instance.id → member id. */
  readonly #staticMembers = new Map<string, string>();
  /** Member ids handed out by MEMBER_ID_REQUIRED whose JoinGroup has not come back yet (KIP-394). */
  readonly pendingJoinMembers = new Set<string>();
  /** Members of this generation that have not sent their SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  /** Set when a member joins during the initial rebalance delay, which then waits a little longer. */
  newMemberAdded = false;
  /** Topics the members subscribe to (consumer protocol), or null when not known. */
  subscribedTopics: Set<string> | null = null;

  constructor(groupId: string, nowMs: number, state: ClassicGroupState = 'Empty') {
    this.groupId = groupId;
    this.#state = state;
    this.#previousState = state;
    this.stateTimestampMs = nowMs;
  }

  /** A group as its last GroupMetadataValue record left it: Stable with its members, or Empty. */
  static fromStored(groupId: string, stored: StoredGroupMetadata, nowMs: number): ClassicGroup {
    const timestamp = stored.currentStateTimestampMs >= 0 ? stored.currentStateTimestampMs : nowMs;
    const group = new ClassicGroup(groupId, timestamp, stored.members.length > 0 ? 'Stable' : 'Empty');
    group.protocolType = stored.protocolType;
    group.generationId = stored.generation;
    group.protocolName = stored.protocol;
    for (const m of stored.members) {
      group.add(
        new ClassicMember({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          rebalanceTimeoutMs: m.rebalanceTimeoutMs,
          sessionTimeoutMs: m.sessionTimeoutMs,
          protocolType: stored.protocolType,
          protocols: stored.protocol ? [{ name: stored.protocol, metadata: m.subscription }] : [],
          assignment: m.assignment,
        }),
      );
    }
    group.leaderId = stored.leader;
    group.subscribedTopics = group.computeSubscribedTopics();
    return group;
  }

  /** The record that stores this group, with `assignment` (member id → bytes) or the members' own. */
  toStored(assignment?: ReadonlyMap<string, Buffer>): StoredGroupMetadata {
    const protocol = this.protocolName;
    return {
      protocolType: this.protocolType,
      generation: this.generationId,
      protocol,
      leader: this.leaderId,
      currentStateTimestampMs: this.stateTimestampMs,
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        subscription: protocol === null ? EMPTY_BYTES : m.metadata(protocol),
        assignment: assignment?.get(m.memberId) ?? m.assignment,
      })),
    };
  }

  // ---- state ----

  get state(): ClassicGroupState {
    return this.#state;
  }

  get previousState(): ClassicGroupState {
    return this.#previousState;
  }

  is(state: ClassicGroupState): boolean {
    return this.#state === state;
  }

  transitionTo(state: ClassicGroupState, nowMs: number): void {
    if (!VALID_PREVIOUS[state].includes(this.#state)) {
      throw new Error(`group ${this.groupId} cannot go from ${this.#state} to ${state}`);
    }
    this.#previousState = this.#state;
    this.#state = state;
    this.stateTimestampMs = nowMs;
  }

  /** PreparingRebalance may be entered now. */
  canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.#state);
  }

  // ---- members ----

  hasMember(memberId: string): boolean {
    return this.members.has(memberId);
  }

  member(memberId: string): ClassicMember {
    const member = this.members.get(memberId);
    if (!member) throw new Error(`group ${this.groupId} has no member ${memberId}`);
    return member;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.#staticMembers.get(groupInstanceId);
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingJoinMembers.has(memberId);
  }

  /** Adds a member; the first member fixes the protocol type and, while there is none, leads. */
  add(member: ClassicMember, respond: ((result: JoinResult) => void) | null = null): void {
    if (member.groupInstanceId !== null) {
      if (this.#staticMembers.has(member.groupInstanceId)) {
        throw new Error(`group ${this.groupId} already has static member ${member.groupInstanceId}`);
      }
      this.#staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    member.join.hold(respond);
    this.pendingJoinMembers.delete(member.memberId);
    this.leaderId ??= member.memberId;
  }

  /** Removes a member (a pending one too); a leader leaving hands over to the oldest member left. */
  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) {
      this.members.delete(memberId);
      if (member.groupInstanceId !== null) this.#staticMembers.delete(member.groupInstanceId);
      // A SyncGroup still waiting would otherwise never be answered.
      member.sync.answer(syncError('UNKNOWN_MEMBER_ID'));
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /** New settings from a rejoin; `respond` answers the JoinGroup now waiting (null: none). */
  updateMember(
    member: ClassicMember,
    settings: RejoinSettings,
    respond: ((result: JoinResult) => void) | null,
  ): void {
    member.protocols = settings.protocols;
    member.rebalanceTimeoutMs = settings.rebalanceTimeoutMs;
    member.sessionTimeoutMs = settings.sessionTimeoutMs;
    member.join.replace(respond, joinError('REBALANCE_IN_PROGRESS', member.memberId));
  }

  /**
   * A static member rejoined under a new member id (the client restarted): the new id takes over the old
   * member's place, assignment and leadership, and requests still waiting under the old id are fenced.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicMember {
    const member = this.member(oldMemberId);
    member.join.answer(joinError('FENCED_INSTANCE_ID', oldMemberId));
    member.sync.answer(syncError('FENCED_INSTANCE_ID'));
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    this.#staticMembers.set(groupInstanceId, newMemberId);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    return member;
  }

  get numMembersAwaitingJoin(): number {
    let count = 0;
    for (const member of this.members.values()) if (member.isAwaitingJoin) count++;
    return count;
  }

  /** Every member has rejoined and no member id handed out is still expected. */
  hasAllMembersJoined(): boolean {
    return this.members.size === this.numMembersAwaitingJoin && this.pendingJoinMembers.size === 0;
  }

  notYetRejoinedMembers(): ClassicMember[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /** The largest rebalance timeout of the members: how long the join phase may last. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max;
  }

  /**
   * If the leader has not rejoined, the first member that has becomes leader. False when no member has
   * rejoined (or there is no leader at all).
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.members.get(this.leaderId)?.isAwaitingJoin) return true;
    const joined = [...this.members.values()].find((m) => m.isAwaitingJoin);
    if (!joined) return false;
    this.leaderId = joined.memberId;
    return true;
  }

  // ---- protocols ----

  /** Whether a member with these protocols may join: same protocol type, one protocol all members share. */
  supportsProtocols(protocolType: string, protocols: readonly Protocol[]): boolean {
    if (this.is('Empty')) return protocolType !== '' && protocols.length > 0;
    if (this.protocolType !== protocolType) return false;
    const members = [...this.members.values()];
    return protocols.some((p) => members.every((m) => m.supports(p.name)));
  }

  /** Protocols every member supports. */
  candidateProtocols(): Set<string> {
    const members = [...this.members.values()];
    const candidates = new Set<string>();
    for (const p of members[0]?.protocols ?? []) {
      if (members.every((m) => m.supports(p.name))) candidates.add(p.name);
    }
    return candidates;
  }

  /** Each member votes for its preferred candidate; the most votes win (ties: the first voted for). */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error(`cannot select a protocol for empty group ${this.groupId}`);
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = member.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = 0;
    for (const [protocol, count] of votes) {
      if (count > bestVotes) {
        best = protocol;
        bestVotes = count;
      }
    }
    return best;
  }

  /** Starts the next generation: CompletingRebalance with a chosen protocol, or Empty without members. */
  initNextGeneration(nowMs: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance', nowMs);
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('Empty', nowMs);
    }
    this.pendingSyncMembers.clear();
  }

  /** What the leader's JoinGroup response lists: every member with its metadata for the chosen protocol. */
  currentMemberMetadata(): JoinedMember[] {
    const protocol = this.protocolName;
    if (protocol === null) throw new Error(`group ${this.groupId} has no protocol`);
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadata(protocol),
    }));
  }

  get usesConsumerProtocol(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  /** The union of the members' subscriptions (consumer protocol only); null when it cannot be known. */
  computeSubscribedTopics(): Set<string> | null {
    if (!this.usesConsumerProtocol) return null;
    if (this.members.size === 0) return new Set();
    const protocol = this.protocolName;
    if (protocol === null) return null;
    const topics = new Set<string>();
    for (const member of this.members.values()) {
      const subscribed = subscribedTopics(member.metadata(protocol));
      if (subscribed === null) return null;
      for (const topic of subscribed) topics.add(topic);
    }
    return topics;
  }

  // ---- what the offset and admin APIs ask of a group ----

  isEmpty(): boolean {
    return this.is('Empty');
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics?.has(topic) ?? false;
  }

  /** Kafka's member check: a static member by its instance id, a dynamic one by its member id. */
  validateMember(memberId: string, groupInstanceId: string | null): ErrorName | undefined {
    if (groupInstanceId !== null) {
      const existing = this.staticMemberId(groupInstanceId);
      if (existing === undefined) return 'UNKNOWN_MEMBER_ID';
      if (existing !== memberId) return 'FENCED_INSTANCE_ID';
      return undefined;
    }
    return this.hasMember(memberId) ? undefined : 'UNKNOWN_MEMBER_ID';
  }

  /** The checks of SyncGroup and Heartbeat: a live group, a known member, its current generation. */
  validateGeneration(request: {
    memberId: string;
    groupInstanceId: string | null;
    generationId: number;
  }): ErrorName | undefined {
    if (this.is('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
    const memberError = this.validateMember(request.memberId, request.groupInstanceId);
    if (memberError) return memberError;
    return request.generationId === this.generationId ? undefined : 'ILLEGAL_GENERATION';
  }

  validateOffsetCommit(identity: OffsetCommitIdentity): ErrorName | undefined {
    if (this.is('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
    const generation = identity.generationIdOrMemberEpoch;
    // Generation -1: the admin client or a consumer outside group management, allowed while empty.
    if (generation < 0 && this.is('Empty')) return undefined;
    if (generation >= 0 || identity.memberId !== '' || identity.groupInstanceId !== null) {
      const memberError = this.validateMember(identity.memberId, identity.groupInstanceId);
      if (memberError) return memberError;
      if (generation !== this.generationId) return 'ILLEGAL_GENERATION';
    } else if (!identity.transactional && !this.is('Empty')) {
      // Old TxnOffsetCommit versions carry no member, so only plain commits need one here.
      return 'UNKNOWN_MEMBER_ID';
    }
    // The member knows the new generation but has no assignment yet: let it commit after SyncGroup
    // (transactional commits do not depend on the group's state).
    if (!identity.transactional && this.is('CompletingRebalance')) return 'REBALANCE_IN_PROGRESS';
    return undefined;
  }

  validateOffsetFetch(): ErrorName | undefined {
    return this.is('Dead') ? 'GROUP_ID_NOT_FOUND' : undefined;
  }

  validateOffsetDelete(): ErrorName | undefined {
    if (this.is('Dead')) return 'GROUP_ID_NOT_FOUND';
    // Consumer-protocol groups are protected topic by topic (GROUP_SUBSCRIBED_TO_TOPIC) instead.
    if (!this.is('Empty') && !this.usesConsumerProtocol) return 'NON_EMPTY_GROUP';
    return undefined;
  }

  validateDeleteGroup(): ErrorName | undefined {
    if (this.is('Dead')) return 'GROUP_ID_NOT_FOUND';
    if (!this.is('Empty')) return 'NON_EMPTY_GROUP';
    return undefined;
  }

  offsetExpirationBase(): ((offset: CommittedOffset) => number) | undefined {
    // Offsets of a group made by OffsetCommit alone count from their commit.
    if (this.protocolType === '') return (offset) => offset.commitTimestampMs;
    // An empty group's offsets count from when it became empty.
    if (this.is('Empty')) return () => this.stateTimestampMs;
    // A stable consumer group's offsets of topics it no longer subscribes to count from their commit.
    if (this.usesConsumerProtocol && this.subscribedTopics !== null && this.is('Stable')) {
      return (offset) => offset.commitTimestampMs;
    }
    return undefined;
  }

  describe(): DescribedGroup {
    const stable = this.is('Stable') && this.protocolName !== null;
    const protocol = stable ? this.protocolName! : '';
    return {
      groupState: this.#state,
      protocolType: this.protocolType,
      protocolData: protocol,
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        // Outside Stable, metadata and assignment are in flux; Kafka leaves them out.
        memberMetadata: stable ? m.metadata(protocol) : EMPTY_BYTES,
        memberAssignment: stable ? m.assignment : EMPTY_BYTES,
      })),
    };
  }

  deletionRecords(): CoordinatorRecord[] {
    return [groupMetadataRecord(this.groupId, null)];
  }

  shutdown(error: ErrorName): void {
    for (const member of this.members.values()) {
      member.join.answer(joinError(error, member.memberId));
      member.sync.answer(syncError(error));
    }
    if (!this.is('Dead')) this.transitionTo('Dead', this.stateTimestampMs);
  }
}

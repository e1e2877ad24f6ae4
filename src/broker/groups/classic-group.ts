// A classic-protocol group (JoinGroup/SyncGroup): its members, generation, chosen protocol, leader and
// state, with Kafka's state machine (Empty → PreparingRebalance → CompletingRebalance → Stable, and
// Dead once deleted). Pure data and invariants; the rebalance logic driven by requests and timers lives
// in classic-rebalance.ts.
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';
import { subscribedTopics } from './consumer-subscription.ts';
import type { StoredGroupMetadata } from './coordinator-records.ts';
import { encodeGroupMetadataKey } from './coordinator-records.ts';
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

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinedMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

/** A JoinGroup answer, field for field as the response carries it. */
export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: JoinedMember[];
}

/** A SyncGroup answer, field for field as the response carries it. */
export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export function joinError(error: ErrorName, memberId = ''): JoinResult {
  return {
    errorCode: ERRORS[error].code,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  };
}

export function syncError(error: ErrorName): SyncResult {
  return { errorCode: ERRORS[error].code, protocolType: null, protocolName: null, assignment: EMPTY_BYTES };
}

export interface MemberSettings {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  assignment?: Buffer;
}

export class ClassicMember {
  memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  readonly protocolType: string;
  protocols: Protocol[];
  assignment: Buffer;
  /** Joined but not yet through its first rebalance: it may expire while waiting to join. */
  isNew = false;
  /** The pending JoinGroup, answered when the join phase completes. */
  joinCallback: ((result: JoinResult) => void) | null = null;
  /** The pending SyncGroup, answered when the leader's assignment is stored. */
  syncCallback: ((result: SyncResult) => void) | null = null;

  constructor(settings: MemberSettings) {
    this.memberId = settings.memberId;
    this.groupInstanceId = settings.groupInstanceId;
    this.clientId = settings.clientId;
    this.clientHost = settings.clientHost;
    this.rebalanceTimeoutMs = settings.rebalanceTimeoutMs;
    this.sessionTimeoutMs = settings.sessionTimeoutMs;
    this.protocolType = settings.protocolType;
    this.protocols = settings.protocols;
    this.assignment = settings.assignment ?? EMPTY_BYTES;
  }

  get isAwaitingJoin(): boolean {
    return this.joinCallback !== null;
  }

  get isAwaitingSync(): boolean {
    return this.syncCallback !== null;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  supports(protocolName: string): boolean {
    return this.protocols.some((p) => p.name === protocolName);
  }

  metadata(protocolName: string): Buffer {
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY_BYTES;
  }

  /** Same protocols, in the same order, with the same metadata: a rejoin that changes nothing. */
  matches(protocols: readonly Protocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every(
        (p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata),
      )
    );
  }

  /** The member's most preferred protocol among the candidates. */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (!choice) throw new Error(`member ${this.memberId} supports none of the candidate protocols`);
    return choice.name;
  }

  /**
   * Whether an expired session timer may be ignored: a member waiting in a JoinGroup or SyncGroup cannot
   * heartbeat, unless it is new (it may have given up on its first JoinGroup).
   */
  hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return false;
    return this.isAwaitingJoin || this.isAwaitingSync;
  }
}

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
  add(member: ClassicMember, joinCallback: ((result: JoinResult) => void) | null = null): void {
    if (member.groupInstanceId !== null) {
      if (this.#staticMembers.has(member.groupInstanceId)) {
        throw new Error(`group ${this.groupId} already has static member ${member.groupInstanceId}`);
      }
      this.#staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    member.joinCallback = joinCallback;
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
      this.completeSync(member, syncError('UNKNOWN_MEMBER_ID'));
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /** New settings from a rejoin; `joinCallback` is the JoinGroup now waiting (null: none). */
  updateMember(
    member: ClassicMember,
    protocols: Protocol[],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    joinCallback: ((result: JoinResult) => void) | null,
  ): void {
    member.protocols = protocols;
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    // Kafka drops an earlier JoinGroup of the same member unanswered; answering it lets that connection
    // go on (the client rejoins on REBALANCE_IN_PROGRESS).
    if (member.joinCallback && member.joinCallback !== joinCallback) {
      this.completeJoin(member, joinError('REBALANCE_IN_PROGRESS', member.memberId));
    }
    member.joinCallback = joinCallback;
  }

  /**
   * A static member rejoined under a new member id (the client restarted): the new id takes over the old
   * member's place, assignment and leadership, and requests still waiting under the old id are fenced.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicMember {
    const member = this.member(oldMemberId);
    this.completeJoin(member, { ...joinError('FENCED_INSTANCE_ID', oldMemberId) });
    this.completeSync(member, syncError('FENCED_INSTANCE_ID'));
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    this.#staticMembers.set(groupInstanceId, newMemberId);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    return member;
  }

  /** Answers the member's waiting JoinGroup, if any; true when there was one. */
  completeJoin(member: ClassicMember, result: JoinResult): boolean {
    const callback = member.joinCallback;
    if (!callback) return false;
    member.joinCallback = null;
    callback(result);
    return true;
  }

  /** Answers the member's waiting SyncGroup, if any; true when there was one. */
  completeSync(member: ClassicMember, result: SyncResult): boolean {
    const callback = member.syncCallback;
    if (!callback) return false;
    member.syncCallback = null;
    callback(result);
    return true;
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

  validateOffsetCommit(identity: OffsetCommitIdentity): ErrorName | undefined {
    if (this.is('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
    const generation = identity.generationIdOrMemberEpoch;
    // Generation -1: the admin client or a consumer outside group management, allowed while empty.
    if (generation < 0 && this.is('Empty')) return undefined;
    if (generation >= 0 || identity.memberId !== '' || identity.groupInstanceId !== null) {
      const memberError = this.validateMember(identity.memberId, identity.groupInstanceId);
      if (memberError) return memberError;
      if (generation !== this.generationId) return 'ILLEGAL_GENERATION';
    } else if (!this.is('Empty')) {
      return 'UNKNOWN_MEMBER_ID';
    }
    // The member knows the new generation but has no assignment yet: let it commit after SyncGroup.
    if (this.is('CompletingRebalance')) return 'REBALANCE_IN_PROGRESS';
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
    return [{ key: encodeGroupMetadataKey(this.groupId), value: null }];
  }

  shutdown(error: ErrorName): void {
    for (const member of this.members.values()) {
      this.completeJoin(member, joinError(error, member.memberId));
      this.completeSync(member, syncError(error));
    }
    if (!this.is('Dead')) this.transitionTo('Dead', this.stateTimestampMs);
  }
}

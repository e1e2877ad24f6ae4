// A member of a classic-protocol group: what it sent in JoinGroup (protocols with their metadata,
// timeouts), the assignment it was given, and its JoinGroup or SyncGroup waiting for an answer while the
// group rebalances. The answers are those of the JoinGroup and SyncGroup responses.
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';

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

/** A request held until the rebalance gets to it (a JoinGroup or a SyncGroup); answered at most once. */
export class WaitingRequest<Answer> {
  #respond: ((answer: Answer) => void) | null = null;

  get isWaiting(): boolean {
    return this.#respond !== null;
  }

  /** Holds `respond` as the waiting request (null: none), leaving the one it replaces unanswered. */
  hold(respond: ((answer: Answer) => void) | null): void {
    this.#respond = respond;
  }

  /**
   * Holds `respond` (null: none) in place of another waiting request, which is answered `superseded`:
   * Kafka drops it unanswered; answering it lets that connection go on (the client retries).
   */
  replace(respond: ((answer: Answer) => void) | null, superseded: Answer): void {
    if (this.#respond !== respond) this.answer(superseded);
    this.#respond = respond;
  }

  /** Answers the waiting request, if any; true when there was one. */
  answer(answer: Answer): boolean {
    const respond = this.#respond;
    if (!respond) return false;
    this.#respond = null;
    respond(answer);
    return true;
  }
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

/** What a member's JoinGroup may change when it rejoins. */
export type RejoinSettings = Pick<MemberSettings, 'protocols' | 'rebalanceTimeoutMs' | 'sessionTimeoutMs'>;

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
  readonly join = new WaitingRequest<JoinResult>();
  /** The pending SyncGroup, answered when the leader's assignment is stored. */
  readonly sync = new WaitingRequest<SyncResult>();

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
    return this.join.isWaiting;
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
    return this.join.isWaiting || this.sync.isWaiting;
  }
}

// Fetch sessions (KIP-227). A client opens a session with a full fetch (epoch 0); later requests are
// incremental: they name only the partitions whose fetch position changed, and the response names only
// the partitions with something new (records, an error, or a moved high watermark / log start offset).
// Pure state: no I/O, no clock except the one passed in.

export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;

export interface FetchPartition {
  topic: string;
  topicId: string;
  partition: number;
  fetchOffset: bigint;
  maxBytes: number;
}

interface SentState {
  highWatermark: bigint;
  logStartOffset: bigint;
}

export interface FetchSession {
  id: number;
  /** The epoch the next incremental request must carry. */
  nextEpoch: number;
  partitions: Map<string, FetchPartition & { sent?: SentState }>;
  lastUsed: number;
}

export type SessionResolution =
  | { error: 'FETCH_SESSION_ID_NOT_FOUND' | 'INVALID_FETCH_SESSION_EPOCH' }
  | {
      error?: undefined;
      session?: FetchSession;
      sessionId: number;
      incremental: boolean;
      partitions: FetchPartition[];
    };

export function partitionKeyOf(p: { topic: string; topicId: string; partition: number }): string {
  return `${p.topicId}:${p.topic}:${p.partition}`;
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();
  private readonly maxSessions: number;
  private nextId = 1;

  constructor(maxSessions = 1000) {
    this.maxSessions = maxSessions;
  }

  get size(): number {
    return this.sessions.size;
  }

  /**
   * Applies a request's session fields and returns the partitions to fetch. `requested` are the partitions
   * named in the request, `forgotten` the ones it removes (incremental requests only).
   */
  resolve(
    sessionId: number,
    epoch: number,
    requested: FetchPartition[],
    forgotten: { topic: string; topicId: string; partition: number }[],
    now: number,
  ): SessionResolution {
    if (epoch === FINAL_EPOCH || epoch === INITIAL_EPOCH) {
      if (sessionId !== 0) this.sessions.delete(sessionId);
      if (epoch === FINAL_EPOCH) return { sessionId: 0, incremental: false, partitions: requested };
      const session = this.create(requested, now);
      return { session, sessionId: session?.id ?? 0, incremental: false, partitions: requested };
    }
    const session = this.sessions.get(sessionId);
    if (!session) return { error: 'FETCH_SESSION_ID_NOT_FOUND' };
    if (session.nextEpoch !== epoch) {
      return { error: 'INVALID_FETCH_SESSION_EPOCH' };
    }
    for (const p of forgotten) session.partitions.delete(partitionKeyOf(p));
    for (const p of requested) {
      const key = partitionKeyOf(p);
      const previous = session.partitions.get(key);
      session.partitions.set(key, { ...p, sent: previous?.sent });
    }
    session.nextEpoch = nextEpoch(epoch);
    session.lastUsed = now;
    return {
      session,
      sessionId: session.id,
      incremental: true,
      partitions: [...session.partitions.values()],
    };
  }

  /**
   * Whether an incremental response must carry this partition, and remembers what was sent.
   * Full responses carry every partition and only record the state.
   */
  shouldSend(
    session: FetchSession | undefined,
    p: FetchPartition,
    state: SentState & { hasRecords: boolean; errorCode: number },
    incremental: boolean,
  ): boolean {
    const entry = session?.partitions.get(partitionKeyOf(p));
    const sent = entry?.sent;
    const changed =
      !sent || sent.highWatermark !== state.highWatermark || sent.logStartOffset !== state.logStartOffset;
    if (entry) entry.sent = { highWatermark: state.highWatermark, logStartOffset: state.logStartOffset };
    return !incremental || state.hasRecords || state.errorCode !== 0 || changed;
  }

  private create(partitions: FetchPartition[], now: number): FetchSession | undefined {
    if (this.sessions.size >= this.maxSessions) this.evictOldest();
    if (this.sessions.size >= this.maxSessions) return undefined;
    let id = this.nextId;
    while (id === 0 || this.sessions.has(id)) id = (id + 1) & 0x7fffffff;
    this.nextId = (id + 1) & 0x7fffffff;
    const session: FetchSession = {
      id,
      nextEpoch: 1,
      partitions: new Map(partitions.map((p) => [partitionKeyOf(p), { ...p }])),
      lastUsed: now,
    };
    this.sessions.set(id, session);
    return session;
  }

  private evictOldest(): void {
    let oldest: FetchSession | undefined;
    for (const s of this.sessions.values()) if (!oldest || s.lastUsed < oldest.lastUsed) oldest = s;
    if (oldest) this.sessions.delete(oldest.id);
  }
}

/** Epochs count up and wrap to 1, never back to the special values 0 and -1. */
function nextEpoch(epoch: number): number {
  return epoch >= 0x7fffffff ? 1 : epoch + 1;
}

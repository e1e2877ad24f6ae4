// Share sessions (KIP-932): per (group, member), the partitions a share consumer fetches from, so that
// consecutive ShareFetch requests name only what changes. ShareSessionEpoch 0 opens a session (replacing
// one the member had), -1 closes it, any other value must be the session's next epoch, which then
// advances. Pure bookkeeping: releasing the member's records when a session closes is the caller's part.
import type { ErrorName } from '../../protocol/errors.ts';

export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;

export interface SessionPartition {
  topicId: string;
  partition: number;
}

export interface ShareSession {
  readonly groupId: string;
  readonly memberId: string;
  /** The epoch the next request must carry. */
  epoch: number;
  /** Keyed by `${topicId}:${partition}`, in the order they were added. */
  readonly partitions: Map<string, SessionPartition>;
  /** Fetches so far: each starts one partition further, so that every partition gets its turn first. */
  fetches: number;
}

export type SessionResolution = { session: ShareSession; closing: boolean } | { error: ErrorName };

export function sessionPartitionKey(p: SessionPartition): string {
  return `${p.topicId}:${p.partition}`;
}

export class ShareSessionCache {
  readonly #sessions = new Map<string, ShareSession>();

  get size(): number {
    return this.#sessions.size;
  }

  get(groupId: string, memberId: string): ShareSession | undefined {
    return this.#sessions.get(keyOf(groupId, memberId));
  }

  /**
   * A ShareFetch's session: opened at epoch 0 with `added`, otherwise checked against its epoch and
   * updated with `added` and `forgotten`. At epoch -1 the session is returned for its last use and
   * removed from the cache.
   */
  forFetch(
    groupId: string,
    memberId: string,
    epoch: number,
    added: readonly SessionPartition[],
    forgotten: readonly SessionPartition[],
  ): SessionResolution {
    if (epoch === INITIAL_EPOCH) {
      const session: ShareSession = { groupId, memberId, epoch: 1, partitions: new Map(), fetches: 0 };
      for (const p of added) session.partitions.set(sessionPartitionKey(p), p);
      this.#sessions.set(keyOf(groupId, memberId), session);
      return { session, closing: false };
    }
    const resolved = this.#advance(groupId, memberId, epoch);
    if ('error' in resolved || resolved.closing) return resolved;
    for (const p of added) resolved.session.partitions.set(sessionPartitionKey(p), p);
    for (const p of forgotten) resolved.session.partitions.delete(sessionPartitionKey(p));
    return resolved;
  }

  /** A ShareAcknowledge's session: it must exist, and epoch 0 (opening) is not allowed. */
  forAcknowledge(groupId: string, memberId: string, epoch: number): SessionResolution {
    if (epoch === INITIAL_EPOCH) return { error: 'INVALID_SHARE_SESSION_EPOCH' };
    return this.#advance(groupId, memberId, epoch);
  }

  /** The session's partitions for its next fetch, starting one further than the previous fetch did. */
  static fetchOrder(session: ShareSession): SessionPartition[] {
    const partitions = [...session.partitions.values()];
    if (partitions.length === 0) return partitions;
    const first = session.fetches++ % partitions.length;
    return [...partitions.slice(first), ...partitions.slice(0, first)];
  }

  /** Drops the member's session (it left the group). */
  remove(groupId: string, memberId: string): ShareSession | undefined {
    const key = keyOf(groupId, memberId);
    const session = this.#sessions.get(key);
    this.#sessions.delete(key);
    return session;
  }

  /** Drops every session of the group (it was deleted). */
  removeGroup(groupId: string): void {
    for (const [key, session] of this.#sessions) if (session.groupId === groupId) this.#sessions.delete(key);
  }

  /** Forgets a topic in every session (it was deleted; a re-created topic gets a new id). */
  removeTopic(topicId: string): void {
    for (const session of this.#sessions.values()) {
      for (const [key, p] of session.partitions) if (p.topicId === topicId) session.partitions.delete(key);
    }
  }

  #advance(groupId: string, memberId: string, epoch: number): SessionResolution {
    const key = keyOf(groupId, memberId);
    const session = this.#sessions.get(key);
    if (!session) return { error: 'SHARE_SESSION_NOT_FOUND' };
    if (epoch === FINAL_EPOCH) {
      this.#sessions.delete(key);
      return { session, closing: true };
    }
    if (epoch !== session.epoch) return { error: 'INVALID_SHARE_SESSION_EPOCH' };
    // Epochs run 1..2^31-1 and wrap back to 1 (0 and -1 are reserved), as Kafka's do.
    session.epoch = session.epoch === 0x7fffffff ? 1 : session.epoch + 1;
    return { session, closing: false };
  }
}

function keyOf(groupId: string, memberId: string): string {
  return `${groupId}\u0000${memberId}`;
}

// Offsets committed inside transactions that have not ended yet (Kafka's pending transactional offsets,
// KIP-98): TxnOffsetCommit writes them to __consumer_offsets at once, but OffsetFetch must not return
// them until the transaction's commit marker is written; an abort marker drops them. They are kept per
// producer id, and per group the producers with offsets pending in it, so OffsetFetch with
// require_stable, expiry and group deletion can ask whether a partition has any. Pure state.
import type { CommittedOffset } from './group.ts';

/** A pending offset: where it goes and what it is. */
export interface PendingOffset {
  groupId: string;
  topic: string;
  partition: number;
  offset: CommittedOffset;
}

function partitionKey(groupId: string, topic: string, partition: number): string {
  return JSON.stringify([groupId, topic, partition]);
}

export class PendingTxnOffsets {
  /** By producer id, each pending offset by group/topic/partition (a later commit replaces it). */
  readonly #byProducer = new Map<bigint, { epoch: number; offsets: Map<string, PendingOffset> }>();
  /** By group, the producers with offsets pending in it. */
  readonly #producersByGroup = new Map<string, Set<bigint>>();

  add(producerId: bigint, producerEpoch: number, pending: PendingOffset): void {
    let entry = this.#byProducer.get(producerId);
    if (!entry) {
      entry = { epoch: producerEpoch, offsets: new Map() };
      this.#byProducer.set(producerId, entry);
    }
    entry.epoch = Math.max(entry.epoch, producerEpoch);
    entry.offsets.set(partitionKey(pending.groupId, pending.topic, pending.partition), pending);
    let producers = this.#producersByGroup.get(pending.groupId);
    if (!producers) {
      producers = new Set();
      this.#producersByGroup.set(pending.groupId, producers);
    }
    producers.add(producerId);
  }

  /** The highest epoch of the producer's open transaction, if it has offsets pending. */
  epochOf(producerId: bigint): number | undefined {
    return this.#byProducer.get(producerId)?.epoch;
  }

  has(groupId: string, topic: string, partition: number): boolean {
    const key = partitionKey(groupId, topic, partition);
    for (const producerId of this.#producersByGroup.get(groupId) ?? []) {
      if (this.#byProducer.get(producerId)?.offsets.has(key)) return true;
    }
    return false;
  }

  /** Whether a transaction still has offsets pending in the group (Kafka then keeps the group). */
  hasOpenTransactions(groupId: string): boolean {
    return this.#producersByGroup.has(groupId);
  }

  /** The partitions with an offset pending in the group, each once. */
  partitionsOf(groupId: string): { topic: string; partition: number }[] {
    const found = new Map<string, { topic: string; partition: number }>();
    for (const producerId of this.#producersByGroup.get(groupId) ?? []) {
      for (const [key, pending] of this.#byProducer.get(producerId)?.offsets ?? []) {
        if (pending.groupId === groupId)
          found.set(key, { topic: pending.topic, partition: pending.partition });
      }
    }
    return [...found.values()];
  }

  /** Groups with an offset of this topic pending. */
  groupsWithTopic(topic: string): string[] {
    return [...this.#producersByGroup.keys()].filter((groupId) =>
      this.partitionsOf(groupId).some((p) => p.topic === topic),
    );
  }

  groupIds(): IterableIterator<string> {
    return this.#producersByGroup.keys();
  }

  /** A tombstone of the offset: every transaction's pending offset of that partition goes too (as Kafka). */
  delete(groupId: string, topic: string, partition: number): void {
    const key = partitionKey(groupId, topic, partition);
    for (const producerId of this.#producersByGroup.get(groupId) ?? []) {
      this.#byProducer.get(producerId)?.offsets.delete(key);
    }
  }

  /**
   * Ends the producer's transaction for the groups `inScope` accepts (those of the __consumer_offsets
   * partition the marker was written to): returns the offsets that were pending there and forgets them.
   */
  complete(producerId: bigint, inScope: (groupId: string) => boolean): PendingOffset[] {
    const entry = this.#byProducer.get(producerId);
    if (!entry) return [];
    const completed: PendingOffset[] = [];
    for (const [key, pending] of entry.offsets) {
      if (!inScope(pending.groupId)) continue;
      completed.push(pending);
      entry.offsets.delete(key);
    }
    for (const [groupId, producers] of this.#producersByGroup) {
      if (!inScope(groupId) || !producers.has(producerId)) continue;
      producers.delete(producerId);
      if (producers.size === 0) this.#producersByGroup.delete(groupId);
    }
    const stillOpen = [...this.#producersByGroup.values()].some((producers) => producers.has(producerId));
    if (!stillOpen) this.#byProducer.delete(producerId);
    return completed;
  }
}

// Committed offsets in memory, by group, topic and partition: what OffsetFetch reads. The durable copy
// is __consumer_offsets; this store is rebuilt from it on start and updated after each append.
import type { CommittedOffset } from './group.ts';

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: CommittedOffset;
}

export class OffsetStore {
  readonly #byGroup = new Map<string, Map<string, Map<number, CommittedOffset>>>();

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.#byGroup.get(groupId)?.get(topic)?.get(partition);
  }

  set(groupId: string, topic: string, partition: number, offset: CommittedOffset): void {
    let topics = this.#byGroup.get(groupId);
    if (!topics) {
      topics = new Map();
      this.#byGroup.set(groupId, topics);
    }
    let partitions = topics.get(topic);
    if (!partitions) {
      partitions = new Map();
      topics.set(topic, partitions);
    }
    partitions.set(partition, offset);
  }

  /** Removes one offset; true when there was one. */
  delete(groupId: string, topic: string, partition: number): boolean {
    const topics = this.#byGroup.get(groupId);
    const partitions = topics?.get(topic);
    if (!partitions?.delete(partition)) return false;
    if (partitions.size === 0) topics!.delete(topic);
    if (topics!.size === 0) this.#byGroup.delete(groupId);
    return true;
  }

  hasOffsets(groupId: string): boolean {
    return this.#byGroup.has(groupId);
  }

  /** Every offset of a group, topic by topic in commit order. */
  *offsetsOf(groupId: string): Generator<TopicPartitionOffset> {
    const topics = this.#byGroup.get(groupId);
    if (!topics) return;
    for (const [topic, partitions] of topics) {
      for (const [partition, offset] of partitions) yield { topic, partition, offset };
    }
  }

  /** The partitions of a topic that have an offset in this group. */
  partitionsOf(groupId: string, topic: string): number[] {
    return [...(this.#byGroup.get(groupId)?.get(topic)?.keys() ?? [])];
  }

  groupIds(): IterableIterator<string> {
    return this.#byGroup.keys();
  }

  /** Groups holding an offset of this topic. */
  groupsWithTopic(topic: string): string[] {
    return [...this.#byGroup].filter(([, topics]) => topics.has(topic)).map(([groupId]) => groupId);
  }
}

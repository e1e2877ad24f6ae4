// Sets of partitions keyed by topic id: the shape of every assignment in a consumer group (target,
// assigned, pending revocation, owned). Values are treated as immutable; helpers return new maps and
// never keep empty topic entries, so two equal assignments are also structurally equal.

export type TopicPartitions = ReadonlyMap<string, ReadonlySet<number>>;

/** The wire shape (ConsumerGroupHeartbeat, records): topic id and a list of partition indexes. */
export interface TopicPartitionList {
  topicId: string;
  partitions: number[];
}

export const NO_PARTITIONS: TopicPartitions = new Map();

export function fromList(list: readonly TopicPartitionList[] | null | undefined): TopicPartitions {
  const out = new Map<string, Set<number>>();
  for (const { topicId, partitions } of list ?? []) {
    if (partitions.length === 0) continue;
    let set = out.get(topicId);
    if (!set) {
      set = new Set();
      out.set(topicId, set);
    }
    for (const p of partitions) set.add(p);
  }
  return out;
}

/** Topics in id order, partitions ascending: a stable wire and record form. */
export function toList(partitions: TopicPartitions): TopicPartitionList[] {
  return [...partitions.keys()]
    .sort()
    .map((topicId) => ({ topicId, partitions: [...partitions.get(topicId)!].sort((a, b) => a - b) }));
}

export function partitionCount(partitions: TopicPartitions): number {
  let n = 0;
  for (const set of partitions.values()) n += set.size;
  return n;
}

export function samePartitions(a: TopicPartitions, b: TopicPartitions): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [topicId, set] of a) {
    const other = b.get(topicId);
    if (!other || other.size !== set.size) return false;
    for (const p of set) if (!other.has(p)) return false;
  }
  return true;
}

/** Whether every partition of `a` is also in `b`. */
export function isSubsetOf(a: TopicPartitions, b: TopicPartitions): boolean {
  for (const [topicId, set] of a) {
    const other = b.get(topicId);
    if (!other) return false;
    for (const p of set) if (!other.has(p)) return false;
  }
  return true;
}

/** Whether `a` and `b` share at least one partition. */
export function intersects(a: TopicPartitions, b: TopicPartitions): boolean {
  for (const [topicId, set] of a) {
    const other = b.get(topicId);
    if (!other) continue;
    for (const p of set) if (other.has(p)) return true;
  }
  return false;
}

/** A mutable builder for the helpers above and for assignors. */
export class PartitionsBuilder {
  private readonly map = new Map<string, Set<number>>();

  constructor(initial: TopicPartitions = NO_PARTITIONS) {
    for (const [topicId, set] of initial) this.map.set(topicId, new Set(set));
  }

  add(topicId: string, partition: number): this {
    let set = this.map.get(topicId);
    if (!set) {
      set = new Set();
      this.map.set(topicId, set);
    }
    set.add(partition);
    return this;
  }

  delete(topicId: string, partition: number): this {
    const set = this.map.get(topicId);
    if (set?.delete(partition) && set.size === 0) this.map.delete(topicId);
    return this;
  }

  deleteTopic(topicId: string): this {
    this.map.delete(topicId);
    return this;
  }

  hasTopic(topicId: string): boolean {
    return this.map.has(topicId);
  }

  build(): TopicPartitions {
    const out = new Map<string, Set<number>>();
    for (const [topicId, set] of this.map) if (set.size > 0) out.set(topicId, new Set(set));
    return out;
  }
}

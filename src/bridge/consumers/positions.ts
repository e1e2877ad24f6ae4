// What a consumer instance knows about each partition it holds, kept by the bridge rather than by the
// client library so that seek is exact and a poll returns exactly what was fetched since the last one:
// the position (the offset of the next record to hand out, what a commit without a body commits), the
// offset to fetch from next, and records fetched but not handed out yet (a poll hands out at most
// max.poll.records). Pure.

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** A fetched record, before it is turned into the API's JSON. */
export interface FetchedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | undefined;
  value: Buffer | undefined;
  headers: [Buffer, Buffer | undefined][];
}

interface PartitionState extends TopicPartition {
  /** undefined until resolved from the committed offset or auto.offset.reset. */
  position: bigint | undefined;
  fetchOffset: bigint | undefined;
  buffered: FetchedRecord[];
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class PartitionPositions {
  #partitions = new Map<string, PartitionState>();

  /** The partitions held now, in the order they were assigned. */
  assigned(): TopicPartition[] {
    return [...this.#partitions.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  has(topic: string, partition: number): boolean {
    return this.#partitions.has(partitionKey(topic, partition));
  }

  /** Holds exactly `partitions`: those kept keep their position, new ones start unresolved. */
  assign(partitions: TopicPartition[]): void {
    const next = new Map<string, PartitionState>();
    for (const { topic, partition } of partitions) {
      const key = partitionKey(topic, partition);
      next.set(
        key,
        this.#partitions.get(key) ?? {
          topic,
          partition,
          position: undefined,
          fetchOffset: undefined,
          buffered: [],
        },
      );
    }
    this.#partitions = next;
  }

  /** Held partitions whose position is still to be resolved. */
  unresolved(): TopicPartition[] {
    return [...this.#partitions.values()]
      .filter((p) => p.position === undefined)
      .map(({ topic, partition }) => ({ topic, partition }));
  }

  /** Moves to `offset`: the next poll starts there, whatever was fetched before is dropped. */
  seek(topic: string, partition: number, offset: bigint): void {
    const state = this.#partitions.get(partitionKey(topic, partition));
    if (!state) throw new Error(`No current assignment for partition ${topic}-${partition}`);
    state.position = offset;
    state.fetchOffset = offset;
    state.buffered = [];
  }

  /** The position of a held partition (undefined while unresolved). */
  position(topic: string, partition: number): bigint | undefined {
    return this.#partitions.get(partitionKey(topic, partition))?.position;
  }

  /** Where to fetch from next: resolved partitions only. */
  fetchOffsets(): (TopicPartition & { offset: bigint })[] {
    const result: (TopicPartition & { offset: bigint })[] = [];
    for (const { topic, partition, fetchOffset } of this.#partitions.values()) {
      if (fetchOffset !== undefined) result.push({ topic, partition, offset: fetchOffset });
    }
    return result;
  }

  /**
   * Records fetched from `requestedOffset` on, and the offset to fetch from next. Ignored when the
   * partition is no longer held or was moved (seek, rebalance) since the fetch was sent.
   */
  fetched(
    topic: string,
    partition: number,
    requestedOffset: bigint,
    records: FetchedRecord[],
    nextFetchOffset: bigint,
  ): void {
    const state = this.#partitions.get(partitionKey(topic, partition));
    if (!state || state.fetchOffset !== requestedOffset) return;
    state.buffered.push(...records.filter((record) => record.offset >= requestedOffset));
    if (nextFetchOffset > requestedOffset) state.fetchOffset = nextFetchOffset;
  }

  /** Whether any fetched record waits to be handed out. */
  hasBuffered(): boolean {
    for (const state of this.#partitions.values()) if (state.buffered.length > 0) return true;
    return false;
  }

  /**
   * Hands out up to `max` buffered records, partition after partition, in offset order within each,
   * and moves each partition's position past what it handed out.
   */
  take(max: number): FetchedRecord[] {
    const taken: FetchedRecord[] = [];
    for (const state of this.#partitions.values()) {
      if (taken.length >= max) break;
      const records = state.buffered.splice(0, max - taken.length);
      if (records.length === 0) continue;
      taken.push(...records);
      state.position = records[records.length - 1].offset + 1n;
    }
    return taken;
  }

  /** The positions of the held, resolved partitions: what "commit everything polled" commits. */
  consumed(): (TopicPartition & { offset: bigint })[] {
    const result: (TopicPartition & { offset: bigint })[] = [];
    for (const { topic, partition, position } of this.#partitions.values()) {
      if (position !== undefined) result.push({ topic, partition, offset: position });
    }
    return result;
  }
}

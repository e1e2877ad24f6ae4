// The sparse time index of a segment (Kafka's TimeIndex): entries of (timestamp int64, relative offset
// int32), big-endian, 12 bytes each. Timestamps only ever increase: an entry is added when the largest
// timestamp seen so far grew, pointing at the (last) offset of the batch that carries it.
import { NO_TIMESTAMP } from './batch-scan.ts';
import { ensureCapacity } from './grow.ts';

const TIME_INDEX_ENTRY_SIZE = 12;

export interface TimestampOffset {
  timestamp: bigint;
  offset: bigint;
}

export class TimeIndex {
  readonly baseOffset: bigint;
  #maxEntries: number;
  #timestamps = new BigInt64Array(16);
  #relativeOffsets = new Int32Array(16);
  #count = 0;

  constructor(baseOffset: bigint, maxIndexBytes: number) {
    this.baseOffset = baseOffset;
    this.#maxEntries = Math.floor(maxIndexBytes / TIME_INDEX_ENTRY_SIZE);
  }

  get entries(): number {
    return this.#count;
  }

  get isFull(): boolean {
    return this.#count >= this.#maxEntries;
  }

  setMaxIndexBytes(maxIndexBytes: number): void {
    this.#maxEntries = Math.floor(maxIndexBytes / TIME_INDEX_ENTRY_SIZE);
  }

  /**
   * Adds (timestamp, offset) if the timestamp is larger than the last entry's (an empty index behaves as
   * if its last timestamp were NO_TIMESTAMP, as in Kafka). `force` ignores the size bound, as Kafka does
   * for the final entry written when a segment stops being active.
   */
  maybeAppend(timestamp: bigint, offset: bigint, force = false): void {
    if (this.isFull && !force) return;
    const last = this.#count - 1;
    if (timestamp <= (last >= 0 ? this.#timestamps[last] : NO_TIMESTAMP)) return;
    const relative = Number(offset - this.baseOffset);
    if (last >= 0 && relative < this.#relativeOffsets[last]) {
      throw new Error(`time index offsets must not decrease: ${offset} after ${this.lastEntry()?.offset}`);
    }
    this.#timestamps = ensureCapacity(this.#timestamps, this.#count + 1);
    this.#relativeOffsets = ensureCapacity(this.#relativeOffsets, this.#count + 1);
    this.#timestamps[this.#count] = timestamp;
    this.#relativeOffsets[this.#count] = relative;
    this.#count++;
  }

  /** Offset of the largest entry whose timestamp is <= `timestamp`, or the base offset when there is none. */
  lookup(timestamp: bigint): bigint {
    let lo = 0;
    let hi = this.#count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#timestamps[mid] <= timestamp) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? this.baseOffset : this.baseOffset + BigInt(this.#relativeOffsets[found]);
  }

  lastEntry(): TimestampOffset | null {
    if (this.#count === 0) return null;
    const last = this.#count - 1;
    return {
      timestamp: this.#timestamps[last],
      offset: this.baseOffset + BigInt(this.#relativeOffsets[last]),
    };
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.#count * TIME_INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.#count; i++) {
      buf.writeBigInt64BE(this.#timestamps[i], i * TIME_INDEX_ENTRY_SIZE);
      buf.writeInt32BE(this.#relativeOffsets[i], i * TIME_INDEX_ENTRY_SIZE + 8);
    }
    return buf;
  }

  /**
   * Decodes a time index file, or returns why it cannot be trusted: whole entries, strictly increasing
   * timestamps, non-decreasing offsets below `nextOffset` (the segment's end).
   */
  static fromBuffer(
    buf: Buffer,
    baseOffset: bigint,
    maxIndexBytes: number,
    nextOffset: bigint,
  ): TimeIndex | string {
    if (buf.length % TIME_INDEX_ENTRY_SIZE !== 0)
      return `time index size ${buf.length} is not a multiple of 12`;
    const index = new TimeIndex(baseOffset, maxIndexBytes);
    for (let at = 0; at < buf.length; at += TIME_INDEX_ENTRY_SIZE) {
      const timestamp = buf.readBigInt64BE(at);
      const relative = buf.readInt32BE(at + 8);
      const last = index.#count - 1;
      if (timestamp < 0n || relative < 0 || baseOffset + BigInt(relative) >= nextOffset) {
        return `entry ${at / 12} out of range`;
      }
      if (last >= 0 && (timestamp <= index.#timestamps[last] || relative < index.#relativeOffsets[last])) {
        return `entry ${at / 12} does not increase`;
      }
      index.maybeAppend(timestamp, baseOffset + BigInt(relative), true);
    }
    return index;
  }
}

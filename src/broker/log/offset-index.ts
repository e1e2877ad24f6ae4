// The sparse offset index of a segment (Kafka's OffsetIndex): entries of (relative offset int32, file
// position int32), big-endian, 8 bytes each. An entry maps the LAST offset of a batch to the position
// where that batch starts, so the largest entry <= a target gives a position at or before the batch
// containing the target. Kept in memory; the file is written whole when the segment is sealed or closed.
import { ensureCapacity } from './grow.ts';

const OFFSET_INDEX_ENTRY_SIZE = 8;
const INT32_MAX = 0x7fffffff;

export class OffsetIndex {
  readonly baseOffset: bigint;
  #maxEntries: number;
  #relativeOffsets = new Int32Array(16);
  #positions = new Int32Array(16);
  #count = 0;

  constructor(baseOffset: bigint, maxIndexBytes: number) {
    this.baseOffset = baseOffset;
    this.#maxEntries = Math.floor(maxIndexBytes / OFFSET_INDEX_ENTRY_SIZE);
  }

  get entries(): number {
    return this.#count;
  }

  get isFull(): boolean {
    return this.#count >= this.#maxEntries;
  }

  setMaxIndexBytes(maxIndexBytes: number): void {
    this.#maxEntries = Math.floor(maxIndexBytes / OFFSET_INDEX_ENTRY_SIZE);
  }

  /** Whether `offset` fits the int32 relative offset of this segment's indexes. */
  canHold(offset: bigint): boolean {
    const relative = offset - this.baseOffset;
    return relative >= 0n && relative <= BigInt(INT32_MAX);
  }

  append(offset: bigint, position: number): void {
    const relative = Number(offset - this.baseOffset);
    const last = this.#count - 1;
    if (last >= 0 && (relative <= this.#relativeOffsets[last] || position <= this.#positions[last])) {
      throw new Error(
        `offset index entries must increase: ${offset}@${position} after ${this.lastEntry()?.offset}`,
      );
    }
    this.#relativeOffsets = ensureCapacity(this.#relativeOffsets, this.#count + 1);
    this.#positions = ensureCapacity(this.#positions, this.#count + 1);
    this.#relativeOffsets[this.#count] = relative;
    this.#positions[this.#count] = position;
    this.#count++;
  }

  /** Position of the largest entry whose offset is <= `offset`, or 0 when there is none. */
  lookup(offset: bigint): number {
    const relative = offset - this.baseOffset;
    if (relative < 0n) return 0;
    const target = relative > BigInt(INT32_MAX) ? INT32_MAX : Number(relative);
    let lo = 0;
    let hi = this.#count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#relativeOffsets[mid] <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? 0 : this.#positions[found];
  }

  lastEntry(): { offset: bigint; position: number } | null {
    if (this.#count === 0) return null;
    const last = this.#count - 1;
    return { offset: this.baseOffset + BigInt(this.#relativeOffsets[last]), position: this.#positions[last] };
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.#count * OFFSET_INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.#count; i++) {
      buf.writeInt32BE(this.#relativeOffsets[i], i * OFFSET_INDEX_ENTRY_SIZE);
      buf.writeInt32BE(this.#positions[i], i * OFFSET_INDEX_ENTRY_SIZE + 4);
    }
    return buf;
  }

  /**
   * Decodes an index file, or returns why it cannot be trusted: entries must be whole, strictly
   * increasing in both offset and position, and point inside a log of `logSize` bytes.
   */
  static fromBuffer(
    buf: Buffer,
    baseOffset: bigint,
    maxIndexBytes: number,
    logSize: number,
  ): OffsetIndex | string {
    if (buf.length % OFFSET_INDEX_ENTRY_SIZE !== 0) return `index size ${buf.length} is not a multiple of 8`;
    const index = new OffsetIndex(baseOffset, maxIndexBytes);
    for (let at = 0; at < buf.length; at += OFFSET_INDEX_ENTRY_SIZE) {
      const relative = buf.readInt32BE(at);
      const position = buf.readInt32BE(at + 4);
      const last = index.#count - 1;
      if (relative < 0 || position < 0 || position >= logSize) return `entry ${at / 8} out of range`;
      if (last >= 0 && (relative <= index.#relativeOffsets[last] || position <= index.#positions[last])) {
        return `entry ${at / 8} does not increase`;
      }
      index.append(baseOffset + BigInt(relative), position);
    }
    return index;
  }
}

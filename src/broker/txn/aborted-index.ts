// The aborted-transaction index of a partition (Kafka's TransactionIndex, one `.txnindex` file per
// segment): for every aborted transaction, its producer, first offset, last offset (its abort marker's
// offset) and the last stable offset right after it ended. An entry belongs to the segment holding the
// marker, so it goes with that segment when retention deletes it and moves with it when the cleaner
// rewrites it. Fetch at read_committed asks which aborted transactions overlap the range it returns.
//
// The file format is Kafka's: entries of 34 bytes, version int16 (0) | producerId int64 | firstOffset
// int64 | lastOffset int64 | lastStableOffset int64, appended in marker order. This module is pure:
// encoding, decoding and the in-memory lookup; the partition log does the file I/O.
import type { AbortedTransaction } from './producer-state.ts';

export interface AbortedTxn {
  producerId: bigint;
  firstOffset: bigint;
  /** Offset of the abort marker. */
  lastOffset: bigint;
  /** The LSO once this transaction ended: no transaction that started before it is still open after. */
  lastStableOffset: bigint;
}

export const ABORTED_TXN_ENTRY_SIZE = 34;
const ENTRY_VERSION = 0;

export function encodeAbortedTxns(entries: readonly AbortedTxn[]): Buffer {
  const buf = Buffer.alloc(entries.length * ABORTED_TXN_ENTRY_SIZE);
  entries.forEach((entry, i) => {
    const at = i * ABORTED_TXN_ENTRY_SIZE;
    buf.writeInt16BE(ENTRY_VERSION, at);
    buf.writeBigInt64BE(entry.producerId, at + 2);
    buf.writeBigInt64BE(entry.firstOffset, at + 10);
    buf.writeBigInt64BE(entry.lastOffset, at + 18);
    buf.writeBigInt64BE(entry.lastStableOffset, at + 26);
  });
  return buf;
}

/**
 * The entries of a `.txnindex` file. A torn last entry (a crash in the middle of an append) is left out,
 * as is anything after an entry of an unknown version; `problem` says so, for the caller to rewrite it.
 */
export function decodeAbortedTxns(buf: Buffer): { entries: AbortedTxn[]; problem: string | null } {
  const entries: AbortedTxn[] = [];
  let at = 0;
  for (; at + ABORTED_TXN_ENTRY_SIZE <= buf.length; at += ABORTED_TXN_ENTRY_SIZE) {
    const version = buf.readInt16BE(at);
    if (version !== ENTRY_VERSION) return { entries, problem: `unknown entry version ${version} at ${at}` };
    entries.push({
      producerId: buf.readBigInt64BE(at + 2),
      firstOffset: buf.readBigInt64BE(at + 10),
      lastOffset: buf.readBigInt64BE(at + 18),
      lastStableOffset: buf.readBigInt64BE(at + 26),
    });
  }
  return { entries, problem: at === buf.length ? null : `torn entry of ${buf.length - at} bytes at the end` };
}

/** The aborted transactions of a partition, grouped by the base offset of the segment holding each marker. */
export class AbortedTxnIndex {
  readonly #bySegment = new Map<bigint, AbortedTxn[]>();
  /** Segment base offsets in ascending order; rebuilt lazily after a change. */
  #bases: bigint[] | null = null;

  add(segmentBase: bigint, entry: AbortedTxn): void {
    const entries = this.#bySegment.get(segmentBase);
    if (entries) entries.push(entry);
    else this.set(segmentBase, [entry]);
  }

  /** Replaces the entries of one segment (an empty list forgets it). */
  set(segmentBase: bigint, entries: AbortedTxn[]): void {
    if (entries.length === 0) this.#bySegment.delete(segmentBase);
    else this.#bySegment.set(segmentBase, entries);
    this.#bases = null;
  }

  entriesOf(segmentBase: bigint): readonly AbortedTxn[] {
    return this.#bySegment.get(segmentBase) ?? [];
  }

  /** Forgets the entries whose markers are at or after `offset` (they are replayed again). */
  truncateFrom(offset: bigint): void {
    for (const [base, entries] of [...this.#bySegment]) {
      const kept = entries.filter((entry) => entry.lastOffset < offset);
      if (kept.length !== entries.length) this.set(base, kept);
    }
  }

  get size(): number {
    let total = 0;
    for (const entries of this.#bySegment.values()) total += entries.length;
    return total;
  }

  /**
   * The aborted transactions with data in [fromOffset, toOffset) (Kafka's collectAbortedTxns): those
   * whose marker is at or after fromOffset and whose first offset is before toOffset. Markers come in
   * offset order, so the walk stops at the first entry whose LSO reached toOffset: every transaction that
   * started before toOffset had ended by then.
   */
  collect(fromOffset: bigint, toOffset: bigint): AbortedTransaction[] {
    return this.entriesBetween(fromOffset, toOffset).map((entry) => ({
      producerId: entry.producerId,
      firstOffset: entry.firstOffset,
    }));
  }

  /** The whole index entries that collect answers with. */
  entriesBetween(fromOffset: bigint, toOffset: bigint): AbortedTxn[] {
    this.#bases ??= [...this.#bySegment.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const found: AbortedTxn[] = [];
    for (const base of this.#bases) {
      for (const entry of this.#bySegment.get(base)!) {
        if (entry.lastOffset < fromOffset) continue;
        if (entry.firstOffset < toOffset) found.push(entry);
        if (entry.lastStableOffset >= toOffset) return found;
      }
    }
    return found;
  }
}

// The cleaner's map from key to the offset of its latest record in the dirty part of a log (Kafka's
// SkimpyOffsetMap): keys are stored as 128-bit hashes (key-hash.ts) beside their offset, 24 bytes a
// slot, in an open-addressed table. Its memory is bounded by log.cleaner.dedupe.buffer.size (divided
// among the cleaner threads); it starts small and doubles up to that bound, and once it holds
// log.cleaner.io.buffer.load.factor of its largest size it is full: a cleaning then covers only the
// part of the dirty log whose keys fit, as in Kafka.
// Offsets are kept as doubles: exact up to 2^53, far beyond any offset a log reaches.
import { hashKey } from './key-hash.ts';

/** Kafka's accounting: a 16-byte hash and an 8-byte offset per slot. */
const BYTES_PER_SLOT = 24;
const INITIAL_SLOTS = 1024;
const EMPTY = -1;

export class KeyOffsetMap {
  /** Largest number of slots (a power of two) the memory bound allows. */
  readonly maxSlots: number;
  readonly loadFactor: number;
  #slots = 0;
  #hashes = new Int32Array(0);
  #offsets = new Float64Array(0);
  #entries = 0;
  #seed = 0;
  #latestOffset = -1;
  readonly #hash = new Int32Array(4);

  constructor(memoryBytes: number, loadFactor: number) {
    if (!(loadFactor > 0 && loadFactor <= 1)) throw new RangeError(`load factor ${loadFactor} not in (0, 1]`);
    const fits = Math.floor(memoryBytes / BYTES_PER_SLOT);
    if (fits < 2) throw new RangeError(`${memoryBytes} bytes cannot hold an offset map`);
    this.maxSlots = 2 ** Math.floor(Math.log2(fits));
    this.loadFactor = loadFactor;
    this.clear();
  }

  /** Empties the map (and gives back the memory it grew into), with a fresh hash seed. */
  clear(): void {
    this.#allocate(Math.min(INITIAL_SLOTS, this.maxSlots));
    this.#entries = 0;
    this.#latestOffset = -1;
    this.#seed = (Math.random() * 0x100000000) | 0;
  }

  /** Distinct keys held. */
  get size(): number {
    return this.#entries;
  }

  /** The most keys the map can hold at its largest. */
  get capacity(): number {
    return Math.floor(this.maxSlots * this.loadFactor);
  }

  /** Share of the largest map in use (Kafka's buffer utilization metric). */
  get utilization(): number {
    return this.#entries / this.maxSlots;
  }

  /** The last offset the map covers: records after it were not looked at. */
  get latestOffset(): number {
    return this.#latestOffset;
  }

  updateLatestOffset(offset: number): void {
    if (offset > this.#latestOffset) this.#latestOffset = offset;
  }

  /**
   * Records `offset` as the latest of the key in `buf[start, end)`. Returns false, changing nothing, when
   * the key is new and the map is full.
   */
  put(buf: Uint8Array, start: number, end: number, offset: number): boolean {
    hashKey(buf, start, end, this.#seed, this.#hash);
    let slot = this.#find(this.#hash);
    if (this.#offsets[slot] === EMPTY) {
      if (this.#entries + 1 > this.#slots * this.loadFactor) {
        if (this.#slots >= this.maxSlots) return false;
        this.#grow();
        slot = this.#find(this.#hash);
      }
      this.#hashes.set(this.#hash, slot * 4);
      this.#entries++;
    }
    this.#offsets[slot] = offset;
    this.updateLatestOffset(offset);
    return true;
  }

  /** The latest offset recorded for the key in `buf[start, end)`, or -1. */
  get(buf: Uint8Array, start: number, end: number): number {
    hashKey(buf, start, end, this.#seed, this.#hash);
    return this.#offsets[this.#find(this.#hash)];
  }

  /** The slot holding `hash`, or the empty slot where it would go (double hashing over 2^n slots). */
  #find(hash: Int32Array): number {
    const mask = this.#slots - 1;
    // An odd step visits every slot of a power-of-two table.
    const step = (hash[1] | 1) & mask;
    const hashes = this.#hashes;
    let slot = hash[0] & mask;
    for (;;) {
      if (this.#offsets[slot] === EMPTY) return slot;
      const at = slot * 4;
      if (
        hashes[at] === hash[0] &&
        hashes[at + 1] === hash[1] &&
        hashes[at + 2] === hash[2] &&
        hashes[at + 3] === hash[3]
      ) {
        return slot;
      }
      slot = (slot + step) & mask;
    }
  }

  #allocate(slots: number): void {
    this.#slots = slots;
    this.#hashes = new Int32Array(slots * 4);
    this.#offsets = new Float64Array(slots).fill(EMPTY);
  }

  #grow(): void {
    const hashes = this.#hashes;
    const offsets = this.#offsets;
    this.#allocate(this.#slots * 2);
    const hash = new Int32Array(4);
    for (let slot = 0; slot < offsets.length; slot++) {
      if (offsets[slot] === EMPTY) continue;
      hash.set(hashes.subarray(slot * 4, slot * 4 + 4));
      const target = this.#find(hash);
      this.#hashes.set(hash, target * 4);
      this.#offsets[target] = offsets[slot];
    }
  }
}

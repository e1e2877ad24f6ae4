// Variable-length integers of the Kafka protocol (the encodings of Protocol Buffers):
//   - unsigned varint: LEB128 of a 32-bit unsigned value, 1–5 bytes (compact lengths, tagged fields);
//   - varint: zigzag-encoded int32, 1–5 bytes (record lengths, deltas, key/value/header sizes);
//   - varlong: zigzag-encoded int64, 1–10 bytes (record timestamp deltas).
//
// Public API (every read throws RangeError on truncated or over-long input, never reads past the end):
//   sizeOfUVarint(v: number): number                 writeUVarint(buf, v, offset): number (new offset)
//   sizeOfVarint(v: number): number                  writeVarint(buf, v, offset): number
//   sizeOfVarlong(v: bigint): number                 writeVarlong(buf, v, offset): number
//   readUVarint / readVarint / readVarlongNumber(buf, offset): Decoded<number>
//   readVarlong(buf, offset): Decoded<bigint>
//   takeUVarint / takeVarint / takeVarlongNumber(buf, cursor): number; takeVarlong(buf, cursor): bigint
// The `take*` forms advance a cursor ({ pos, end }) instead of allocating a result object; they are the
// fast path for decoders that walk many fields (about twice as fast in a tight loop).
//
// Strictness: a 5th varint byte may only carry the 4 remaining bits of a 32-bit value and a 10th
// varlong byte only the last bit of a 64-bit one. Java's ByteUtils silently drops such extra bits; no
// encoder emits them, so here they are malformed input.

export interface Decoded<T> {
  value: T;
  /** The offset just after the encoded value. */
  offset: number;
}

/** A read position and the first offset a read may not touch; `take*` functions advance `pos`. */
export interface ByteCursor {
  pos: number;
  readonly end: number;
}

const TWO_POW_28 = 2 ** 28;
/** Up to 7 varlong bytes (49 bits) accumulate exactly in a double; longer ones go through BigInt. */
const EXACT_VARLONG_BYTES = 7;
/** |v| <= 2^52 keeps the zigzag value (at most 2^53) exact in a double: small values skip BigInt math. */
const NUMBER_ZIGZAG_LIMIT = 2 ** 52;
const NUMBER_ZIGZAG_BIGINT = BigInt(NUMBER_ZIGZAG_LIMIT);
const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

function truncated(what: string, at: number): RangeError {
  return new RangeError(`${what} truncated at offset ${at}`);
}

function tooLong(what: string, at: number): RangeError {
  return new RangeError(`${what} at offset ${at} does not fit its type`);
}

// ---- unsigned varint (uint32) --------------------------------------------------------------------

export function sizeOfUVarint(v: number): number {
  const u = v >>> 0;
  if (u < 0x80) return 1;
  if (u < 0x4000) return 2;
  if (u < 0x200000) return 3;
  if (u < 0x10000000) return 4;
  return 5;
}

/** Writes `v` (taken as uint32) at `offset`; returns the offset after it. The caller sized `buf`. */
export function writeUVarint(buf: Buffer, v: number, offset: number): number {
  let u = v >>> 0;
  let pos = offset;
  while (u >= 0x80) {
    buf[pos++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  buf[pos++] = u;
  return pos;
}

export function takeUVarint(buf: Buffer, cur: ByteCursor): number {
  const start = cur.pos;
  const end = cur.end;
  let pos = start;
  if (pos >= end) throw truncated('varint', start);
  let byte = buf[pos++];
  if (byte < 0x80) {
    cur.pos = pos;
    return byte;
  }
  let value = byte & 0x7f;
  for (let shift = 7; shift < 28; shift += 7) {
    if (pos >= end) throw truncated('varint', start);
    byte = buf[pos++];
    value |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      cur.pos = pos;
      return value;
    }
  }
  if (pos >= end) throw truncated('varint', start);
  byte = buf[pos++];
  if (byte > 0x0f) throw tooLong('varint', start);
  cur.pos = pos;
  // The top 4 bits would land on the sign bit of a 32-bit int: add them arithmetically instead.
  return value + byte * TWO_POW_28;
}

export function readUVarint(buf: Buffer, offset: number): Decoded<number> {
  const cur = { pos: offset, end: buf.length };
  const value = takeUVarint(buf, cur);
  return { value, offset: cur.pos };
}

// ---- zigzag varint (int32) -----------------------------------------------------------------------

function zigzag32(v: number): number {
  return ((v << 1) ^ (v >> 31)) >>> 0;
}

export function sizeOfVarint(v: number): number {
  return sizeOfUVarint(zigzag32(v));
}

/** Writes `v` (taken as int32) zigzag-encoded at `offset`; returns the offset after it. */
export function writeVarint(buf: Buffer, v: number, offset: number): number {
  return writeUVarint(buf, zigzag32(v), offset);
}

export function takeVarint(buf: Buffer, cur: ByteCursor): number {
  const u = takeUVarint(buf, cur);
  // `u` may exceed 2^31: the unsigned shift keeps its top bit, the XOR folds the result into int32.
  return (u >>> 1) ^ -(u & 1);
}

export function readVarint(buf: Buffer, offset: number): Decoded<number> {
  const cur = { pos: offset, end: buf.length };
  const value = takeVarint(buf, cur);
  return { value, offset: cur.pos };
}

// ---- zigzag varlong (int64) ----------------------------------------------------------------------

function zigzag64(v: bigint): bigint {
  return BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
}

function isNumberZigzag(v: bigint): boolean {
  return v >= -NUMBER_ZIGZAG_BIGINT && v <= NUMBER_ZIGZAG_BIGINT;
}

export function sizeOfVarlong(v: bigint): number {
  if (isNumberZigzag(v)) return sizeOfZigzagNumber(Number(v));
  let u = zigzag64(v);
  let size = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    size++;
  }
  return size;
}

/** Writes `v` (an int64) zigzag-encoded at `offset`; returns the offset after it. */
export function writeVarlong(buf: Buffer, v: bigint, offset: number): number {
  if (isNumberZigzag(v)) return writeZigzagNumber(buf, Number(v), offset);
  let u = zigzag64(v);
  let pos = offset;
  while (u >= 0x80n) {
    buf[pos++] = Number(u & 0x7fn) | 0x80;
    u >>= 7n;
  }
  buf[pos++] = Number(u);
  return pos;
}

function zigzagNumber(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

function sizeOfZigzagNumber(v: number): number {
  let u = zigzagNumber(v);
  let size = 1;
  while (u >= 0x80) {
    u = Math.floor(u / 0x80);
    size++;
  }
  return size;
}

function writeZigzagNumber(buf: Buffer, v: number, offset: number): number {
  let u = zigzagNumber(v);
  let pos = offset;
  while (u >= 0x80) {
    buf[pos++] = (u % 0x80) | 0x80;
    u = Math.floor(u / 0x80);
  }
  buf[pos++] = u;
  return pos;
}

/**
 * Reads the zigzag value of a varlong. Short encodings (up to 7 bytes) come back as an exact number;
 * longer ones as a bigint. Every caller then unzigzags in the representation it got.
 */
function takeZigzag64(buf: Buffer, cur: ByteCursor): number | bigint {
  const start = cur.pos;
  const end = cur.end;
  let pos = start;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < EXACT_VARLONG_BYTES; i++) {
    if (pos >= end) throw truncated('varlong', start);
    const byte = buf[pos++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      cur.pos = pos;
      return value;
    }
    scale *= 0x80;
  }
  let big = BigInt(value);
  for (let shift = 7n * BigInt(EXACT_VARLONG_BYTES); shift < 70n; shift += 7n) {
    if (pos >= end) throw truncated('varlong', start);
    const byte = buf[pos++];
    if (shift === 63n && byte > 0x01) throw tooLong('varlong', start);
    big |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) {
      cur.pos = pos;
      return big;
    }
  }
  throw tooLong('varlong', start);
}

function unzigzagNumber(u: number): number {
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

function unzigzagBigint(u: bigint): bigint {
  return (u >> 1n) ^ -(u & 1n);
}

export function takeVarlong(buf: Buffer, cur: ByteCursor): bigint {
  const u = takeZigzag64(buf, cur);
  return typeof u === 'number' ? BigInt(unzigzagNumber(u)) : unzigzagBigint(u);
}

/** Reads a varlong as a number; throws RangeError if its value is outside the safe integer range. */
export function takeVarlongNumber(buf: Buffer, cur: ByteCursor): number {
  const start = cur.pos;
  const u = takeZigzag64(buf, cur);
  if (typeof u === 'number') return unzigzagNumber(u);
  const v = unzigzagBigint(u);
  if (v > MAX_SAFE_BIGINT || v < -MAX_SAFE_BIGINT) {
    cur.pos = start;
    throw new RangeError(`varlong at offset ${start} is ${v}, beyond the safe integer range`);
  }
  return Number(v);
}

export function readVarlong(buf: Buffer, offset: number): Decoded<bigint> {
  const cur = { pos: offset, end: buf.length };
  const value = takeVarlong(buf, cur);
  return { value, offset: cur.pos };
}

export function readVarlongNumber(buf: Buffer, offset: number): Decoded<number> {
  const cur = { pos: offset, end: buf.length };
  const value = takeVarlongNumber(buf, cur);
  return { value, offset: cur.pos };
}

// An append-only writer for Kafka's big-endian wire types. Small values are packed into a growing scratch
// buffer; large byte payloads (record batches read from the log) are kept as their own chunks, so a Fetch
// response is written to the socket without copying the records it carries.
import { sizeOfUVarint, writeUVarint } from './varint.ts';

const INITIAL_SCRATCH = 1024;
const MAX_SCRATCH = 64 * 1024;
/** Payloads at least this large become chunks of their own instead of being copied. */
const ZERO_COPY_THRESHOLD = 512;

export class Writer {
  private readonly chunks: Buffer[] = [];
  private scratch: Buffer;
  private start = 0;
  private pos = 0;
  private total = 0;

  constructor(initialSize = INITIAL_SCRATCH) {
    this.scratch = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.total;
  }

  /**
   * Makes room for n bytes and returns where to write them. It may swap the scratch buffer, so callers
   * must call it before reading `this.scratch`.
   */
  private reserve(n: number): number {
    if (this.pos + n > this.scratch.length) {
      this.seal();
      this.scratch = Buffer.allocUnsafe(Math.max(n, Math.min(this.scratch.length * 2, MAX_SCRATCH)));
      this.start = 0;
      this.pos = 0;
    }
    const at = this.pos;
    this.pos += n;
    this.total += n;
    return at;
  }

  /** Moves the written part of the scratch buffer into the chunk list. */
  private seal(): void {
    if (this.pos > this.start) this.chunks.push(this.scratch.subarray(this.start, this.pos));
    this.start = this.pos;
  }

  int8(v: number): this {
    const at = this.reserve(1);
    this.scratch.writeInt8(v, at);
    return this;
  }

  bool(v: boolean): this {
    const at = this.reserve(1);
    this.scratch[at] = v ? 1 : 0;
    return this;
  }

  int16(v: number): this {
    const at = this.reserve(2);
    this.scratch.writeInt16BE(v, at);
    return this;
  }

  uint16(v: number): this {
    const at = this.reserve(2);
    this.scratch.writeUInt16BE(v, at);
    return this;
  }

  int32(v: number): this {
    const at = this.reserve(4);
    this.scratch.writeInt32BE(v, at);
    return this;
  }

  uint32(v: number): this {
    const at = this.reserve(4);
    this.scratch.writeUInt32BE(v, at);
    return this;
  }

  int64(v: bigint): this {
    const at = this.reserve(8);
    this.scratch.writeBigInt64BE(v, at);
    return this;
  }

  float64(v: number): this {
    const at = this.reserve(8);
    this.scratch.writeDoubleBE(v, at);
    return this;
  }

  /** Unsigned LEB128 varint of a 32-bit value (compact lengths, tags). */
  uvarint(v: number): this {
    const at = this.reserve(sizeOfUVarint(v));
    writeUVarint(this.scratch, v, at);
    return this;
  }

  raw(bytes: Buffer): this {
    if (bytes.length >= ZERO_COPY_THRESHOLD) {
      this.seal();
      this.chunks.push(bytes);
      this.total += bytes.length;
    } else if (bytes.length > 0) {
      const at = this.reserve(bytes.length);
      bytes.copy(this.scratch, at);
    }
    return this;
  }

  /** UTF-8 string bytes, without any length prefix. */
  utf8(s: string, byteLength: number): this {
    if (byteLength >= ZERO_COPY_THRESHOLD) return this.raw(Buffer.from(s, 'utf8'));
    const at = this.reserve(byteLength);
    this.scratch.write(s, at, byteLength, 'utf8');
    return this;
  }

  /** The written bytes as a list of chunks, in order. The writer must not be used afterwards. */
  chunksOut(): Buffer[] {
    this.seal();
    return this.chunks;
  }

  toBuffer(): Buffer {
    const chunks = this.chunksOut();
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.total);
  }
}

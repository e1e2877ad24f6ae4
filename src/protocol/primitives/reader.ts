// A bounds-checked cursor over a Buffer for Kafka's big-endian wire types. Every read past the end
// raises MalformedMessageError, which the broker turns into a closed connection, never a crash.
import { takeUVarint } from './varint.ts';

export class MalformedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

export class Reader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private take(n: number, what: string): number {
    const at = this.pos;
    if (n < 0 || at + n > this.end) {
      throw new MalformedMessageError(
        `${what}: needs ${n} bytes at offset ${at}, only ${this.end - at} left`,
      );
    }
    this.pos = at + n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1, 'int8'));
  }

  bool(): boolean {
    return this.buf[this.take(1, 'bool')] !== 0;
  }

  int16(): number {
    return this.buf.readInt16BE(this.take(2, 'int16'));
  }

  uint16(): number {
    return this.buf.readUInt16BE(this.take(2, 'uint16'));
  }

  int32(): number {
    return this.buf.readInt32BE(this.take(4, 'int32'));
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.take(4, 'uint32'));
  }

  int64(): bigint {
    return this.buf.readBigInt64BE(this.take(8, 'int64'));
  }

  float64(): number {
    return this.buf.readDoubleBE(this.take(8, 'float64'));
  }

  /** Unsigned LEB128 varint of at most 5 bytes (a 32-bit value). */
  uvarint(): number {
    try {
      return takeUVarint(this.buf, this);
    } catch (err) {
      throw new MalformedMessageError((err as Error).message);
    }
  }

  /** A view (no copy) of the next n bytes. */
  bytes(n: number): Buffer {
    const at = this.take(n, 'bytes');
    return this.buf.subarray(at, at + n);
  }

  utf8(n: number): string {
    const at = this.take(n, 'string');
    return this.buf.toString('utf8', at, at + n);
  }

  skip(n: number): void {
    this.take(n, 'skip');
  }
}

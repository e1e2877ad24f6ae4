// Splits a TCP byte stream into Kafka frames (4-byte big-endian size, then that many bytes). Pure: feed it
// chunks, it returns whole frames. A size below zero or above the limit is a protocol violation that the
// connection answers by closing, before any memory is reserved for it.

export type FrameResult = { frames: Buffer[]; error?: undefined } | { frames: Buffer[]; error: string };

export class FrameReader {
  private readonly maxFrameBytes: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes received but not yet part of a whole frame. */
  get buffered(): number {
    return this.pendingBytes;
  }

  push(chunk: Buffer): FrameResult {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const frames: Buffer[] = [];
    while (this.pendingBytes >= 4) {
      const size = this.peekSize();
      if (size < 0 || size > this.maxFrameBytes) {
        return {
          frames,
          error: `frame size ${size} is outside 0..${this.maxFrameBytes} (socket.request.max.bytes)`,
        };
      }
      if (this.pendingBytes < 4 + size) break;
      frames.push(this.take(4 + size).subarray(4));
    }
    return { frames };
  }

  private peekSize(): number {
    const first = this.pending[0];
    if (first.length >= 4) return first.readInt32BE(0);
    return this.take(4, true).readInt32BE(0);
  }

  /** Removes n bytes from the front (or only looks at them with peek), copying only across chunks. */
  private take(n: number, peek = false): Buffer {
    const first = this.pending[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (!peek) {
        if (first.length === n) this.pending.shift();
        else this.pending[0] = first.subarray(n);
      }
    } else {
      const joined = Buffer.concat(this.pending, this.pendingBytes);
      out = joined.subarray(0, n);
      this.pending = joined.length > n || peek ? [peek ? joined : joined.subarray(n)] : [];
    }
    if (!peek) this.pendingBytes -= n;
    return out;
  }
}

// A small append-only file of JSON records, each framed as [int32 length][uint32 CRC-32C][JSON bytes] and
// fsynced before the append resolves: the broker's metadata (topics, partitions, configs) lives here.
// Opening replays every whole record and truncates a torn or corrupt tail left by a crash.
import { type FileHandle, open, rename } from 'node:fs/promises';
import type { Logger } from 'pino';
import { crc32c } from '../../protocol/records/crc32c.ts';

const HEADER = 8;

export class RecordFile<T> {
  private readonly path: string;
  private handle: FileHandle;
  private size: number;
  private count: number;
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(path: string, handle: FileHandle, size: number, count: number) {
    this.path = path;
    this.handle = handle;
    this.size = size;
    this.count = count;
  }

  /** Opens (or creates) the file and returns it with the records it holds, oldest first. */
  static async open<T>(path: string, logger: Logger): Promise<{ file: RecordFile<T>; records: T[] }> {
    const handle = await open(path, 'a+');
    const bytes = await handle.readFile();
    const records: T[] = [];
    let at = 0;
    let problem: string | undefined;
    while (at < bytes.length) {
      if (bytes.length - at < HEADER) {
        problem = 'torn record header';
        break;
      }
      const length = bytes.readInt32BE(at);
      const end = at + HEADER + length;
      if (length < 0 || end > bytes.length) {
        problem = 'torn record';
        break;
      }
      const body = bytes.subarray(at + HEADER, end);
      if (crc32c(body) !== bytes.readUInt32BE(at + 4)) {
        problem = 'checksum mismatch';
        break;
      }
      records.push(JSON.parse(body.toString('utf8')) as T);
      at = end;
    }
    if (problem) {
      logger.warn(
        { file: path, validBytes: at, droppedBytes: bytes.length - at, problem },
        'truncating metadata file',
      );
      await handle.truncate(at);
      await handle.sync();
    }
    return { file: new RecordFile<T>(path, handle, at, records.length), records };
  }

  get recordCount(): number {
    return this.count;
  }

  /** Appends records durably (fsync) in call order. */
  append(...records: T[]): Promise<void> {
    const frame = Buffer.concat(records.map(encode));
    const done = this.chain.then(async () => {
      await this.handle.write(frame, 0, frame.length, this.size);
      await this.handle.sync();
      this.size += frame.length;
      this.count += records.length;
    });
    this.chain = done.catch(() => undefined);
    return done;
  }

  /** Replaces the whole file by `records` atomically (write aside, fsync, rename). */
  rewrite(records: T[]): Promise<void> {
    const done = this.chain.then(async () => {
      const tmp = `${this.path}.tmp`;
      const frame = Buffer.concat(records.map(encode));
      const out = await open(tmp, 'w');
      await out.write(frame);
      await out.sync();
      await out.close();
      await rename(tmp, this.path);
      await this.handle.close();
      this.handle = await open(this.path, 'a+');
      this.size = frame.length;
      this.count = records.length;
    });
    this.chain = done.catch(() => undefined);
    return done;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.handle.close();
  }
}

function encode(record: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(record), 'utf8');
  const frame = Buffer.allocUnsafe(HEADER + body.length);
  frame.writeInt32BE(body.length, 0);
  frame.writeUInt32BE(crc32c(body), 4);
  body.copy(frame, HEADER);
  return frame;
}

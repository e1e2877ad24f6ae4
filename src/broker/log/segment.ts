// One segment of a partition log: its .log file handle and the in-memory state Kafka's LogSegment keeps
// (size, indexes, largest timestamp, roll timestamp). Appends, recovery and lookups are driven from
// partition-log.ts and recovery.ts; this class owns the file I/O and the per-batch bookkeeping.
import { writeSync, writevSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { lastOffsetOf, maxTimestampOf, NO_TIMESTAMP } from './batch-scan.ts';
import { replaceFile } from './durable-files.ts';
import type { OffsetIndex } from './offset-index.ts';
import { INDEX_SUFFIX, LOG_SUFFIX, segmentFileName, TIME_INDEX_SUFFIX } from './segment-files.ts';
import type { TimeIndex } from './time-index.ts';

export class Segment {
  readonly baseOffset: bigint;
  readonly logPath: string;
  readonly indexPath: string;
  readonly timeIndexPath: string;
  /** Bytes of whole batches in the file; readers never look past it. */
  size: number;
  /** When this segment object was created (Kafka's `created`), for time-based rolls without timestamps. */
  readonly createdMs: number;
  /** Max timestamp of the first batch (Kafka's rollingBasedTimestamp); null while empty. */
  firstBatchTimestamp: bigint | null = null;
  maxTimestampSoFar = NO_TIMESTAMP;
  /** Last offset of the batch carrying maxTimestampSoFar. */
  offsetOfMaxTimestampSoFar: bigint;
  bytesSinceLastIndexEntry = 0;
  /** Whether both index files were present when the partition was opened. */
  hadIndexFiles: boolean;
  /** Set once the indexes are in memory; loading is lazy for segments that are not active. */
  indexes: { offset: OffsetIndex; time: TimeIndex } | null = null;
  indexLoad: Promise<void> | null = null;

  readonly #handle: FileHandle;
  #users = 0;
  #whenIdle: (() => void) | null = null;
  #closed = false;

  private constructor(dir: string, baseOffset: bigint, handle: FileHandle, size: number, createdMs: number) {
    this.baseOffset = baseOffset;
    this.logPath = join(dir, segmentFileName(baseOffset, LOG_SUFFIX));
    this.indexPath = join(dir, segmentFileName(baseOffset, INDEX_SUFFIX));
    this.timeIndexPath = join(dir, segmentFileName(baseOffset, TIME_INDEX_SUFFIX));
    this.#handle = handle;
    this.size = size;
    this.createdMs = createdMs;
    this.offsetOfMaxTimestampSoFar = baseOffset;
    this.hadIndexFiles = true;
  }

  /** Creates the files of a new, empty segment. Fails if a .log of that base offset already exists. */
  static async create(dir: string, baseOffset: bigint, createdMs: number): Promise<Segment> {
    const handle = await open(join(dir, segmentFileName(baseOffset, LOG_SUFFIX)), 'wx+');
    return new Segment(dir, baseOffset, handle, 0, createdMs);
  }

  static async open(
    dir: string,
    baseOffset: bigint,
    createdMs: number,
    hadIndexFiles: boolean,
  ): Promise<Segment> {
    const handle = await open(join(dir, segmentFileName(baseOffset, LOG_SUFFIX)), 'r+');
    try {
      const { size } = await handle.stat();
      const segment = new Segment(dir, baseOffset, handle, size, createdMs);
      segment.hadIndexFiles = hadIndexFiles;
      return segment;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get offsetIndex(): OffsetIndex {
    if (!this.indexes) throw new Error(`indexes of segment ${this.baseOffset} are not loaded`);
    return this.indexes.offset;
  }

  get timeIndex(): TimeIndex {
    if (!this.indexes) throw new Error(`indexes of segment ${this.baseOffset} are not loaded`);
    return this.indexes.time;
  }

  /** Installs fresh (or freshly loaded) indexes and forgets the per-batch state derived from old ones. */
  resetIndexes(offset: OffsetIndex, time: TimeIndex): void {
    this.indexes = { offset, time };
    this.maxTimestampSoFar = NO_TIMESTAMP;
    this.offsetOfMaxTimestampSoFar = this.baseOffset;
    this.bytesSinceLastIndexEntry = 0;
    const last = time.lastEntry();
    if (last) {
      this.maxTimestampSoFar = last.timestamp;
      this.offsetOfMaxTimestampSoFar = last.offset;
    }
  }

  /**
   * Accounts for the batch stored at `position` (its header is at `buf[at]`): Kafka's rule adds an index
   * entry (batch last offset -> batch position) once more than `indexIntervalBytes` were written since
   * the previous entry, and a time index entry for the largest timestamp so far.
   */
  indexBatch(buf: Buffer, at: number, position: number, size: number, indexIntervalBytes: number): void {
    const lastOffset = lastOffsetOf(buf, at);
    const maxTimestamp = maxTimestampOf(buf, at);
    if (position === 0) this.firstBatchTimestamp = maxTimestamp;
    if (maxTimestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = maxTimestamp;
      this.offsetOfMaxTimestampSoFar = lastOffset;
    }
    if (this.bytesSinceLastIndexEntry > indexIntervalBytes) {
      const { offset, time } = this.indexes!;
      if (!offset.isFull) offset.append(lastOffset, position);
      time.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += size;
  }

  /** Runs `task` while keeping the file open: a close or retire waits for it. */
  async use<T>(task: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error(`segment ${this.logPath} is closed`);
    this.#users++;
    try {
      return await task();
    } finally {
      this.#users--;
      if (this.#users === 0) this.#whenIdle?.();
    }
  }

  /** Reads up to `length` bytes at `position` into one buffer (shorter only at end of file). */
  readAt = async (position: number, length: number): Promise<Buffer> => {
    const buf = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await this.#handle.read(buf, filled, length - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled < length ? buf.subarray(0, filled) : buf;
  };

  /**
   * Writes `buffers` back to back at `position`: one write (or writev) call unless the OS writes short.
   * The call is synchronous, like Kafka's FileChannel.write on its request threads: it copies into the
   * page cache (fsync stays asynchronous), and handing it to libuv's thread pool cost more than the copy
   * (a wake-up and a context switch per append, most of the produce path's time when profiled).
   */
  write(buffers: Buffer[], position: number): void {
    let pending = buffers;
    let at = position;
    const fd = this.#handle.fd;
    while (pending.length > 0) {
      const written =
        pending.length === 1
          ? writeSync(fd, pending[0], 0, pending[0].length, at)
          : writevSync(fd, pending, at);
      at += written;
      pending = dropWritten(pending, written);
    }
  }

  async truncate(size: number): Promise<void> {
    await this.#handle.truncate(size);
    this.size = size;
  }

  async datasync(): Promise<void> {
    await this.#handle.datasync();
  }

  /** Writes both index files whole (through a renamed temp file) and fsyncs them. */
  async writeIndexFiles(): Promise<void> {
    await Promise.all([
      replaceFile(this.indexPath, this.offsetIndex.toBuffer()),
      replaceFile(this.timeIndexPath, this.timeIndex.toBuffer()),
    ]);
  }

  /**
   * Makes a segment that stopped being active fully durable: the final time index entry for its largest
   * timestamp (as Kafka's onBecomeInactiveSegment), index files, and the log data.
   */
  async seal(): Promise<void> {
    await this.use(async () => {
      this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
      await this.writeIndexFiles();
      await this.datasync();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#users > 0) await new Promise<void>((resolve) => (this.#whenIdle = resolve));
    await this.#handle.close();
  }

  /** Closes the segment once its readers are done and deletes its files. */
  async destroy(): Promise<void> {
    await this.close();
    await Promise.all(
      [this.logPath, this.indexPath, this.timeIndexPath].map((path) => unlinkIfPresent(path)),
    );
  }

  get closed(): boolean {
    return this.#closed;
  }
}

function dropWritten(buffers: Buffer[], written: number): Buffer[] {
  let rest = written;
  let i = 0;
  while (i < buffers.length && rest >= buffers[i].length) rest -= buffers[i++].length;
  if (i === buffers.length) return [];
  return [buffers[i].subarray(rest), ...buffers.slice(i + 1)];
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

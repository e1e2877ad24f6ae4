// One segment of a partition log: its .log file handle and the in-memory state Kafka's LogSegment keeps
// (size, indexes, largest timestamp, roll timestamp). Appends, recovery and lookups are driven from
// partition-log.ts and recovery.ts; this class owns the file I/O and the per-batch bookkeeping.
import { appendFileSync, writeSync, writevSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { OFFSET } from '../../protocol/records/batch-header.ts';
import { lastOffsetOf, maxTimestampOf, NO_TIMESTAMP } from './batch-scan.ts';
import { replaceFile } from './durable-files.ts';
import type { OffsetIndex } from './offset-index.ts';
import {
  CLEANED_SUFFIX,
  INDEX_SUFFIX,
  LOG_SUFFIX,
  segmentFileName,
  TIME_INDEX_SUFFIX,
  TXN_INDEX_SUFFIX,
} from './segment-files.ts';
import type { TimeIndex } from './time-index.ts';

export class Segment {
  readonly baseOffset: bigint;
  readonly #dir: string;
  /** '' for a live segment, else the suffix of its files (.cleaned, .swap, .deleted), as in Kafka. */
  #suffix: string;
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
  /** Whether the .txnindex file exists (it is created by the first abort marker of the segment). */
  hasTxnIndex = false;
  /** Entries were appended to the .txnindex since it was last fsynced. */
  #txnIndexUnsynced = false;

  readonly #handle: FileHandle;
  #users = 0;
  #whenIdle: (() => void) | null = null;
  #closed = false;

  private constructor(
    dir: string,
    baseOffset: bigint,
    handle: FileHandle,
    size: number,
    createdMs: number,
    suffix = '',
  ) {
    this.baseOffset = baseOffset;
    this.#dir = dir;
    this.#suffix = suffix;
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

  /**
   * Creates the files of the segment the cleaner writes (`<base>.log.cleaned`), replacing any left by an
   * earlier, interrupted cleaning.
   */
  static async createCleaned(dir: string, baseOffset: bigint, createdMs: number): Promise<Segment> {
    const handle = await open(join(dir, segmentFileName(baseOffset, LOG_SUFFIX) + CLEANED_SUFFIX), 'w+');
    return new Segment(dir, baseOffset, handle, 0, createdMs, CLEANED_SUFFIX);
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

  /** '' while the segment is live; see changeFileSuffix. */
  get fileSuffix(): string {
    return this.#suffix;
  }

  get logPath(): string {
    return this.#path(LOG_SUFFIX);
  }

  get indexPath(): string {
    return this.#path(INDEX_SUFFIX);
  }

  get timeIndexPath(): string {
    return this.#path(TIME_INDEX_SUFFIX);
  }

  get txnIndexPath(): string {
    return this.#path(TXN_INDEX_SUFFIX);
  }

  #path(kind: string): string {
    return join(this.#dir, segmentFileName(this.baseOffset, kind) + this.#suffix);
  }

  /**
   * Renames the segment's files from the current suffix to `suffix` (Kafka's changeFileSuffixes): the
   * index files first, the .log last, because a .log name is what recovery goes by. An index file that
   * was never written is skipped. The open handle follows the file, so readers are not disturbed.
   */
  async changeFileSuffix(suffix: string): Promise<void> {
    const from = [this.indexPath, this.timeIndexPath, this.txnIndexPath, this.logPath];
    this.#suffix = suffix;
    const to = [this.indexPath, this.timeIndexPath, this.txnIndexPath, this.logPath];
    for (let i = 0; i < from.length; i++) {
      try {
        await rename(from[i], to[i]);
      } catch (error) {
        if (i === from.length - 1 || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  /**
   * Appends entries to the .txnindex (synchronously, on the writer's path like the log data; abort
   * markers are rare). Made durable by seal; recovery rebuilds what a crash lost.
   */
  appendTxnIndex(entries: Buffer): void {
    appendFileSync(this.txnIndexPath, entries);
    this.hasTxnIndex = true;
    this.#txnIndexUnsynced = true;
  }

  /** Replaces the .txnindex with `entries` (none: removes it), durably. */
  async writeTxnIndex(entries: Buffer): Promise<void> {
    if (entries.length === 0) {
      await unlinkIfPresent(this.txnIndexPath);
      this.hasTxnIndex = false;
    } else {
      await replaceFile(this.txnIndexPath, entries);
      this.hasTxnIndex = true;
    }
    this.#txnIndexUnsynced = false;
  }

  /** Fsyncs the .txnindex if entries were appended since. */
  async syncTxnIndex(): Promise<void> {
    if (!this.#txnIndexUnsynced) return;
    this.#txnIndexUnsynced = false;
    const handle = await open(this.txnIndexPath, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** The file's modification time (Kafka's lastModified: retention falls back to it without timestamps). */
  async lastModifiedMs(): Promise<number> {
    return this.use(async () => (await this.#handle.stat()).mtimeMs);
  }

  async setLastModified(ms: number): Promise<void> {
    await this.use(() => this.#handle.utimes(ms / 1000, ms / 1000));
  }

  /** The max timestamp of the first batch (Kafka's rollingBasedTimestamp), read from the file if needed. */
  async loadFirstBatchTimestamp(): Promise<bigint | null> {
    if (this.firstBatchTimestamp === null && this.size > 0) {
      const header = await this.use(() => this.readAt(0, OFFSET.maxTimestamp + 8));
      this.firstBatchTimestamp = maxTimestampOf(header, 0);
    }
    return this.firstBatchTimestamp;
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
      await this.syncTxnIndex();
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
      [this.logPath, this.indexPath, this.timeIndexPath, this.txnIndexPath].map((path) =>
        unlinkIfPresent(path),
      ),
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

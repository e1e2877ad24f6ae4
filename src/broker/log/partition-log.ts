// The durable log of one partition (Kafka's UnifiedLog/LocalLog for a single node): a directory of
// segments, appends that assign offsets and write the producer's batches as received, reads that serve
// file bytes, timestamp lookups, flush policies with group commit, and crash recovery on open.
//
// Appends are queued and written by one writer loop, so they are applied in order; appends that queue
// up while a write is in flight are written together with one writev. Readers only ever see bytes below
// the committed size of a segment, which advances after a write completes, so a read never returns a
// partially written batch.
import { rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import { batchSize } from '../../protocol/records/batch-header.ts';
import { lastOffsetOf, maxTimestampOf, type PreparedAppend, prepareAppend } from './batch-scan.ts';
import { bigMax, bigMin } from './bigint-math.ts';
import { syncDir } from './durable-files.ts';
import { scanBatches } from './file-scan.ts';
import { GroupCommit } from './group-commit.ts';
import { isNever, type LogConfig, type ResolvedLogConfig, resolveLogConfig } from './log-config.ts';
import { OffsetIndex } from './offset-index.ts';
import { firstRecordAtOrAfter, type TimestampAndOffset } from './record-timestamps.ts';
import { loadLog, loadSegmentIndexes, writeCleanShutdownMarker, writeLogStartOffset } from './recovery.ts';
import { shouldRoll } from './roll-policy.ts';
import { Segment } from './segment.ts';
import { readSegmentBatches } from './segment-read.ts';
import { TimeIndex } from './time-index.ts';

export type { LogConfig } from './log-config.ts';
export type { TimestampAndOffset } from './record-timestamps.ts';

export interface AppendOptions {
  /** Broker time for topics with message.timestamp.type=LogAppendTime: stamped into every batch. */
  logAppendTimeMs?: bigint;
}

export interface AppendResult {
  baseOffset: bigint;
  lastOffset: bigint;
  /** The LogAppendTime stamped, or -1n when the batches keep their CreateTime. */
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
}

export interface ReadOptions {
  /** Return the first batch whole even if it is larger than maxBytes (Kafka: first partition of a fetch). */
  minOneBatch?: boolean;
  /** Exclusive bound: no batch reaching this offset is returned. Defaults to the high watermark. */
  maxOffset?: bigint;
}

interface LogOffsets {
  highWatermark: bigint;
  logStartOffset: bigint;
  logEndOffset: bigint;
}

/** Success carries `records`; an offset outside [logStartOffset, logEndOffset] is a typed error (test `'error' in r`). */
export type ReadResult = ({ records: Buffer } & LogOffsets) | ({ error: 'OFFSET_OUT_OF_RANGE' } & LogOffsets);

export type DeleteRecordsResult =
  | { logStartOffset: bigint }
  | { error: 'OFFSET_OUT_OF_RANGE'; logStartOffset: bigint };

export interface LogStats {
  /** Appends completed. */
  appends: number;
  /** write/writev calls on segment files (appends queued together share one). */
  writes: number;
  /** fsync rounds of the flush policy / durable mode (concurrent durable appends share one). */
  fsyncs: number;
  /** Segments rolled. */
  rolls: number;
}

interface QueuedAppend {
  records: Buffer;
  logAppendTimeMs: bigint | undefined;
  resolve: (result: AppendResult) => void;
  reject: (error: Error) => void;
}

interface PreparedItem {
  item: QueuedAppend;
  prepared: PreparedAppend;
}

/** Keeps a writev within the kernel's IOV_MAX. */
const MAX_APPENDS_PER_WRITE = 512;
const EMPTY = Buffer.alloc(0);

export class PartitionLog {
  readonly dir: string;
  #config: ResolvedLogConfig;
  readonly #logger: Logger;
  /** Replaced, never mutated, so a reader can hold on to the array it started with. */
  #segments: readonly Segment[];
  #logStartOffset: bigint;
  /** Offsets below this are written (committed); readers see them. */
  #logEndOffset: bigint;
  /** Next offset to assign; runs ahead of #logEndOffset while a write is in flight. */
  #nextOffset: bigint;
  /** In durable mode the high watermark is the durable end, but never less than this. */
  #highWatermarkFloor: bigint;
  readonly #groupCommit: GroupCommit;
  #queue: QueuedAppend[] = [];
  #writer: Promise<void> | null = null;
  /** Segments written since the last fsync round started. */
  readonly #unsynced = new Set<Segment>();
  /** Background fsync of the segment that was active before the last roll. */
  #pendingSeal: Promise<void> | null = null;
  #flushTimer: NodeJS.Timeout | null = null;
  #failure: Error | null = null;
  #closed = false;
  /** Serializes operations that change the segment list outside the writer (delete-records, close). */
  #maintenance: Promise<unknown> = Promise.resolve();
  readonly #stats = { appends: 0, writes: 0, rolls: 0 };

  private constructor(
    dir: string,
    config: ResolvedLogConfig,
    logger: Logger,
    loaded: Awaited<ReturnType<typeof loadLog>>,
  ) {
    this.dir = dir;
    this.#config = config;
    this.#logger = logger;
    this.#segments = loaded.segments;
    this.#logStartOffset = loaded.logStartOffset;
    this.#logEndOffset = loaded.logEndOffset;
    this.#nextOffset = loaded.logEndOffset;
    this.#highWatermarkFloor = loaded.logEndOffset;
    this.#groupCommit = new GroupCommit(() => this.#syncRound(), loaded.logEndOffset);
  }

  /** Opens the log in `dir` (created if missing), recovering it if it was not closed cleanly. */
  static async open(dir: string, config: Partial<LogConfig>, logger: Logger): Promise<PartitionLog> {
    const resolved = resolveLogConfig(config);
    const loaded = await loadLog(dir, resolved, logger);
    return new PartitionLog(dir, resolved, logger, loaded);
  }

  get logStartOffset(): bigint {
    return this.#logStartOffset;
  }

  /** The offset after the last written batch: the next append gets it unless others are in flight. */
  get logEndOffset(): bigint {
    return this.#logEndOffset;
  }

  /**
   * Single node: everything written is "replicated". In durable mode only what is fsynced counts, so
   * consumers never see a record that a crash could take back.
   */
  get highWatermark(): bigint {
    if (!this.#config.fsyncOnAppend) return this.#logEndOffset;
    const durable = this.#groupCommit.durableEnd;
    return bigMax(bigMin(durable, this.#logEndOffset), this.#highWatermarkFloor);
  }

  /** Bytes in all segments. */
  get size(): number {
    let total = 0;
    for (const segment of this.#segments) total += segment.size;
    return total;
  }

  get segmentCount(): number {
    return this.#segments.length;
  }

  get config(): Readonly<ResolvedLogConfig> {
    return this.#config;
  }

  get stats(): LogStats {
    return { ...this.#stats, fsyncs: this.#groupCommit.rounds };
  }

  /** Applies new settings to what follows (next appends, rolls, flushes). */
  updateConfig(changes: Partial<LogConfig>): void {
    const next = resolveLogConfig({ ...this.#config, ...changes });
    if (next.fsyncOnAppend && !this.#config.fsyncOnAppend) this.#highWatermarkFloor = this.#logEndOffset;
    if (next.flushMs !== this.#config.flushMs && this.#flushTimer) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = null;
    }
    this.#config = next;
    for (const segment of this.#segments) {
      segment.indexes?.offset.setMaxIndexBytes(next.segmentIndexBytes);
      segment.indexes?.time.setMaxIndexBytes(next.segmentIndexBytes);
    }
  }

  /**
   * Appends concatenated, already validated v2 batches. The buffer is taken over: base offsets (and with
   * logAppendTimeMs, timestamps and CRCs) are rewritten in place, then it is written as is. Resolves once
   * written, or fsynced when the flush policy or durable mode asks for it.
   */
  async append(records: Buffer, options: AppendOptions = {}): Promise<AppendResult> {
    const result = await new Promise<AppendResult>((resolve, reject) => {
      if (this.#closed) return reject(new Error(`partition log ${this.dir} is closed`));
      if (this.#failure) return reject(this.#failure);
      this.#queue.push({ records, logAppendTimeMs: options.logAppendTimeMs, resolve, reject });
      this.#writer ??= this.#writeQueued();
    });
    const end = result.lastOffset + 1n;
    const flushMessages = this.#config.flushMessages;
    if (
      this.#config.fsyncOnAppend ||
      (!isNever(flushMessages) && end - this.#groupCommit.durableEnd >= BigInt(flushMessages))
    ) {
      await this.#groupCommit.waitDurable(end);
    } else {
      this.#scheduleFlush();
    }
    return result;
  }

  /**
   * Reads whole batches from the one containing `fetchOffset`, up to `maxBytes`, as raw file bytes.
   * An offset below the log start or above the log end is OFFSET_OUT_OF_RANGE; at the end (or at/after
   * maxOffset) the result is empty.
   */
  async read(fetchOffset: bigint, maxBytes: number, options: ReadOptions = {}): Promise<ReadResult> {
    this.#checkOpen();
    const offsets: LogOffsets = {
      highWatermark: this.highWatermark,
      logStartOffset: this.#logStartOffset,
      logEndOffset: this.#logEndOffset,
    };
    if (fetchOffset < offsets.logStartOffset || fetchOffset > offsets.logEndOffset) {
      return { error: 'OFFSET_OUT_OF_RANGE', ...offsets };
    }
    const requestedMax = options.maxOffset ?? offsets.highWatermark;
    const maxOffset = bigMin(requestedMax, offsets.logEndOffset);
    if (fetchOffset >= maxOffset) return { records: EMPTY, ...offsets };
    const segments = this.#segments;
    for (let i = segmentIndexFor(segments, fetchOffset); i < segments.length; i++) {
      const segment = segments[i];
      try {
        await this.#ensureIndexes(segments, i);
        const records = await segment.use(() =>
          readSegmentBatches(segment.readAt, {
            startPosition: segment.offsetIndex.lookup(fetchOffset),
            end: segment.size,
            fetchOffset,
            maxBytes,
            minOneBatch: options.minOneBatch ?? false,
            maxOffset,
            slackBytes: this.#config.indexIntervalBytes,
          }),
        );
        if (records !== null) return { records, ...offsets };
      } catch (error) {
        // The segment was deleted under us (records deleted meanwhile): the offset is gone.
        if (segment.closed && !this.#closed) return { error: 'OFFSET_OUT_OF_RANGE', ...offsets };
        throw error;
      }
    }
    return { records: EMPTY, ...offsets };
  }

  /**
   * ListOffsets by timestamp: the first record whose timestamp is >= `timestamp`, at or after the log
   * start, with its timestamp; null when there is none. The indexes and batch headers find the first
   * batch whose max timestamp qualifies; its records are decoded to find the record.
   */
  async offsetForTimestamp(timestamp: bigint): Promise<TimestampAndOffset | null> {
    this.#checkOpen();
    const segments = this.#segments;
    const logStartOffset = this.#logStartOffset;
    for (let i = 0; i < segments.length; i++) {
      await this.#ensureIndexes(segments, i);
      const segment = segments[i];
      if (segment.maxTimestampSoFar < timestamp) continue;
      const indexed = segment.timeIndex.lookup(timestamp);
      const from = segment.offsetIndex.lookup(bigMax(indexed, logStartOffset));
      const found = await this.#findBatch(
        segment,
        from,
        (buf, at) => maxTimestampOf(buf, at) >= timestamp && lastOffsetOf(buf, at) >= logStartOffset,
      );
      if (!found) continue;
      return this.#recordIn(found, timestamp, logStartOffset, {
        offset: bigMax(found.readBigInt64BE(0), logStartOffset),
        timestamp: maxTimestampOf(found, 0),
      });
    }
    return null;
  }

  /**
   * ListOffsets MAX_TIMESTAMP (-3, KIP-734): the offset of the record with the largest timestamp (the
   * first of equals; a LogAppendTime batch's base offset) and that timestamp, or null for a log without
   * timestamps.
   */
  async maxTimestamp(): Promise<TimestampAndOffset | null> {
    this.#checkOpen();
    const segments = this.#segments;
    let best: Segment | null = null;
    for (let i = 0; i < segments.length; i++) {
      await this.#ensureIndexes(segments, i);
      if (!best || segments[i].maxTimestampSoFar > best.maxTimestampSoFar) best = segments[i];
    }
    if (!best || best.maxTimestampSoFar < 0n) return null;
    const timestamp = best.maxTimestampSoFar;
    const from = best.offsetIndex.lookup(best.offsetOfMaxTimestampSoFar);
    const found = await this.#findBatch(best, from, (buf, at) => maxTimestampOf(buf, at) === timestamp);
    if (!found) return null;
    return this.#recordIn(found, timestamp, found.readBigInt64BE(0), {
      offset: lastOffsetOf(found, 0),
      timestamp,
    });
  }

  /** Fsyncs everything written so far (the log data; indexes are rebuilt by recovery if needed). */
  async flush(): Promise<void> {
    this.#checkOpen();
    await this.#groupCommit.waitDurable(this.#logEndOffset);
  }

  /**
   * DeleteRecords: moves the log start offset up to `offset` (persisted) and deletes the segments that
   * lie wholly below it. Beyond the high watermark it is OFFSET_OUT_OF_RANGE, as in Kafka.
   */
  deleteRecordsBefore(offset: bigint): Promise<DeleteRecordsResult> {
    return this.#serialized(async () => {
      this.#checkOpen();
      if (offset > this.highWatermark || offset < 0n) {
        return { error: 'OFFSET_OUT_OF_RANGE' as const, logStartOffset: this.#logStartOffset };
      }
      if (offset > this.#logStartOffset) {
        await writeLogStartOffset(this.dir, offset);
        this.#logStartOffset = offset;
        let drop = 0;
        while (drop < this.#segments.length - 1 && this.#segments[drop + 1].baseOffset <= offset) drop++;
        const removed = this.#segments.slice(0, drop);
        this.#segments = this.#segments.slice(drop);
        for (const segment of removed) {
          this.#unsynced.delete(segment);
          await segment.destroy();
        }
        if (removed.length > 0) {
          await syncDir(this.dir);
          this.#logger.info(
            { dir: this.dir, segments: removed.length, logStartOffset: offset.toString() },
            'deleted log segments below the log start offset',
          );
        }
      }
      return { logStartOffset: this.#logStartOffset };
    });
  }

  /**
   * Waits for queued appends, makes everything durable (data and indexes) and writes the clean-shutdown
   * marker so that the next open skips recovery.
   */
  close(): Promise<void> {
    return this.#shutdown(true);
  }

  /** Closes the log and removes its directory. */
  async delete(): Promise<void> {
    await this.#shutdown(false);
    await rm(this.dir, { recursive: true, force: true });
  }

  // --- writer -----------------------------------------------------------------------------------

  /** Drains the queue: assigns offsets, rolls when needed, and writes runs of appends with one call. */
  async #writeQueued(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const items = this.#queue;
        this.#queue = [];
        try {
          await this.#writeItems(items);
        } catch (error) {
          // A bug or an I/O error outside write/fsync: settle everyone rather than leave appends hanging.
          this.#fail(error as Error);
          for (const item of items) item.reject(this.#failure!);
        }
      }
    } finally {
      this.#writer = null;
    }
  }

  async #writeItems(items: QueuedAppend[]): Promise<void> {
    let group: PreparedItem[] = [];
    let groupBytes = 0;
    for (const item of items) {
      if (this.#failure) {
        item.reject(this.#failure);
        continue;
      }
      let prepared: PreparedAppend;
      try {
        prepared = prepareAppend(item.records, this.#nextOffset, item.logAppendTimeMs);
      } catch (error) {
        item.reject(error as Error);
        continue;
      }
      const needsRoll = this.#shouldRollBefore(item.records, prepared, group, groupBytes);
      if (needsRoll || group.length === MAX_APPENDS_PER_WRITE) {
        await this.#writeGroup(group);
        group = [];
        groupBytes = 0;
        if (needsRoll && !this.#failure) await this.#roll(prepared.firstOffset);
        if (this.#failure) {
          item.reject(this.#failure);
          continue;
        }
      }
      group.push({ item, prepared });
      groupBytes += item.records.length;
      this.#nextOffset = prepared.lastOffset + 1n;
    }
    await this.#writeGroup(group);
  }

  #shouldRollBefore(
    records: Buffer,
    prepared: PreparedAppend,
    group: PreparedItem[],
    groupBytes: number,
  ): boolean {
    const active = this.#segments.at(-1)!;
    const size = active.size + groupBytes;
    const firstBatchTimestamp =
      active.size > 0
        ? active.firstBatchTimestamp
        : group.length > 0
          ? maxTimestampOf(group[0].item.records, 0)
          : null;
    return shouldRoll(
      {
        size,
        firstBatchTimestamp,
        createdMs: active.createdMs,
        indexFull: active.offsetIndex.isFull || active.timeIndex.isFull,
        canHold: (offset) => active.offsetIndex.canHold(offset),
      },
      { bytes: records.length, maxTimestamp: prepared.maxTimestamp, lastOffset: prepared.lastOffset },
      this.#config,
      this.#config.clock(),
    );
  }

  async #writeGroup(group: PreparedItem[]): Promise<void> {
    if (group.length === 0) return;
    const segment = this.#segments.at(-1)!;
    const start = segment.size;
    try {
      // No segment.use(): only the writer writes, and closing waits for the writer first.
      segment.write(
        group.map(({ item }) => item.records),
        start,
      );
    } catch (error) {
      this.#fail(error as Error);
      for (const { item } of group) item.reject(this.#failure!);
      return;
    }
    let position = start;
    for (const { item } of group) {
      const buf = item.records;
      for (let at = 0; at < buf.length; ) {
        const size = batchSize(buf, at);
        segment.indexBatch(buf, at, position + at, size, this.#config.indexIntervalBytes);
        at += size;
      }
      position += buf.length;
    }
    segment.size = position;
    this.#unsynced.add(segment);
    this.#logEndOffset = group[group.length - 1].prepared.lastOffset + 1n;
    this.#stats.writes++;
    this.#stats.appends += group.length;
    for (const { item, prepared } of group) {
      item.resolve({
        baseOffset: prepared.firstOffset,
        lastOffset: prepared.lastOffset,
        logAppendTimeMs: item.logAppendTimeMs ?? -1n,
        logStartOffset: this.#logStartOffset,
      });
    }
  }

  /**
   * Starts a new active segment at `baseOffset`. The previous one is sealed (indexes written, fsynced)
   * in the background; a roll first waits for the seal of the roll before, so at most one inactive
   * segment is ever unsynced, which is what lets recovery check only the last two segments.
   */
  async #roll(baseOffset: bigint): Promise<void> {
    const previous = this.#segments.at(-1)!;
    try {
      await this.#pendingSeal;
      const segment = await Segment.create(this.dir, baseOffset, this.#config.clock());
      segment.resetIndexes(
        new OffsetIndex(baseOffset, this.#config.segmentIndexBytes),
        new TimeIndex(baseOffset, this.#config.segmentIndexBytes),
      );
      await syncDir(this.dir);
      this.#segments = [...this.#segments, segment];
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    this.#stats.rolls++;
    const seal = previous.seal().then(
      () => {
        if (this.#pendingSeal === seal) this.#pendingSeal = null;
      },
      (error: Error) => this.#fail(error),
    );
    this.#pendingSeal = seal;
    this.#logger.debug({ dir: this.dir, baseOffset: baseOffset.toString() }, 'rolled new log segment');
  }

  /** One group-commit round: fsyncs the segments written so far and reports the end it covers. */
  async #syncRound(): Promise<bigint> {
    const covered = this.#logEndOffset;
    const segments = [...this.#unsynced].filter((segment) => !segment.closed);
    this.#unsynced.clear();
    try {
      await Promise.all(segments.map((segment) => segment.use(() => segment.datasync())));
    } catch (error) {
      this.#fail(error as Error);
      throw error;
    }
    return covered;
  }

  #scheduleFlush(): void {
    const flushMs = this.#config.flushMs;
    if (isNever(flushMs) || this.#flushTimer || this.#closed) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null;
      if (this.#closed) return;
      this.#groupCommit.waitDurable(this.#logEndOffset).catch((error: Error) => {
        this.#logger.error({ dir: this.dir, err: error }, 'scheduled flush failed');
      });
    }, flushMs);
    this.#flushTimer.unref();
  }

  /** A write or fsync failed: the file state is unknown, so the log refuses any further append. */
  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#logger.error({ dir: this.dir, err: error }, 'partition log failed; refusing further appends');
    const queued = this.#queue;
    this.#queue = [];
    for (const item of queued) item.reject(error);
  }

  // --- helpers ----------------------------------------------------------------------------------

  #checkOpen(): void {
    if (this.#closed) throw new Error(`partition log ${this.dir} is closed`);
  }

  #serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#maintenance.then(task);
    this.#maintenance = run.catch(() => undefined);
    return run;
  }

  /** Loads the indexes of segments[i] on first use (the active segment's are always loaded). */
  async #ensureIndexes(segments: readonly Segment[], i: number): Promise<void> {
    const segment = segments[i];
    if (segment.indexes) return;
    const nextOffset = i + 1 < segments.length ? segments[i + 1].baseOffset : this.#logEndOffset;
    segment.indexLoad ??= segment.use(() =>
      loadSegmentIndexes(segment, nextOffset, this.#config, this.#logger),
    );
    await segment.indexLoad;
  }

  /** Returns (a copy of) the first batch at or after `from` in `segment` accepted by `accept`. */
  async #findBatch(
    segment: Segment,
    from: number,
    accept: (buf: Buffer, at: number) => boolean,
  ): Promise<Buffer | null> {
    let found: Buffer | null = null;
    await segment.use(() =>
      scanBatches(segment.readAt, from, segment.size, true, (buf, at, _position, size) => {
        if (!accept(buf, at)) return true;
        found = Buffer.from(buf.subarray(at, at + size));
        return false;
      }),
    );
    return found;
  }

  /**
   * The first record of `batch` at or after (minTimestamp, minOffset). Should the batch not decode (it
   * passed validation, so this means a codec problem), the batch-level answer `fallback` is given.
   */
  async #recordIn(
    batch: Buffer,
    minTimestamp: bigint,
    minOffset: bigint,
    fallback: TimestampAndOffset,
  ): Promise<TimestampAndOffset> {
    try {
      return (await firstRecordAtOrAfter(batch, minTimestamp, minOffset)) ?? fallback;
    } catch (error) {
      this.#logger.warn({ dir: this.dir, err: error }, 'could not decode a batch for a timestamp lookup');
      return fallback;
    }
  }

  async #shutdown(markClean: boolean): Promise<void> {
    await this.#serialized(async () => {
      if (this.#closed) return;
      this.#closed = true;
      if (this.#flushTimer) clearTimeout(this.#flushTimer);
      this.#flushTimer = null;
      await this.#writer;
      await this.#pendingSeal;
      await this.#groupCommit.inFlight;
      const active = this.#segments.at(-1)!;
      const clean = markClean && !this.#failure;
      if (clean) {
        active.timeIndex.maybeAppend(active.maxTimestampSoFar, active.offsetOfMaxTimestampSoFar, true);
        await active.writeIndexFiles();
        await Promise.all([...this.#unsynced, active].map((segment) => segment.datasync()));
      }
      for (const segment of this.#segments) await segment.close();
      if (clean) await writeCleanShutdownMarker(this.dir, this.#logEndOffset);
    });
  }
}

/** Index of the last segment whose base offset is <= offset (0 if none). */
function segmentIndexFor(segments: readonly Segment[], offset: bigint): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid].baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

// The durable log of one partition (Kafka's UnifiedLog/LocalLog for a single node): a directory of
// segments, appends that assign offsets and write the producer's batches as received, reads that serve
// file bytes, timestamp lookups, flush policies with group commit, crash recovery on open, retention
// (deleting old segments) and the swap of segments compacted by the cleaner. It also keeps the
// partition's producer state (txn/producer-state.ts) in step with every batch written, with its
// snapshots and aborted-transaction indexes (producer-state-files.ts), as Kafka's UnifiedLog does.
//
// Appends are queued and written by one writer loop, so they are applied in order; appends that queue
// up while a write is in flight are written together with one writev. Readers only ever see bytes below
// the committed size of a segment, which advances after a write completes, so a read never returns a
// partially written batch.
//
// The segment list is an immutable array replaced as a whole: a reader keeps the array it started with.
// A segment taken out by retention or compaction stays readable (renamed .deleted) for
// file.delete.delay.ms; a reader that still meets a closed one starts again on the current list.
import { rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import { batchSize } from '../../protocol/records/batch-header.ts';
import { type AbortedTxn, type AbortedTxnIndex, encodeAbortedTxns } from '../txn/aborted-index.ts';
import type { AbortedTransaction, PartitionProducerState } from '../txn/producer-state.ts';
import { lastOffsetOf, maxTimestampOf, type PreparedAppend, prepareAppend } from './batch-scan.ts';
import { bigMax, bigMin } from './bigint-math.ts';
import { readCleanerCheckpoint, writeCleanerCheckpoint } from './cleaner-checkpoint.ts';
import { syncDir } from './durable-files.ts';
import { scanBatches } from './file-scan.ts';
import { GroupCommit } from './group-commit.ts';
import {
  isNever,
  type LogConfig,
  maxSegmentMs,
  type ResolvedLogConfig,
  resolveLogConfig,
} from './log-config.ts';
import { OffsetIndex } from './offset-index.ts';
import {
  deleteSnapshotsBelow,
  type LoadedProducerState,
  loadProducerState,
  snapshotOf,
  writeSnapshot,
} from './producer-state-files.ts';
import { firstRecordAtOrAfter, type TimestampAndOffset } from './record-timestamps.ts';
import { loadLog, loadSegmentIndexes, writeCleanShutdownMarker, writeLogStartOffset } from './recovery.ts';
import {
  belowLogStart,
  type DeletionCondition,
  deletableSegments,
  olderThanRetention,
  overRetentionBytes,
} from './retention.ts';
import { RetiredSegments } from './retired-segments.ts';
import { shouldRoll } from './roll-policy.ts';
import { Segment } from './segment.ts';
import { SWAP_SUFFIX } from './segment-files.ts';
import { readSegmentBatches } from './segment-read.ts';
import { TimeIndex } from './time-index.ts';
import { writtenBatchAt } from './written-batch.ts';

export type { CleanupPolicy, LogConfig } from './log-config.ts';
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
/** A read restarts on the current segment list at most this often when segments retire under it. */
const MAX_READ_ATTEMPTS = 10;

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
  /** Set when close starts: a cleaning in progress gives up instead of swapping. */
  #closing = false;
  /** The cleaning in progress on this log, which close waits for. */
  #cleaning: Promise<unknown> | null = null;
  #cleanerCheckpoint: bigint | null;
  readonly #retired: RetiredSegments;
  /** Serializes operations that change the segment list outside the writer (deletions, swaps, close). */
  #maintenance: Promise<unknown> = Promise.resolve();
  readonly #stats = { appends: 0, writes: 0, rolls: 0 };
  /** The producers' state as of the log end (sequences, epochs, ongoing transactions). */
  readonly #producerState: PartitionProducerState;
  /** The aborted transactions, by the segment holding their markers (the .txnindex files). */
  readonly #aborted: AbortedTxnIndex;

  private constructor(
    dir: string,
    config: ResolvedLogConfig,
    logger: Logger,
    loaded: Awaited<ReturnType<typeof loadLog>>,
    cleanerCheckpoint: bigint | null,
    producers: LoadedProducerState,
  ) {
    this.dir = dir;
    this.#config = config;
    this.#logger = logger;
    this.#retired = new RetiredSegments(logger);
    this.#cleanerCheckpoint = cleanerCheckpoint;
    this.#segments = loaded.segments;
    this.#logStartOffset = loaded.logStartOffset;
    this.#logEndOffset = loaded.logEndOffset;
    this.#nextOffset = loaded.logEndOffset;
    this.#highWatermarkFloor = loaded.logEndOffset;
    this.#groupCommit = new GroupCommit(() => this.#syncRound(), loaded.logEndOffset);
    this.#producerState = producers.state;
    this.#aborted = producers.aborted;
  }

  /** Opens the log in `dir` (created if missing), recovering it if it was not closed cleanly. */
  static async open(dir: string, config: Partial<LogConfig>, logger: Logger): Promise<PartitionLog> {
    const resolved = resolveLogConfig(config);
    const loaded = await loadLog(dir, resolved, logger);
    const producers = await loadProducerState(
      dir,
      loaded.segments,
      loaded.logEndOffset,
      loaded.trustedUpTo,
      logger,
    );
    return new PartitionLog(dir, resolved, logger, loaded, await readCleanerCheckpoint(dir), producers);
  }

  /** The producers' state as of the log end; updated as batches are written. */
  get producerState(): PartitionProducerState {
    return this.#producerState;
  }

  /** The first offset of the earliest ongoing transaction, else the high watermark (Kafka's LSO). */
  get lastStableOffset(): bigint {
    return this.#producerState.lastStableOffset(this.highWatermark);
  }

  /** The aborted transactions with data in [fromOffset, toOffset), as Fetch at read_committed returns them. */
  abortedTransactions(fromOffset: bigint, toOffset: bigint): AbortedTransaction[] {
    return this.#aborted.collect(fromOffset, toOffset);
  }

  /** The aborted-transaction index entries with data in [fromOffset, toOffset), for the cleaner. */
  abortedTxnEntries(fromOffset: bigint, toOffset: bigint): AbortedTxn[] {
    return this.#aborted.entriesBetween(fromOffset, toOffset);
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

  /** The segments, oldest first; the last is the active one. For retention and the cleaner. */
  get segments(): readonly Segment[] {
    return this.#segments;
  }

  /** Segments retired by retention or compaction whose files are not removed yet. */
  get retiredSegments(): number {
    return this.#retired.pending;
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
    return this.#onSegments(async (segments): Promise<ReadResult> => {
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
      for (let i = segmentIndexFor(segments, fetchOffset); i < segments.length; i++) {
        const segment = segments[i];
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
      }
      return { records: EMPTY, ...offsets };
    });
  }

  /**
   * ListOffsets by timestamp: the first record whose timestamp is >= `timestamp`, at or after the log
   * start, with its timestamp; null when there is none. The indexes and batch headers find the first
   * batch whose max timestamp qualifies; its records are decoded to find the record.
   */
  async offsetForTimestamp(timestamp: bigint): Promise<TimestampAndOffset | null> {
    this.#checkOpen();
    return this.#onSegments((segments) => this.#offsetForTimestampIn(segments, timestamp));
  }

  async #offsetForTimestampIn(
    segments: readonly Segment[],
    timestamp: bigint,
  ): Promise<TimestampAndOffset | null> {
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
    return this.#onSegments((segments) => this.#maxTimestampIn(segments));
  }

  async #maxTimestampIn(segments: readonly Segment[]): Promise<TimestampAndOffset | null> {
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
        await this.#deleteWhere('below the log start offset', belowLogStart(offset));
      }
      return { logStartOffset: this.#logStartOffset };
    });
  }

  /**
   * Retention (Kafka's deleteOldSegments): deletes the segments below the log start offset and, with
   * cleanup.policy=delete, those beyond retention.bytes and retention.ms, advancing the log start
   * offset. An expired active segment goes too: a new one is rolled first. Returns how many went.
   */
  deleteOldSegments(): Promise<number> {
    return this.#serialized(async () => {
      if (this.#closed || this.#closing) return 0;
      let deleted = await this.#deleteWhere(
        'below the log start offset',
        belowLogStart(this.#logStartOffset),
      );
      if (!this.#config.cleanupPolicy.delete) return deleted;
      const { retentionBytes, retentionMs } = this.#config;
      const bySize = overRetentionBytes<Segment>(this.size, retentionBytes);
      if (bySize) deleted += await this.#deleteWhere(`retention.bytes ${retentionBytes} breached`, bySize);
      const byTime = olderThanRetention<Segment>(retentionMs, this.#config.clock(), (segment) =>
        this.largestTimestamp(segment),
      );
      if (byTime) deleted += await this.#deleteWhere(`retention.ms ${retentionMs} breached`, byTime);
      return deleted;
    });
  }

  /**
   * The largest timestamp in a segment (Kafka's LogSegment.largestTimestamp): the time index knows it once
   * loaded; a segment without timestamps falls back to its file's modification time.
   */
  async largestTimestamp(segment: Segment): Promise<number> {
    await this.loadIndexes(segment);
    if (segment.maxTimestampSoFar >= 0n) return Number(segment.maxTimestampSoFar);
    return segment.lastModifiedMs();
  }

  /** Loads a segment's indexes if they are not in memory yet (they load lazily). */
  async loadIndexes(segment: Segment): Promise<void> {
    if (segment.indexes) return;
    const segments = this.#segments;
    const i = segments.indexOf(segment);
    if (i < 0) throw new Error(`segment ${segment.logPath} is no longer part of the log`);
    await this.#ensureIndexes(segments, i);
  }

  // --- for the cleaner --------------------------------------------------------------------------

  /** The first offset the cleaner has not cleaned yet, as last checkpointed; null before any cleaning. */
  get cleanerCheckpoint(): bigint | null {
    return this.#cleanerCheckpoint;
  }

  async setCleanerCheckpoint(offset: bigint): Promise<void> {
    if (this.#closed) return;
    await writeCleanerCheckpoint(this.dir, offset);
    this.#cleanerCheckpoint = offset;
  }

  /** True once close started: a cleaning must stop and leave the log as it is. */
  get closing(): boolean {
    return this.#closing || this.#closed;
  }

  /**
   * Runs one cleaning of this log; close asks it to stop (see closing) and waits for it. Resolves null,
   * without running it, when the log is closing or another cleaning runs.
   */
  async runCleaning<T>(task: () => Promise<T>): Promise<T | null> {
    if (this.closing || this.#cleaning) return null;
    const run = task();
    this.#cleaning = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      this.#cleaning = null;
    }
  }

  /** A new segment, with in-memory indexes, that the cleaner writes as `<base>.log.cleaned`. */
  async createCleanedSegment(baseOffset: bigint): Promise<Segment> {
    return this.#withEmptyIndexes(await Segment.createCleaned(this.dir, baseOffset, this.#config.clock()));
  }

  /**
   * Swaps a cleaned segment (sealed, fsynced, still named .cleaned) in for the consecutive segments it
   * was made from, as Kafka's replaceSegments does: rename it .swap (the commit point: from there on
   * recovery completes the swap), retire the old segments (.deleted), give the cleaned one its final
   * names, then replace them in the segment list in one step. Returns false, changing nothing, when the
   * old segments are no longer all in the log (retention or DeleteRecords took some) or the log closes.
   * `aborted` are the aborted-transaction index entries the cleaned segment keeps (its .txnindex).
   */
  replaceSegments(cleaned: Segment, old: readonly Segment[], aborted: AbortedTxn[] = []): Promise<boolean> {
    return this.#serialized(async () => {
      const at = this.#segments.indexOf(old[0]);
      const intact =
        at >= 0 &&
        at + old.length < this.#segments.length &&
        old.every((segment, i) => this.#segments[at + i] === segment);
      if (!intact || this.#closing || this.#closed) return false;
      await cleaned.changeFileSuffix(SWAP_SUFFIX);
      await syncDir(this.dir);
      await this.#retired.markDeleted(old);
      await cleaned.changeFileSuffix('');
      await syncDir(this.dir);
      // Rolls only ever add at the end, so the old segments are still where they were.
      const segments = this.#segments;
      this.#segments = [...segments.slice(0, at), cleaned, ...segments.slice(at + old.length)];
      for (const segment of old) {
        this.#unsynced.delete(segment);
        this.#aborted.set(segment.baseOffset, []);
      }
      this.#aborted.set(cleaned.baseOffset, aborted);
      this.#retired.scheduleRemoval(old, this.#config.fileDeleteDelayMs);
      return true;
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
      { segmentBytes: this.#config.segmentBytes, segmentMs: maxSegmentMs(this.#config) },
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
        this.#applyToProducerState(segment, buf, at, size);
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
   * Keeps the producer state in step with a batch just written; an abort marker that ends a transaction
   * adds it to the aborted-transaction index of the segment it is written to.
   */
  #applyToProducerState(segment: Segment, buf: Buffer, at: number, size: number): void {
    const completed = this.#producerState.apply(writtenBatchAt(buf, at, size));
    if (!completed?.aborted) return;
    const entry: AbortedTxn = {
      producerId: completed.producerId,
      firstOffset: completed.firstOffset,
      lastOffset: completed.lastOffset,
      lastStableOffset: this.#producerState.lastStableOffset(completed.lastOffset + 1n),
    };
    this.#aborted.add(segment.baseOffset, entry);
    segment.appendTxnIndex(encodeAbortedTxns([entry]));
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
      const segment = this.#withEmptyIndexes(
        await Segment.create(this.dir, baseOffset, this.#config.clock()),
      );
      await syncDir(this.dir);
      this.#segments = [...this.#segments, segment];
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    this.#stats.rolls++;
    // The producer state as of the new segment's base offset (every batch before it is applied), so that
    // recovery replays at most the segments after it; older snapshots than the last three segments' go.
    const snapshot = snapshotOf(this.#producerState);
    const oldestKept = this.#segments.at(-3)?.baseOffset ?? 0n;
    const persisted = async () => {
      await previous.seal();
      await writeSnapshot(this.dir, baseOffset, snapshot);
      await deleteSnapshotsBelow(this.dir, oldestKept);
    };
    const seal = persisted().then(
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

  /**
   * Runs `task` while no write is in flight: appends queued meanwhile wait, and are written after it.
   * The writer slot is claimed synchronously, so no append can start in between.
   */
  async #withWriterPaused<T>(task: () => Promise<T>): Promise<T> {
    while (this.#writer) await this.#writer;
    let release!: () => void;
    this.#writer = new Promise<void>((resolve) => (release = resolve));
    try {
      return await task();
    } finally {
      this.#writer = null;
      release();
      if (this.#queue.length > 0) this.#writer = this.#writeQueued();
    }
  }

  /**
   * Runs a read-only walk over the segment list; when a segment it used was retired and closed under it,
   * the walk starts again on the current list (whose offsets may have moved meanwhile).
   */
  async #onSegments<T>(walk: (segments: readonly Segment[]) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const segments = this.#segments;
      try {
        return await walk(segments);
      } catch (error) {
        if (this.#closed || attempt === MAX_READ_ATTEMPTS || !segments.some((segment) => segment.closed)) {
          throw error;
        }
      }
      // Let the change that retired the segment finish before looking again.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Deletes the oldest segments for which `condition` holds (see retention.ts). */
  async #deleteWhere(reason: string, condition: DeletionCondition<Segment>): Promise<number> {
    const bounds = { highWatermark: this.highWatermark, logEndOffset: this.#logEndOffset };
    const judgedSize = new Map<Segment, number>();
    const deletable = await deletableSegments(this.#segments, bounds, (segment, next) => {
      judgedSize.set(segment, segment.size);
      return condition(segment, next);
    });
    // Only the active segment changes while it is judged; if it took appends, what it holds now is
    // not expired. Deleting it means rolling a new one first, as Kafka always keeps one segment.
    const last = deletable.at(-1);
    if (
      last &&
      (last.size !== judgedSize.get(last) ||
        (last === this.#segments.at(-1) && !(await this.#rollAfterExpired(last, judgedSize.get(last)!))))
    ) {
      deletable.pop();
    }
    if (deletable.length === 0) return 0;
    // A segment that just stopped being active is sealed in the background: let that finish first.
    await this.#pendingSeal;
    const gone = new Set(deletable);
    const remaining = this.#segments.filter((segment) => !gone.has(segment));
    const newStart = remaining[0].baseOffset;
    if (newStart > this.#logStartOffset) {
      await writeLogStartOffset(this.dir, newStart);
      this.#logStartOffset = newStart;
    }
    // Filtered again: the writer may have rolled a new segment while the log start was written.
    this.#segments = this.#segments.filter((segment) => !gone.has(segment));
    for (const segment of deletable) {
      this.#unsynced.delete(segment);
      this.#aborted.set(segment.baseOffset, []);
    }
    await this.#retired.markDeleted(deletable);
    await deleteSnapshotsBelow(this.dir, this.#segments[0].baseOffset);
    this.#retired.scheduleRemoval(deletable, this.#config.fileDeleteDelayMs);
    await syncDir(this.dir);
    this.#logger.info(
      {
        dir: this.dir,
        segments: deletable.map((segment) => segment.baseOffset.toString()),
        logStartOffset: this.#logStartOffset.toString(),
        reason,
      },
      'deleted log segments',
    );
    return deletable.length;
  }

  /**
   * Rolls a new active segment at the log end so that `active` can be deleted. Returns false, rolling
   * nothing, if `active` is no longer as retention judged it (it grew, or stopped being active).
   */
  #rollAfterExpired(active: Segment, judgedSize: number): Promise<boolean> {
    return this.#withWriterPaused(async () => {
      if (this.#segments.at(-1) !== active || active.size !== judgedSize) return false;
      await this.#roll(this.#logEndOffset);
      if (this.#failure) throw this.#failure;
      return true;
    });
  }

  /** A new segment's indexes: empty, in memory, sized by segment.index.bytes. */
  #withEmptyIndexes(segment: Segment): Segment {
    const { segmentIndexBytes } = this.#config;
    segment.resetIndexes(
      new OffsetIndex(segment.baseOffset, segmentIndexBytes),
      new TimeIndex(segment.baseOffset, segmentIndexBytes),
    );
    return segment;
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
    this.#closing = true;
    await this.#cleaning;
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
        await active.syncTxnIndex();
        await Promise.all([...this.#unsynced, active].map((segment) => segment.datasync()));
        await writeSnapshot(this.dir, this.#logEndOffset, snapshotOf(this.#producerState));
      }
      for (const segment of this.#segments) await segment.close();
      await this.#retired.removeAll();
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

// One compaction of one log (Kafka's Cleaner.doClean):
//   1. read the dirty range [firstDirtyOffset, firstUncleanableOffset) and record each key's latest
//      offset in the offset map, stopping early if the map fills up;
//   2. group the segments from the log start up to where the map ends (clean head included: keys updated
//      in the dirty part, and tombstones past their horizon, go from there too) by segment.bytes;
//   3. per group, filter every batch into a new segment written as `.cleaned`, seal it (indexes, fsync),
//      and have the log swap it in for the group (see PartitionLog.replaceSegments).
// Records of aborted transactions never enter the map and are dropped from the cleaned segments; markers
// go once their transaction has no data left and their delete horizon passed (see aborted-data.ts and
// filterMarker). Only offsets below the last stable offset are cleaned (cleanable.ts), so every
// transaction met here has ended.
// It returns the offset cleaned up to, which becomes the cleaner checkpoint. The work is done in chunks
// with awaits in between (file reads, codecs), so request handling goes on; a log that starts closing
// makes it stop at the next batch, leaving the log as it was (the current group's files are removed).
import type { Logger } from 'pino';
import {
  ATTR_CONTROL,
  type BatchHeader,
  OFFSET,
  readBatchHeader,
} from '../../protocol/records/batch-header.ts';
import { type AbortedTxn, encodeAbortedTxns } from '../txn/aborted-index.ts';
import { AbortedDataTracker } from './aborted-data.ts';
import { lastOffsetOf, maxTimestampOf } from './batch-scan.ts';
import { groupSegmentsBySize, type LogToClean } from './cleanable.ts';
import { type FilterCounts, filterBatch, filterMarker, recordsSection } from './compaction-filter.ts';
import { iterateBatches, scanBatches } from './file-scan.ts';
import type { IoThrottle } from './io-throttle.ts';
import type { KeyOffsetMap } from './offset-map.ts';
import type { PartitionLog } from './partition-log.ts';
import { scanRecords } from './record-scan.ts';
import type { Segment } from './segment.ts';
import { CLEANED_SUFFIX } from './segment-files.ts';
import { writtenBatchAt } from './written-batch.ts';

/** Output is written to the cleaned segment in runs of about this many bytes. */
const WRITE_RUN_BYTES = 256 * 1024;

export class LogCleaningAbortedError extends Error {
  constructor(dir: string) {
    super(`cleaning of ${dir} aborted: the log is closing or changed under the cleaner`);
    this.name = 'LogCleaningAbortedError';
  }
}

export interface CleanerTools {
  map: KeyOffsetMap;
  throttle: IoThrottle;
  logger: Logger;
  /** producer.id.expiration.ms: a producer silent for longer no longer needs its last batch kept. */
  producerIdExpirationMs: number;
  /** True when the cleaner is shutting down: the cleaning stops as if the log were closing. */
  stopping: () => boolean;
}

export interface CleaningStats extends FilterCounts {
  /** Bytes of the segments rewritten (the clean head and the dirty range). */
  bytesRead: number;
  bytesWritten: number;
  /** Bytes of the dirty range read to build the offset map. */
  mapBytesRead: number;
  segmentsCleaned: number;
  groups: number;
  mapUtilization: number;
  elapsedMs: number;
}

export interface CleaningResult {
  /** Offsets below this are clean now: the new cleaner checkpoint. */
  endOffset: bigint;
  stats: CleaningStats;
}

export async function cleanLog(
  log: PartitionLog,
  toClean: LogToClean,
  tools: CleanerTools,
): Promise<CleaningResult> {
  const started = performance.now();
  const nowMs = log.config.clock();
  const stats: CleaningStats = {
    bytesRead: 0,
    bytesWritten: 0,
    mapBytesRead: 0,
    recordsRead: 0,
    recordsRetained: 0,
    keyless: 0,
    segmentsCleaned: 0,
    groups: 0,
    mapUtilization: 0,
    elapsedMs: 0,
  };
  const { map } = tools;
  await buildOffsetMap(log, toClean.firstDirtyOffset, toClean.firstUncleanableOffset, tools, stats);
  const endOffset = BigInt(map.latestOffset + 1);
  const toRewrite = log.segments.filter(
    (segment, i, all) => i < all.length - 1 && segment.baseOffset < endOffset,
  );
  for (const segment of toRewrite) await log.loadIndexes(segment);
  const producers = await lastBatchOfProducers(log, nowMs, tools.producerIdExpirationMs);
  const groups = groupSegmentsBySize(
    toRewrite.map((segment) => ({
      segment,
      baseOffset: segment.baseOffset,
      size: segment.size,
      offsetIndexBytes: segment.offsetIndex.entries * 8,
      timeIndexBytes: segment.timeIndex.entries * 12,
    })),
    log.config.segmentBytes,
    log.config.segmentIndexBytes,
    toClean.firstUncleanableOffset,
  );
  const filter = { map, nowMs: BigInt(nowMs), deleteRetentionMs: BigInt(log.config.deleteRetentionMs) };
  const aborted = new AbortedDataTracker(
    toRewrite.length > 0
      ? log.abortedTxnEntries(toRewrite[0].baseOffset, toClean.firstUncleanableOffset)
      : [],
  );
  for (const group of groups) {
    const rewrite = new GroupRewrite(
      log,
      tools,
      stats,
      producers,
      toClean.firstUncleanableOffset,
      filter,
      aborted,
    );
    await rewrite.run(group.map((entry) => entry.segment));
    stats.groups++;
    stats.segmentsCleaned += group.length;
  }
  stats.mapUtilization = map.utilization;
  stats.elapsedMs = performance.now() - started;
  return { endOffset, stats };
}

function checkNotClosing(log: PartitionLog, tools: CleanerTools): void {
  if (log.closing || tools.stopping()) throw new LogCleaningAbortedError(log.dir);
}

/**
 * Step 1: key -> latest offset for the dirty range (Kafka's buildOffsetMap). Stops when a new key no
 * longer fits the map; the map's latest offset then says how far the cleaning can go.
 */
async function buildOffsetMap(
  log: PartitionLog,
  start: bigint,
  end: bigint,
  tools: CleanerTools,
  stats: CleaningStats,
): Promise<void> {
  const { map } = tools;
  map.clear();
  const aborted = new AbortedDataTracker(log.abortedTxnEntries(start, end));
  const segments = log.segments;
  const startNumber = Number(start);
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i];
    const next = segments[i + 1];
    if (next.baseOffset <= start) continue;
    if (segment.baseOffset >= end) break;
    await log.loadIndexes(segment);
    const full = await segment.use(async () => {
      for await (const batch of iterateBatches(
        segment.readAt,
        segment.offsetIndex.lookup(start),
        segment.size,
      )) {
        checkNotClosing(log, tools);
        stats.mapBytesRead += batch.size;
        await tools.throttle.maybeThrottle(batch.size);
        const lastOffset = lastOffsetOf(batch.buf, batch.at);
        if (lastOffset < start) continue;
        const header = readBatchHeader(batch.buf, batch.at);
        // Every batch goes past the tracker, markers included: they end the aborted transactions.
        const control = (header.attributes & ATTR_CONTROL) !== 0;
        if (control) aborted.onMarker(header, writtenBatchAt(batch.buf, batch.at, batch.size).marker);
        else if (!aborted.isAborted(header)) {
          const baseOffset = Number(batch.buf.readBigInt64BE(batch.at));
          const data = await recordsSection(batch.buf.subarray(batch.at, batch.at + batch.size));
          let fits = true;
          scanRecords(data, batch.buf.readInt32BE(batch.at + OFFSET.recordCount), (record) => {
            const offset = baseOffset + record.offsetDelta;
            if (!fits || record.keyStart < 0 || offset < startNumber) return;
            fits = map.put(data, record.keyStart, record.keyEnd, offset);
          });
          if (!fits) return true;
        }
        map.updateLatestOffset(Number(lastOffset));
      }
      return false;
    });
    if (full) {
      tools.logger.debug(
        { dir: log.dir, segment: segment.baseOffset.toString(), keys: map.size },
        'offset map full: cleaning part of the dirty range',
      );
      return;
    }
    // Offsets missing at the end of a segment (compacted away) are covered too.
    map.updateLatestOffset(Number((next.baseOffset < end ? next.baseOffset : end) - 1n));
  }
}

/**
 * The last batch of every producer still active (seen within producer.id.expiration.ms): compaction
 * keeps it, empty if need be, so that the producer's sequence and epoch survive, as Kafka does with its
 * producer state. Producer id -> last offset of that batch.
 */
async function lastBatchOfProducers(
  log: PartitionLog,
  nowMs: number,
  expirationMs: number,
): Promise<Map<bigint, bigint>> {
  const last = new Map<bigint, { lastOffset: bigint; timestamp: bigint }>();
  for (const segment of log.segments) {
    await segment.use(() =>
      scanBatches(segment.readAt, 0, segment.size, false, (buf, at) => {
        const producerId = buf.readBigInt64BE(at + OFFSET.producerId);
        if (producerId >= 0n) {
          last.set(producerId, { lastOffset: lastOffsetOf(buf, at), timestamp: maxTimestampOf(buf, at) });
        }
        return true;
      }),
    );
  }
  const active = new Map<bigint, bigint>();
  for (const [producerId, batch] of last) {
    if (nowMs - Number(batch.timestamp) < expirationMs) active.set(producerId, batch.lastOffset);
  }
  return active;
}

/** Step 3 for one group of segments: filter them into one new segment and swap it in. */
class GroupRewrite {
  readonly #log: PartitionLog;
  readonly #tools: CleanerTools;
  readonly #stats: CleaningStats;
  readonly #producers: Map<bigint, bigint>;
  readonly #upperBound: bigint;
  readonly #filter: Parameters<typeof filterBatch>[1];
  readonly #aborted: AbortedDataTracker;
  /** The aborted-transaction index entries of the cleaned segment: aborts whose markers it keeps with data. */
  readonly #keptAborts: AbortedTxn[] = [];
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(
    log: PartitionLog,
    tools: CleanerTools,
    stats: CleaningStats,
    producers: Map<bigint, bigint>,
    upperBound: bigint,
    filter: Parameters<typeof filterBatch>[1],
    aborted: AbortedDataTracker,
  ) {
    this.#log = log;
    this.#tools = tools;
    this.#stats = stats;
    this.#producers = producers;
    this.#upperBound = upperBound;
    this.#filter = filter;
    this.#aborted = aborted;
  }

  async run(group: Segment[]): Promise<void> {
    const log = this.#log;
    const cleaned = await log.createCleanedSegment(group[0].baseOffset);
    try {
      for (const segment of group) await segment.use(() => this.#cleanInto(segment, cleaned));
      await this.#flush(cleaned);
      await cleaned.writeTxnIndex(encodeAbortedTxns(this.#keptAborts));
      await cleaned.seal();
      // Kafka keeps the modification time of the newest segment replaced (retention falls back to it).
      await cleaned.setLastModified(await group[group.length - 1].lastModifiedMs());
      checkNotClosing(log, this.#tools);
      if (!(await log.replaceSegments(cleaned, group, this.#keptAborts)))
        throw new LogCleaningAbortedError(log.dir);
    } catch (error) {
      // Once renamed past .cleaned the swap is committed: recovery, not this, deals with what is left.
      if (cleaned.fileSuffix === CLEANED_SUFFIX) await cleaned.destroy();
      throw error;
    }
  }

  async #cleanInto(source: Segment, cleaned: Segment): Promise<void> {
    for await (const batch of iterateBatches(source.readAt, 0, source.size)) {
      checkNotClosing(this.#log, this.#tools);
      this.#stats.bytesRead += batch.size;
      await this.#tools.throttle.maybeThrottle(batch.size);
      const bytes = batch.buf.subarray(batch.at, batch.at + batch.size);
      const header = readBatchHeader(bytes, 0);
      const lastOffset = header.baseOffset + BigInt(header.lastOffsetDelta);
      // Kept even when emptied: an active producer's last batch, and the last batch of the round (so
      // that the offset it ends at is not lost).
      const retainEmpty =
        (header.producerId >= 0n && this.#producers.get(header.producerId) === lastOffset) ||
        lastOffset + 1n === this.#upperBound;
      const result =
        header.attributes & ATTR_CONTROL
          ? this.#filterMarker(bytes, header, retainEmpty)
          : await filterBatch(bytes, this.#filter, retainEmpty, this.#stats, this.#aborted.isAborted(header));
      if (result.kind === 'removed') continue;
      // The batch's bytes are only valid until the next one is read: keep a copy.
      this.#push(result.kind === 'unchanged' ? Buffer.from(bytes) : result.batch);
      if (this.#pendingBytes >= WRITE_RUN_BYTES) await this.#flush(cleaned);
    }
  }

  #filterMarker(bytes: Buffer, header: BatchHeader, retainEmpty: boolean) {
    const { canDiscard, keptAbort } = this.#aborted.onMarker(
      header,
      writtenBatchAt(bytes, 0, bytes.length).marker,
    );
    if (keptAbort) this.#keptAborts.push(keptAbort);
    return filterMarker(bytes, this.#filter, canDiscard, retainEmpty);
  }

  #push(batch: Buffer): void {
    this.#pending.push(batch);
    this.#pendingBytes += batch.length;
  }

  async #flush(cleaned: Segment): Promise<void> {
    if (this.#pending.length === 0) return;
    const start = cleaned.size;
    // One buffer: a run of small batches could exceed what one writev takes.
    cleaned.write([Buffer.concat(this.#pending, this.#pendingBytes)], start);
    let position = start;
    const interval = this.#log.config.indexIntervalBytes;
    for (const batch of this.#pending) {
      cleaned.indexBatch(batch, 0, position, batch.length, interval);
      position += batch.length;
    }
    cleaned.size = position;
    this.#stats.bytesWritten += this.#pendingBytes;
    await this.#tools.throttle.maybeThrottle(this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}

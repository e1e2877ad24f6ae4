// Opening a partition directory (Kafka's LogLoader): find the segments, clean up leftovers, and make
// sure the log ends with whole, valid batches. After a clean close (marker present) the log is trusted
// and only its tail is checked; otherwise the segments that may hold unsynced bytes are validated batch
// by batch and cut at the first torn or corrupt one.
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { checkStoredBatch, lastOffsetOf } from './batch-scan.ts';
import { bigMax, bigMin } from './bigint-math.ts';
import { replaceFile, syncDir } from './durable-files.ts';
import { scanBatches } from './file-scan.ts';
import type { ResolvedLogConfig } from './log-config.ts';
import { OffsetIndex } from './offset-index.ts';
import { Segment } from './segment.ts';
import {
  CLEAN_SHUTDOWN_FILE,
  classifyPartitionFiles,
  LOG_START_OFFSET_FILE,
  parseSegmentFileName,
  parseSwapFileName,
  SWAP_SUFFIX,
} from './segment-files.ts';
import { TimeIndex } from './time-index.ts';

export interface LoadedLog {
  segments: Segment[];
  logEndOffset: bigint;
  logStartOffset: bigint;
  /**
   * Offsets below this were not touched by recovery, so producer state may come from a snapshot up to it:
   * the log end after a clean shutdown, else the base offset of the first segment recovery validated.
   */
  trustedUpTo: bigint;
}

interface CleanShutdownMarker {
  logEndOffset: bigint;
}

/**
 * Loads (or creates) the log in `dir`. Without a clean-shutdown marker, the last two segments are
 * validated: the active one, and the one before it whose background seal (fsync) may not have finished
 * when the process died. Older segments were fsynced when the next-but-one segment was created; any
 * segment missing an index file is validated too. A torn or corrupt batch truncates its segment there
 * and removes every later segment, as Kafka does.
 */
export async function loadLog(dir: string, config: ResolvedLogConfig, logger: Logger): Promise<LoadedLog> {
  await ensureDir(dir);
  await completeInterruptedSwaps(dir, await readdir(dir), logger);
  const listing = classifyPartitionFiles(await readdir(dir));
  for (const name of listing.garbage) {
    logger.info({ dir, file: name }, 'removing leftover file from partition directory');
    await unlink(join(dir, name));
  }
  const marker = await takeCleanShutdownMarker(dir);
  const segments = await openSegments(dir, listing.segments, config, logger);
  if (segments.length === 0) {
    const start = (await readLogStartOffset(dir)) ?? 0n;
    segments.push(await Segment.create(dir, start, config.clock()));
    segments[0].resetIndexes(...newIndexes(start, config));
    await syncDir(dir);
    return { segments, logEndOffset: start, logStartOffset: start, trustedUpTo: start };
  }

  let logEndOffset = marker ? await loadCleanTail(segments.at(-1)!, marker, config, logger, dir) : null;
  const firstUnsynced = logEndOffset === null ? Math.max(0, segments.length - 2) : segments.length;
  let previousEnd: bigint | null = null;
  let firstRecovered: bigint | null = null;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (i < firstUnsynced && segment.hadIndexFiles) {
      previousEnd = null;
      continue;
    }
    firstRecovered ??= segment.baseOffset;
    const result = await recoverSegment(segment, previousEnd ?? segment.baseOffset, config, true);
    previousEnd = result.nextOffset;
    if (result.truncatedBytes > 0) {
      logger.warn(
        {
          dir,
          segment: segment.logPath,
          offset: result.nextOffset.toString(),
          position: result.validBytes,
          truncatedBytes: result.truncatedBytes,
          reason: result.problem,
        },
        'truncated torn or corrupt batches at the end of a log segment',
      );
      const removed = segments.splice(i + 1);
      if (removed.length > 0) {
        logger.warn(
          { dir, segments: removed.map((s) => s.logPath), bytes: removed.reduce((n, s) => n + s.size, 0) },
          'removed log segments that followed a truncated segment',
        );
        for (const later of removed) await later.destroy();
      }
    }
    const nowActive = i === segments.length - 1;
    if (nowActive) {
      await segment.datasync();
      logEndOffset = result.nextOffset;
    } else {
      await segment.seal();
    }
  }
  await syncDir(dir);

  const end = logEndOffset ?? segments.at(-1)!.baseOffset;
  const persistedStart = (await readLogStartOffset(dir)) ?? 0n;
  const logStartOffset = bigMin(bigMax(persistedStart, segments[0].baseOffset), end);
  return { segments, logEndOffset: end, logStartOffset, trustedUpTo: firstRecovered ?? end };
}

async function ensureDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true });
  if (created !== undefined) await syncDir(dirname(dir));
}

async function openSegments(
  dir: string,
  found: { baseOffset: bigint; hasIndexes: boolean; hasTxnIndex: boolean }[],
  config: ResolvedLogConfig,
  logger: Logger,
): Promise<Segment[]> {
  const segments: Segment[] = [];
  for (const { baseOffset, hasIndexes, hasTxnIndex } of found) {
    const segment = await Segment.open(dir, baseOffset, config.clock(), hasIndexes);
    segment.hasTxnIndex = hasTxnIndex;
    segments.push(segment);
  }
  // An empty segment between the first and the last holds nothing and breaks no offset range: drop it.
  // An empty first segment is kept: compaction may have emptied it, and it still marks where the log
  // starts, as in Kafka.
  for (let i = segments.length - 2; i >= 1; i--) {
    if (segments[i].size === 0) {
      logger.info({ dir, segment: segments[i].logPath }, 'removing empty log segment');
      await segments[i].destroy();
      segments.splice(i, 1);
    }
  }
  return segments;
}

/**
 * Finishes a compaction swap that a crash interrupted (Kafka's LogLoader): a `<base>.log.swap` file is a
 * cleaned segment committed to replace the segments it was made from. Every other segment file whose
 * base offset falls inside the offsets the swap covers is one of those (not yet renamed `.deleted`) and
 * goes; then the swap files take their final names. Segments past the swap's last offset are left as
 * they are: whatever of them survived holds records after it, so the log stays consistent.
 * Index swap files without their .log.swap are from a swap that never committed: classifyPartitionFiles
 * removes them with the other leftovers.
 */
async function completeInterruptedSwaps(
  dir: string,
  names: readonly string[],
  logger: Logger,
): Promise<void> {
  const swaps = names.filter((name) => parseSwapFileName(name)?.kind === 'log');
  if (swaps.length === 0) return;
  let from: bigint | null = null;
  let to = -1n;
  for (const name of swaps) {
    const { baseOffset } = parseSwapFileName(name)!;
    const next = await nextOffsetInFile(join(dir, name), baseOffset);
    from = from === null ? baseOffset : bigMin(from, baseOffset);
    to = bigMax(to, bigMax(next, baseOffset + 1n));
  }
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (parsed && parsed.baseOffset >= from! && parsed.baseOffset < to) {
      logger.info({ dir, file: name }, 'removing a segment file replaced by an interrupted compaction swap');
      await unlink(join(dir, name));
    }
  }
  const committed = new Set(swaps.map((name) => parseSwapFileName(name)!.baseOffset));
  const renames = names
    .filter((name) => {
      const parsed = parseSwapFileName(name);
      return parsed !== null && committed.has(parsed.baseOffset);
    })
    // The .log last, as when the swap runs normally.
    .sort((a, b) => Number(a.includes('.log.')) - Number(b.includes('.log.')));
  for (const name of renames) {
    logger.info({ dir, file: name }, 'completing an interrupted compaction swap');
    await rename(join(dir, name), join(dir, name.slice(0, -SWAP_SUFFIX.length)));
  }
  await syncDir(dir);
}

/** The offset after the last whole batch of a segment file (its base offset when it has none). */
async function nextOffsetInFile(path: string, baseOffset: bigint): Promise<bigint> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    let next = baseOffset;
    const read = async (position: number, length: number) => {
      const buf = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buf, 0, length, position);
      return buf.subarray(0, bytesRead);
    };
    await scanBatches(read, 0, size, false, (buf, at) => {
      next = lastOffsetOf(buf, at) + 1n;
      return true;
    });
    return next;
  } finally {
    await handle.close();
  }
}

function newIndexes(baseOffset: bigint, config: ResolvedLogConfig): [OffsetIndex, TimeIndex] {
  return [
    new OffsetIndex(baseOffset, config.segmentIndexBytes),
    new TimeIndex(baseOffset, config.segmentIndexBytes),
  ];
}

interface SegmentRecovery {
  nextOffset: bigint;
  validBytes: number;
  truncatedBytes: number;
  problem: string | null;
}

/**
 * Rebuilds a segment's indexes from its batches. With `validate`, every batch must also be sound
 * (magic 2, CRC-32C, offsets increasing from `minBaseOffset`) and the file is cut at the first that is
 * not; without it (re-indexing a sealed segment) only the framing is followed.
 */
async function recoverSegment(
  segment: Segment,
  minBaseOffset: bigint,
  config: ResolvedLogConfig,
  validate: boolean,
): Promise<SegmentRecovery> {
  segment.resetIndexes(...newIndexes(segment.baseOffset, config));
  segment.firstBatchTimestamp = null;
  let nextOffset = segment.baseOffset;
  let expectedMin = bigMax(minBaseOffset, segment.baseOffset);
  let problem: string | null = null;
  const end = await segment.use(() =>
    scanBatches(segment.readAt, 0, segment.size, validate, (buf, at, position, size) => {
      const lastOffset = lastOffsetOf(buf, at);
      if (validate) {
        problem = checkStoredBatch(buf, at, expectedMin);
        if (!problem && !segment.offsetIndex.canHold(lastOffset))
          problem = `offset ${lastOffset} overflows the segment`;
        if (problem) return false;
      }
      segment.indexBatch(buf, at, position, size, config.indexIntervalBytes);
      nextOffset = lastOffset + 1n;
      expectedMin = nextOffset;
      return true;
    }),
  );
  problem ??= end.problem;
  // Like Kafka's recover(): a clean segment always ends its time index with its largest timestamp.
  segment.timeIndex.maybeAppend(segment.maxTimestampSoFar, segment.offsetOfMaxTimestampSoFar, true);
  const truncatedBytes = validate ? segment.size - end.position : 0;
  if (truncatedBytes > 0) await segment.use(() => segment.truncate(end.position));
  return { nextOffset, validBytes: end.position, truncatedBytes, problem };
}

/**
 * Loads the index files of a segment that is not active. An index that cannot be trusted is rebuilt
 * from the log (it is derived data) and rewritten.
 */
export async function loadSegmentIndexes(
  segment: Segment,
  nextOffset: bigint,
  config: ResolvedLogConfig,
  logger: Logger,
): Promise<void> {
  const problem = await readIndexFiles(segment, nextOffset, config);
  if (problem === null) return;
  logger.warn({ segment: segment.logPath, reason: problem }, 'rebuilding the indexes of a log segment');
  const result = await recoverSegment(segment, segment.baseOffset, config, false);
  if (result.problem) {
    logger.error(
      { segment: segment.logPath, position: result.validBytes, reason: result.problem },
      'log segment is corrupt',
    );
  }
  await segment.use(() => segment.writeIndexFiles());
}

/** Reads and checks both index files into `segment`; returns why they cannot be used, or null. */
async function readIndexFiles(
  segment: Segment,
  nextOffset: bigint,
  config: ResolvedLogConfig,
): Promise<string | null> {
  let files: [Buffer, Buffer];
  try {
    files = await Promise.all([readFile(segment.indexPath), readFile(segment.timeIndexPath)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'index file missing';
    throw error;
  }
  const offset = OffsetIndex.fromBuffer(files[0], segment.baseOffset, config.segmentIndexBytes, segment.size);
  if (typeof offset === 'string') return offset;
  const time = TimeIndex.fromBuffer(files[1], segment.baseOffset, config.segmentIndexBytes, nextOffset);
  if (typeof time === 'string') return time;
  segment.resetIndexes(offset, time);
  return null;
}

/**
 * After a clean close: loads the active segment's indexes and checks the batches after its last index
 * entry (CRC included) up to the end recorded in the marker. Returns the log end offset, or null when
 * anything disagrees and the segment must be recovered instead.
 */
async function loadCleanTail(
  segment: Segment,
  marker: CleanShutdownMarker,
  config: ResolvedLogConfig,
  logger: Logger,
  dir: string,
): Promise<bigint | null> {
  const problem = segment.hadIndexFiles
    ? await readIndexFiles(segment, marker.logEndOffset, config)
    : 'index file missing';
  if (problem === null) {
    const from = segment.offsetIndex.lastEntry()?.position ?? 0;
    let nextOffset = segment.baseOffset;
    let invalid: string | null = null;
    const end = await segment.use(() =>
      scanBatches(segment.readAt, from, segment.size, true, (buf, at, position, size) => {
        invalid = checkStoredBatch(buf, at, segment.baseOffset);
        if (invalid) return false;
        segment.indexBatch(buf, at, position, size, config.indexIntervalBytes);
        nextOffset = lastOffsetOf(buf, at) + 1n;
        return true;
      }),
    );
    await segment.loadFirstBatchTimestamp();
    if (!invalid && !end.problem && end.position === segment.size && nextOffset === marker.logEndOffset) {
      return nextOffset;
    }
  }
  logger.warn(
    { dir, segment: segment.logPath, reason: problem ?? 'tail does not match the clean-shutdown marker' },
    'clean-shutdown marker not trusted; recovering',
  );
  return null;
}

/** Reads and deletes the clean-shutdown marker (durably, so a crash later cannot reuse a stale one). */
async function takeCleanShutdownMarker(dir: string): Promise<CleanShutdownMarker | null> {
  const path = join(dir, CLEAN_SHUTDOWN_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  await rm(path);
  await syncDir(dir);
  try {
    const parsed = JSON.parse(text) as { logEndOffset?: unknown };
    return typeof parsed.logEndOffset === 'string' ? { logEndOffset: BigInt(parsed.logEndOffset) } : null;
  } catch {
    return null;
  }
}

export async function writeCleanShutdownMarker(dir: string, logEndOffset: bigint): Promise<void> {
  const body = JSON.stringify({ logEndOffset: logEndOffset.toString() });
  await replaceFile(join(dir, CLEAN_SHUTDOWN_FILE), Buffer.from(body), true);
}

async function readLogStartOffset(dir: string): Promise<bigint | null> {
  try {
    return BigInt((await readFile(join(dir, LOG_START_OFFSET_FILE), 'utf8')).trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return null;
    throw error;
  }
}

export async function writeLogStartOffset(dir: string, offset: bigint): Promise<void> {
  await replaceFile(join(dir, LOG_START_OFFSET_FILE), Buffer.from(`${offset}\n`), true);
}

// Which part of a compacted log the cleaner may clean, and whether it is worth it (Kafka's
// LogCleanerManager.cleanableOffsets, maxCompactionDelay and LogToClean), plus how the cleaned
// segments are grouped (Cleaner.groupSegmentsBySize). Everything here is arithmetic on segment
// summaries; the timestamps that need I/O are asked for through the view, only when a rule needs them.
//
// The log splits at the cleaner's checkpoint into a clean head (already compacted) and a dirty tail.
// The dirty part can be cleaned up to the first uncleanable offset: the smallest of the last stable
// offset, the active segment's base offset, and the base offset of the first dirty segment holding a
// record younger than min.compaction.lag.ms; rounded down to a segment boundary. A log is cleaned when
// its dirty share of bytes (cleanable / (clean + cleanable)) exceeds min.cleanable.dirty.ratio, or when
// some dirty record is older than max.compaction.lag.ms.

export interface SegmentSummary {
  baseOffset: bigint;
  size: number;
}

export interface CleanableLogView<S extends SegmentSummary> {
  logStartOffset: bigint;
  logEndOffset: bigint;
  /** Offsets below it are stable: no transaction that is still open starts before it (Kafka's LSO). */
  lastStableOffset: bigint;
  /** Oldest first; the last one is the active segment. */
  segments: readonly S[];
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  largestTimestamp(segment: S): Promise<number>;
  firstBatchTimestamp(segment: S): Promise<bigint | null>;
}

export interface LogToClean {
  firstDirtyOffset: bigint;
  /** Base offset of the first segment that cannot be cleaned now. */
  firstUncleanableOffset: bigint;
  cleanBytes: number;
  cleanableBytes: number;
  totalBytes: number;
  cleanableRatio: number;
  /** Some dirty record is older than max.compaction.lag.ms. */
  needCompactionNow: boolean;
  /** The checkpoint was outside the log (truncated or deleted meanwhile) and restarts at firstDirtyOffset. */
  checkpointReset: boolean;
}

/** Index of the segment holding `offset` (the last one whose base offset is at or below it), else 0. */
function floorIndex(segments: readonly SegmentSummary[], offset: bigint): number {
  let found = 0;
  for (let i = 0; i < segments.length && segments[i].baseOffset <= offset; i++) found = i;
  return found;
}

/** Kafka's logSegments(from, to): the segment holding `from` and those after it starting below `to`. */
function segmentsBetween<S extends SegmentSummary>(segments: readonly S[], from: bigint, to: bigint): S[] {
  const out: S[] = [];
  for (let i = floorIndex(segments, from); i < segments.length && segments[i].baseOffset < to; i++) {
    out.push(segments[i]);
  }
  return out;
}

/** Kafka's nonActiveLogSegmentsFrom: from the segment holding `from` up to, not including, the active one. */
function nonActiveFrom<S extends SegmentSummary>(segments: readonly S[], from: bigint): S[] {
  return segments.slice(floorIndex(segments, from), segments.length - 1);
}

function bytesOf(segments: readonly SegmentSummary[]): number {
  return segments.reduce((total, segment) => total + segment.size, 0);
}

/** Looks at one compacted log: its dirty range, its dirty ratio, and whether compaction is overdue. */
export async function examineLog<S extends SegmentSummary>(
  view: CleanableLogView<S>,
  checkpoint: bigint | null,
  nowMs: number,
): Promise<LogToClean> {
  const { segments, logStartOffset } = view;
  const checkpointed = checkpoint ?? logStartOffset;
  // A checkpoint below the log start (retention or DeleteRecords) or past the end (a truncated log)
  // no longer says anything: the whole log is dirty again.
  const checkpointReset = checkpointed < logStartOffset || checkpointed > view.logEndOffset;
  const firstDirtyOffset = checkpointReset ? logStartOffset : checkpointed;

  let uncleanable = view.lastStableOffset;
  const active = segments[segments.length - 1];
  if (active.baseOffset < uncleanable) uncleanable = active.baseOffset;
  const minLag = Math.max(view.minCompactionLagMs, 0);
  if (minLag > 0) {
    for (const segment of nonActiveFrom(segments, firstDirtyOffset)) {
      if ((await view.largestTimestamp(segment)) > nowMs - minLag) {
        if (segment.baseOffset < uncleanable) uncleanable = segment.baseOffset;
        break;
      }
    }
  }
  if (uncleanable < firstDirtyOffset) uncleanable = firstDirtyOffset;

  const firstUncleanable = nonActiveFrom(segments, uncleanable)[0] ?? active;
  const firstUncleanableOffset = firstUncleanable.baseOffset;
  const cleanBytes = bytesOf(segments.filter((segment) => segment.baseOffset < firstDirtyOffset));
  const from = firstDirtyOffset < firstUncleanableOffset ? firstDirtyOffset : firstUncleanableOffset;
  const cleanableBytes = bytesOf(segmentsBetween(segments, from, firstUncleanableOffset));
  const totalBytes = cleanBytes + cleanableBytes;
  return {
    firstDirtyOffset,
    firstUncleanableOffset,
    cleanBytes,
    cleanableBytes,
    totalBytes,
    cleanableRatio: totalBytes > 0 ? cleanableBytes / totalBytes : 0,
    needCompactionNow: (await maxCompactionDelay(view, firstDirtyOffset, nowMs)) > 0,
    checkpointReset,
  };
}

/**
 * How long ago the oldest dirty record should have been compacted under max.compaction.lag.ms (0 when
 * none is late), judged by the first batch timestamp of each dirty segment.
 */
async function maxCompactionDelay<S extends SegmentSummary>(
  view: CleanableLogView<S>,
  firstDirtyOffset: bigint,
  nowMs: number,
): Promise<number> {
  const cleanUntil = nowMs - Math.max(view.maxCompactionLagMs, 0);
  if (!Number.isFinite(cleanUntil) || cleanUntil <= 0) return 0;
  let earliest = Number.POSITIVE_INFINITY;
  for (const segment of nonActiveFrom(view.segments, firstDirtyOffset)) {
    const first = await view.firstBatchTimestamp(segment);
    if (first !== null && first > 0n && Number(first) < earliest) earliest = Number(first);
  }
  return earliest < cleanUntil ? cleanUntil - earliest : 0;
}

/** Whether the cleaner should take this log now (Kafka's filter in grabFilthiestCompactedLog). */
export function worthCleaning(log: LogToClean, minCleanableDirtyRatio: number): boolean {
  if (log.totalBytes <= 0) return false;
  return (log.needCompactionNow && log.cleanableBytes > 0) || log.cleanableRatio > minCleanableDirtyRatio;
}

export interface GroupableSegment extends SegmentSummary {
  offsetIndexBytes: number;
  timeIndexBytes: number;
}

/**
 * Groups consecutive segments to be cleaned into one new segment each, so that cleaned segments do not
 * shrink ever smaller: a group's log bytes stay within segment.bytes, each index within
 * segment.index.bytes, and its offsets within the int32 reach of one segment's indexes.
 */
export function groupSegmentsBySize<S extends GroupableSegment>(
  segments: readonly S[],
  maxSize: number,
  maxIndexSize: number,
  firstUncleanableOffset: bigint,
): S[][] {
  const groups: S[][] = [];
  let i = 0;
  while (i < segments.length) {
    const group = [segments[i]];
    let logSize = segments[i].size;
    let indexSize = segments[i].offsetIndexBytes;
    let timeIndexSize = segments[i].timeIndexBytes;
    i++;
    while (i < segments.length) {
      const next = segments[i];
      // The last offset the candidate may hold: below the segment after it, or below the uncleanable part.
      const lastOffset = (i + 1 < segments.length ? segments[i + 1].baseOffset : firstUncleanableOffset) - 1n;
      const fits =
        logSize + next.size <= maxSize &&
        indexSize + next.offsetIndexBytes <= maxIndexSize &&
        timeIndexSize + next.timeIndexBytes <= maxIndexSize &&
        (next.size === 0 || lastOffset - group[0].baseOffset <= 0x7fffffffn);
      if (!fits) break;
      group.push(next);
      logSize += next.size;
      indexSize += next.offsetIndexBytes;
      timeIndexSize += next.timeIndexBytes;
      i++;
    }
    groups.push(group);
  }
  return groups;
}

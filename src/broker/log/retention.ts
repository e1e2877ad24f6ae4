// Which old segments retention deletes (Kafka's UnifiedLog.deleteOldSegments): walking from the oldest
// segment, each rule deletes segments while its condition holds and stops at the first that fails.
//   - log start offset: a segment wholly below the log start offset (moved by DeleteRecords);
//   - retention.bytes: while the partition stays at or above the limit without the segment;
//   - retention.ms: a segment whose largest timestamp (or, without timestamps, the file's modification
//     time) is older than the limit.
// A segment reaching past the high watermark is never deleted, nor an empty last segment. The active
// segment is deletable like any other: the log then rolls first, so that it always keeps one segment.
// The conditions are pure; the walk takes them as async predicates since a segment's largest timestamp
// may need its time index loaded first.

/** What the rules look at in a segment. */
export interface RetentionCandidate {
  baseOffset: bigint;
  size: number;
}

/** Decides for one segment (with the next one, if any) whether it goes. */
export type DeletionCondition<S> = (segment: S, next: S | undefined) => boolean | Promise<boolean>;

export interface RetentionBounds {
  highWatermark: bigint;
  logEndOffset: bigint;
}

/** The oldest segments, in order, as long as `condition` holds for each (Kafka's deletableSegments). */
export async function deletableSegments<S extends RetentionCandidate>(
  segments: readonly S[],
  bounds: RetentionBounds,
  condition: DeletionCondition<S>,
): Promise<S[]> {
  const deletable: S[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const next = segments[i + 1] as S | undefined;
    const upperBound = next ? next.baseOffset : bounds.logEndOffset;
    // The log start offset can never pass the high watermark.
    if (bounds.highWatermark < upperBound) break;
    if (!next && segment.size === 0) break;
    if (!(await condition(segment, next))) break;
    deletable.push(segment);
  }
  return deletable;
}

/** Segments wholly below the log start offset. */
export function belowLogStart<S extends RetentionCandidate>(logStartOffset: bigint): DeletionCondition<S> {
  return (_segment, next) => next !== undefined && next.baseOffset <= logStartOffset;
}

/**
 * retention.bytes: deletes oldest segments while what remains is still at least `retentionBytes`
 * (Kafka compares the size left over after each deletion with the limit). Null when there is no limit
 * or the log is within it.
 */
export function overRetentionBytes<S extends RetentionCandidate>(
  totalBytes: number,
  retentionBytes: number,
): DeletionCondition<S> | null {
  if (retentionBytes < 0 || totalBytes < retentionBytes) return null;
  let excess = totalBytes - retentionBytes;
  return (segment) => {
    if (excess - segment.size < 0) return false;
    excess -= segment.size;
    return true;
  };
}

/**
 * retention.ms: a segment goes once its largest timestamp is more than `retentionMs` before `nowMs`.
 * Null when there is no time limit.
 */
export function olderThanRetention<S extends RetentionCandidate>(
  retentionMs: number,
  nowMs: number,
  largestTimestamp: (segment: S) => Promise<number>,
): DeletionCondition<S> | null {
  if (retentionMs < 0) return null;
  return async (segment) => nowMs - (await largestTimestamp(segment)) > retentionMs;
}

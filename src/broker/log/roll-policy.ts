// When to start a new segment before an append, Kafka's LogSegment.shouldRoll: the append would push
// the segment past segment.bytes, its timestamps span more than segment.ms, an index is full, or an
// offset no longer fits the int32 relative offsets of the indexes. An empty segment never rolls.
import type { ResolvedLogConfig } from './log-config.ts';

export interface ActiveSegmentState {
  size: number;
  /** Max timestamp of the segment's first batch (Kafka's rollingBasedTimestamp), null while empty. */
  firstBatchTimestamp: bigint | null;
  createdMs: number;
  indexFull: boolean;
  canHold: (offset: bigint) => boolean;
}

export interface IncomingAppend {
  bytes: number;
  maxTimestamp: bigint;
  lastOffset: bigint;
}

export function shouldRoll(
  segment: ActiveSegmentState,
  append: IncomingAppend,
  config: Pick<ResolvedLogConfig, 'segmentBytes' | 'segmentMs'>,
  nowMs: number,
): boolean {
  if (segment.size === 0) return false;
  return (
    segment.size + append.bytes > config.segmentBytes ||
    timeWaitedForRoll(segment, append.maxTimestamp, nowMs) > config.segmentMs ||
    segment.indexFull ||
    !segment.canHold(append.lastOffset)
  );
}

/**
 * Kafka measures segment age by record time when it can: the new batches' max timestamp minus the
 * first batch's. Only when the first batch carries no timestamp does the wall clock count, from the
 * moment the segment was created (or loaded).
 */
function timeWaitedForRoll(segment: ActiveSegmentState, appendMaxTimestamp: bigint, nowMs: number): number {
  const first = segment.firstBatchTimestamp;
  if (first !== null && first >= 0n) return Number(appendMaxTimestamp - first);
  return nowMs - segment.createdMs;
}

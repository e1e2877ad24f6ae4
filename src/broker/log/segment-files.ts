// Names of the files in a partition directory, as Kafka lays them out: every segment is a set of files
// named by its base offset zero-padded to 20 digits (00000000000000000000.log, .index, .timeindex, and
// .txnindex when it holds abort markers); producer-state snapshots are named by their offset the same way.

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
/** The aborted transactions whose markers are in the segment (Kafka's transaction index). */
export const TXN_INDEX_SUFFIX = '.txnindex';
/** A producer-state snapshot as of the offset in its name (Kafka's `<offset>.snapshot`). */
export const SNAPSHOT_SUFFIX = '.snapshot';
/** Written by a clean close so that the next open can skip recovery. */
export const CLEAN_SHUTDOWN_FILE = '.clean_shutdown';
/** The log start offset moved by DeleteRecords (Kafka keeps it in log-start-offset-checkpoint). */
export const LOG_START_OFFSET_FILE = 'log-start-offset';
/** How far the cleaner has compacted this partition (Kafka's cleaner-offset-checkpoint, per partition). */
export const CLEANER_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';
/** Suffix of files written aside and renamed into place; one left behind is from an interrupted write. */
export const TMP_SUFFIX = '.tmp';
/** A segment retired by retention or compaction, waiting for file.delete.delay.ms before removal. */
export const DELETED_SUFFIX = '.deleted';
/** A segment the cleaner is still writing; never part of the log. */
export const CLEANED_SUFFIX = '.cleaned';
/** A cleaned segment committed to replace the segments it was made from (Kafka's swap protocol). */
export const SWAP_SUFFIX = '.swap';
/** Suffixes of files that are never part of the live log; .swap files are completed by recovery. */
const LEFTOVER_SUFFIXES = [TMP_SUFFIX, DELETED_SUFFIX, CLEANED_SUFFIX];
const OWN_FILES = [CLEAN_SHUTDOWN_FILE, LOG_START_OFFSET_FILE, CLEANER_CHECKPOINT_FILE];

export type SegmentFileKind = 'log' | 'index' | 'timeindex' | 'txnindex';

const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex|txnindex)$/;
const SNAPSHOT_FILE = /^(\d{20})\.snapshot$/;

export function segmentFileName(baseOffset: bigint, suffix: string): string {
  return baseOffset.toString().padStart(20, '0') + suffix;
}

export function parseSegmentFileName(name: string): { baseOffset: bigint; kind: SegmentFileKind } | null {
  const match = SEGMENT_FILE.exec(name);
  if (!match) return null;
  return { baseOffset: BigInt(match[1]), kind: match[2] as SegmentFileKind };
}

/** The offset of a producer-state snapshot file, or null for any other name. */
export function parseSnapshotFileName(name: string): bigint | null {
  const match = SNAPSHOT_FILE.exec(name);
  return match ? BigInt(match[1]) : null;
}

/** A segment file committed by the cleaner: `<base>.log.swap`, `<base>.index.swap`, `<base>.timeindex.swap`, `<base>.txnindex.swap`. */
export function parseSwapFileName(name: string): { baseOffset: bigint; kind: SegmentFileKind } | null {
  return name.endsWith(SWAP_SUFFIX) ? parseSegmentFileName(name.slice(0, -SWAP_SUFFIX.length)) : null;
}

/**
 * A temp, half-written or retired copy of one of our own files (other components' files are never
 * matched). Suffixes may stack: a temp copy of a cleaned index is `<base>.index.cleaned.tmp`.
 */
function isLeftoverFile(name: string): boolean {
  const suffix = LEFTOVER_SUFFIXES.find((candidate) => name.endsWith(candidate));
  if (!suffix) return false;
  let stem = name.slice(0, -suffix.length);
  if (isLeftoverFile(stem)) return true;
  if (stem.endsWith(SWAP_SUFFIX)) stem = stem.slice(0, -SWAP_SUFFIX.length);
  return (
    parseSegmentFileName(stem) !== null || parseSnapshotFileName(stem) !== null || OWN_FILES.includes(stem)
  );
}

/**
 * Sorts a directory listing into the segments present (base offsets with a .log file, ascending, and
 * which of them have both index files) and the files to remove: leftovers of interrupted writes and
 * index files whose .log is gone. Files that are not ours (other components' state) are left alone.
 * Swap files must have been dealt with before (see completeInterruptedSwaps in recovery.ts); any left
 * are garbage.
 */
export function classifyPartitionFiles(names: readonly string[]): {
  segments: { baseOffset: bigint; hasIndexes: boolean; hasTxnIndex: boolean }[];
  garbage: string[];
} {
  const kinds = new Map<bigint, Set<SegmentFileKind>>();
  const garbage: string[] = [];
  for (const name of names) {
    if (isLeftoverFile(name) || parseSwapFileName(name)) {
      garbage.push(name);
      continue;
    }
    const parsed = parseSegmentFileName(name);
    if (!parsed) continue;
    let set = kinds.get(parsed.baseOffset);
    if (!set) {
      set = new Set();
      kinds.set(parsed.baseOffset, set);
    }
    set.add(parsed.kind);
  }
  const segments: { baseOffset: bigint; hasIndexes: boolean; hasTxnIndex: boolean }[] = [];
  for (const [baseOffset, set] of kinds) {
    if (set.has('log')) {
      segments.push({
        baseOffset,
        hasIndexes: set.has('index') && set.has('timeindex'),
        hasTxnIndex: set.has('txnindex'),
      });
    } else {
      if (set.has('index')) garbage.push(segmentFileName(baseOffset, INDEX_SUFFIX));
      if (set.has('timeindex')) garbage.push(segmentFileName(baseOffset, TIME_INDEX_SUFFIX));
      if (set.has('txnindex')) garbage.push(segmentFileName(baseOffset, TXN_INDEX_SUFFIX));
    }
  }
  segments.sort((a, b) => (a.baseOffset < b.baseOffset ? -1 : a.baseOffset > b.baseOffset ? 1 : 0));
  return { segments, garbage };
}

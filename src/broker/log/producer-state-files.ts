// The producer state of a partition on disk (Kafka's ProducerStateManager files and the loading part of
// its LogLoader): `<offset>.snapshot` files holding the state as of an offset (written at every segment
// roll and at clean shutdown), `.txnindex` files holding each segment's aborted transactions, and on open
// a replay of the batches written after the latest usable snapshot. After a clean shutdown the snapshot
// at the log end makes the replay empty; after a crash it covers at most the segments recovery had to
// validate anyway (their .txnindex files are rebuilt on the way), so a large log is never scanned whole
// (only a log that has no snapshot at all, as written before snapshots existed, is read once).
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AbortedTxnIndex, decodeAbortedTxns, encodeAbortedTxns } from '../txn/aborted-index.ts';
import { decodeProducerSnapshot, encodeProducerSnapshot } from '../txn/producer-snapshot.ts';
import { PartitionProducerState } from '../txn/producer-state.ts';
import { lastOffsetOf } from './batch-scan.ts';
import { replaceFile } from './durable-files.ts';
import { iterateBatches } from './file-scan.ts';
import type { Segment } from './segment.ts';
import { parseSnapshotFileName, SNAPSHOT_SUFFIX, segmentFileName } from './segment-files.ts';
import { writtenBatchAt } from './written-batch.ts';

export interface LoadedProducerState {
  state: PartitionProducerState;
  aborted: AbortedTxnIndex;
}

export function snapshotPath(dir: string, offset: bigint): string {
  return join(dir, segmentFileName(offset, SNAPSHOT_SUFFIX));
}

/** The encoded snapshot of `state`; taken synchronously so it is exactly the state at that moment. */
export function snapshotOf(state: PartitionProducerState): Buffer {
  return encodeProducerSnapshot(state.entries());
}

export async function writeSnapshot(dir: string, offset: bigint, snapshot: Buffer): Promise<void> {
  await replaceFile(snapshotPath(dir, offset), snapshot, true);
}

async function snapshotOffsets(dir: string): Promise<bigint[]> {
  const offsets: bigint[] = [];
  for (const name of await readdir(dir)) {
    const offset = parseSnapshotFileName(name);
    if (offset !== null) offsets.push(offset);
  }
  return offsets.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Removes the snapshots below `offset` (their segments are gone), keeping the others. */
export async function deleteSnapshotsBelow(dir: string, offset: bigint): Promise<void> {
  for (const found of await snapshotOffsets(dir)) {
    if (found < offset) await unlinkIfPresent(snapshotPath(dir, found));
  }
}

/**
 * Loads the producer state of a log whose segments are open and whose end is known. `trustedUpTo` is the
 * highest offset whose state may come from a snapshot: the log end after a clean shutdown, else the base
 * offset of the first segment recovery validated (what follows may have been lost and rewritten).
 */
export async function loadProducerState(
  dir: string,
  segments: readonly Segment[],
  logEndOffset: bigint,
  trustedUpTo: bigint,
  logger: Logger,
): Promise<LoadedProducerState> {
  const aborted = new AbortedTxnIndex();
  for (const segment of segments) {
    if (!segment.hasTxnIndex) continue;
    const { entries, problem } = decodeAbortedTxns(await readFile(segment.txnIndexPath));
    if (problem)
      logger.warn({ dir, segment: segment.baseOffset.toString(), problem }, 'damaged transaction index');
    aborted.set(segment.baseOffset, entries);
  }
  const firstOffset = segments[0].baseOffset;
  let state = new PartitionProducerState();
  let from = firstOffset;
  for (const offset of (await snapshotOffsets(dir)).reverse()) {
    if (offset > logEndOffset) {
      // Taken before the log was cut shorter by recovery: it describes offsets that no longer exist.
      await unlinkIfPresent(snapshotPath(dir, offset));
      continue;
    }
    if (offset > trustedUpTo || offset < firstOffset) continue;
    const decoded = decodeProducerSnapshot(await readFile(snapshotPath(dir, offset)));
    if (typeof decoded === 'string') {
      logger.warn(
        { dir, offset: offset.toString(), problem: decoded },
        'skipping a damaged producer snapshot',
      );
      continue;
    }
    state = new PartitionProducerState(decoded);
    from = offset;
    break;
  }
  if (from < logEndOffset) {
    const replayed = await replay(segments, from, state, aborted);
    logger.info(
      { dir, from: from.toString(), to: logEndOffset.toString(), batches: replayed },
      'rebuilt producer state from the log',
    );
  }
  return { state, aborted };
}

/**
 * Applies the batches at and after `from` to `state`, recording the aborted transactions they complete
 * and rewriting the .txnindex of every segment it went through. Returns the number of batches read.
 */
async function replay(
  segments: readonly Segment[],
  from: bigint,
  state: PartitionProducerState,
  aborted: AbortedTxnIndex,
): Promise<number> {
  aborted.truncateFrom(from);
  let batches = 0;
  const first = segments.findLastIndex((segment) => segment.baseOffset <= from);
  for (const segment of segments.slice(Math.max(first, 0))) {
    const position = segment.indexes ? segment.offsetIndex.lookup(from) : 0;
    await segment.use(async () => {
      for await (const { buf, at, size } of iterateBatches(segment.readAt, position, segment.size)) {
        if (lastOffsetOf(buf, at) < from) continue;
        batches++;
        const completed = state.apply(writtenBatchAt(buf, at, size));
        if (completed?.aborted) {
          aborted.add(segment.baseOffset, {
            ...completed,
            lastStableOffset: state.lastStableOffset(completed.lastOffset + 1n),
          });
        }
      }
    });
    const entries = aborted.entriesOf(segment.baseOffset);
    if (entries.length > 0 || segment.hasTxnIndex) await segment.writeTxnIndex(encodeAbortedTxns(entries));
  }
  return batches;
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

// The producer state of a partition log across restarts, crashes, retention and compaction: ongoing
// transactions (the LSO) and aborted ones (the .txnindex files) must come back as they were.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { ATTR_DELETE_HORIZON } from '../../../src/protocol/records/batch-header.ts';
import { compactedLog, manualClock, readBatches, readRecords } from '../log/cleaning-helpers.ts';
import { captureLogger, crashCopy, openLog, tempDir } from '../log/log-test-helpers.ts';
import { dataBatch, markerBatch, transactionStarts } from './txn-log-batches.ts';

const rebuilt = (lines: Record<string, unknown>[]) =>
  lines.filter((l) => l.msg === 'rebuilt producer state from the log');

/**
 * Writes 6 offsets, counted here from the log end: producer 1 aborts a transaction at 0-1 (marker 3),
 * producer 2 commits 2 (marker 4), producer 3 opens one at 5 and leaves it open.
 */
async function writeTransactions(log: Awaited<ReturnType<typeof openLog>>): Promise<void> {
  await log.append(dataBatch(1n, 0, ['a=1', 'b=1']));
  await log.append(dataBatch(2n, 0, ['c=2']));
  await log.append(markerBatch(1n, false));
  await log.append(markerBatch(2n, true));
  await log.append(dataBatch(3n, 0, ['d=3']));
}

function assertRestored(log: Awaited<ReturnType<typeof openLog>>): void {
  assert.equal(log.logEndOffset, 6n);
  assert.equal(log.lastStableOffset, 5n, "producer 3's open transaction holds the LSO");
  assert.deepEqual(log.abortedTransactions(0n, 6n), [{ producerId: 1n, firstOffset: 0n }]);
  assert.deepEqual(transactionStarts(log), [
    [1n, -1n],
    [2n, -1n],
    [3n, 5n],
  ]);
  assert.equal(log.producerState.check(dataBatchHeader(3n, 0)).kind, 'duplicate');
}

function dataBatchHeader(producerId: bigint, seq: number) {
  const batch = dataBatch(producerId, seq, ['d=3']);
  return {
    baseOffset: 0n,
    batchLength: batch.length - 12,
    partitionLeaderEpoch: -1,
    magic: 2,
    crc: 0,
    attributes: batch.readInt16BE(21),
    lastOffsetDelta: 0,
    baseTimestamp: 1000n,
    maxTimestamp: 1000n,
    producerId,
    producerEpoch: 0,
    baseSequence: seq,
    recordCount: 1,
  };
}

test('a clean restart restores ongoing and aborted transactions from the snapshot, reading no batch', async (t) => {
  const dir = await tempDir(t);
  const first = await openLog(t, dir);
  await writeTransactions(first);
  await first.close();
  assert.ok((await readdir(dir)).includes('00000000000000000006.snapshot'));
  assert.ok((await readdir(dir)).includes('00000000000000000000.txnindex'));

  const captured = captureLogger();
  const reopened = await openLog(t, dir, {}, captured.logger);
  assertRestored(reopened);
  assert.deepEqual(rebuilt(captured.lines), [], 'nothing replayed after a clean shutdown');

  await reopened.append(markerBatch(3n, true));
  assert.equal(reopened.lastStableOffset, 7n, 'the commit marker releases the LSO');
});

test('after a crash the state is rebuilt from the last snapshot and only the segments after it', async (t) => {
  const dir = await tempDir(t);
  const log = await openLog(t, dir, { segmentBytes: 300 });
  // Enough batches of other producers first that the log rolls several times.
  for (let i = 0; i < 12; i++) await log.append(dataBatch(100n, i, [`x=${i}`], false));
  const base = log.logEndOffset;
  await writeTransactions(log);
  assert.ok(log.segmentCount > 4, `rolled ${log.segmentCount} segments`);
  const copy = await crashCopy(t, dir);

  const captured = captureLogger();
  const recovered = await openLog(t, copy, { segmentBytes: 300 }, captured.logger);
  assert.equal(recovered.logEndOffset, base + 6n);
  assert.equal(recovered.lastStableOffset, base + 5n);
  assert.deepEqual(recovered.abortedTransactions(0n, recovered.logEndOffset), [
    { producerId: 1n, firstOffset: base },
  ]);
  const [replay] = rebuilt(captured.lines);
  assert.ok(replay, 'the tail was replayed');
  assert.ok(BigInt(replay.from as string) > 0n, `replayed from ${replay.from}, not from the start`);
  assert.equal(recovered.producerState.check(dataBatchHeader(100n, 11)).kind, 'duplicate');
});

test('a crash with no snapshot at all (a log from before snapshots) rebuilds from the start', async (t) => {
  const dir = await tempDir(t);
  const log = await openLog(t, dir);
  await writeTransactions(log);
  const copy = await crashCopy(t, dir);
  const recovered = await openLog(t, copy);
  assertRestored(recovered);
});

test('retention deletes a segment with its .txnindex, its aborted transactions and old snapshots', async (t) => {
  const dir = await tempDir(t);
  const log = await openLog(t, dir, { segmentBytes: 250, fileDeleteDelayMs: 0 });
  await log.append(dataBatch(1n, 0, ['a=1']));
  await log.append(markerBatch(1n, false));
  for (let i = 0; i < 6; i++) await log.append(dataBatch(100n, i, [`x=${i}`], false));
  assert.ok(log.segmentCount >= 3);
  assert.equal(log.abortedTransactions(0n, 100n).length, 1);
  assert.ok((await readdir(dir)).some((name) => name.endsWith('.txnindex')));

  const firstSegmentEnd = log.segments[1].baseOffset;
  const deleted = await log.deleteRecordsBefore(firstSegmentEnd);
  assert.deepEqual(deleted, { logStartOffset: firstSegmentEnd });
  assert.deepEqual(log.abortedTransactions(0n, 100n), []);
  await log.close();
  const names = await readdir(dir);
  assert.ok(!names.some((name) => name.endsWith('.txnindex')), names.join(' '));
  assert.ok(!names.includes('00000000000000000000.snapshot'));
  const reopened = await openLog(t, dir, { segmentBytes: 250 });
  assert.deepEqual(reopened.abortedTransactions(0n, 100n), []);
});

test('compaction drops aborted records, keeps committed ones, and removes emptied markers after their horizon', async (t) => {
  const clock = manualClock(1_000_000);
  const { log, maintenance } = await compactedLog(t, {
    segmentBytes: 400,
    clock: clock.now,
    deleteRetentionMs: 1000,
  });
  await log.append(dataBatch(9n, 0, ['k=committed'], false)); // 0
  await log.append(dataBatch(1n, 0, ['k=aborted', 'j=aborted'])); // 1-2
  await log.append(markerBatch(1n, false)); // 3
  await log.append(dataBatch(2n, 0, ['j=committed'])); // 4
  await log.append(markerBatch(2n, true)); // 5
  for (let i = 0; i < 8; i++) await log.append(dataBatch(100n, i, [`x${i}=${i}`], false));
  await log.append(dataBatch(3n, 0, ['k=open'])); // an open transaction: nothing from here is cleaned
  for (let i = 8; i < 14; i++) await log.append(dataBatch(100n, i, [`x${i}=${i}`], false));
  assert.ok(log.segmentCount > 3);
  const lso = log.lastStableOffset;

  const report = await maintenance.cleanFilthiest();
  assert.ok(report, 'the log was cleaned');
  assert.ok(report.endOffset <= lso, `cleaned up to ${report.endOffset}, not past the LSO ${lso}`);
  const records = await readRecords(log);
  const values = records.map((r) => r.value);
  assert.ok(
    values.includes('k=committed'),
    'a key whose only later value was aborted keeps its committed one',
  );
  assert.ok(values.includes('j=committed'));
  assert.ok(!values.includes('k=aborted') && !values.includes('j=aborted'), values.join(' '));
  assert.ok(values.includes('k=open'), 'the open transaction is untouched');
  const markers = (await readBatches(log)).filter((b) => (b.attributes & 0x20) !== 0);
  assert.deepEqual(
    markers.map((b) => b.baseOffset),
    [3n, 5n],
  );
  assert.deepEqual(log.abortedTransactions(0n, 10n), [{ producerId: 1n, firstOffset: 1n }]);
  assert.equal(log.lastStableOffset, lso);

  // The next cleaning finds the aborted transaction empty: its marker gets a delete horizon and leaves
  // the index; one after the horizon removes it (emptied: it is producer 1's last batch). The commit
  // marker of a transaction whose data is still there stays.
  await log.append(markerBatch(3n, true));
  await writeTransactionsAfter(log, 20);
  assert.ok(await maintenance.cleanFilthiest());
  const marked = (await readBatches(log)).find((b) => b.baseOffset === 3n)!;
  assert.ok(marked.attributes & ATTR_DELETE_HORIZON, 'the abort marker got a delete horizon');
  assert.deepEqual(log.abortedTransactions(0n, 10n), []);
  clock.set(1_000_000 + 2000);
  await writeTransactionsAfter(log, 40);
  assert.ok(await maintenance.cleanFilthiest());
  const after = (await readBatches(log)).filter((b) => (b.attributes & 0x20) !== 0);
  assert.deepEqual(
    after.map((b) => [b.baseOffset, b.records.length]),
    [
      [3n, 0],
      [5n, 1],
      [21n, 1],
    ],
    "producer 3's commit marker stays too: its record k=open is still the latest of its key",
  );
  assert.ok((await readRecords(log)).some((r) => r.value === 'j=committed'));
});

/** More plain writes, so that the log has dirty segments to clean again. */
async function writeTransactionsAfter(log: Awaited<ReturnType<typeof openLog>>, from: number): Promise<void> {
  for (let i = from; i < from + 20; i++) await log.append(dataBatch(100n, i, [`x${i % 4}=${i}`], false));
}

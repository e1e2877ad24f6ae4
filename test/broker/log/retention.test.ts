import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { LogMaintenance } from '../../../src/broker/log/log-maintenance.ts';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { keyedBatch, manualClock, quiet, readRecords, testMaintenanceSettings } from './cleaning-helpers.ts';
import { makeBatch, onCleanup, openLog, tempDir, waitFor } from './log-test-helpers.ts';

const HOUR = 3_600_000;

/** 30 batches of 2 records, batch i stamped `start + i` minutes, in segments of about 3 batches. */
async function timedLog(t: Parameters<typeof tempDir>[0], start: number, config = {}) {
  const dir = await tempDir(t);
  const clock = manualClock(start + 10 * HOUR);
  const log = await openLog(t, dir, {
    segmentBytes: 300,
    retentionMs: HOUR,
    fileDeleteDelayMs: 0,
    clock: clock.now,
    ...config,
  });
  for (let i = 0; i < 30; i++) {
    await log.append(makeBatch({ count: 2, valueSize: 30, timestamps: BigInt(start + i * 60_000) }));
  }
  return { dir, log, clock };
}

test('retention.ms deletes the segments whose largest timestamp is older, and moves the log start', async (t) => {
  const start = 1_700_000_000_000;
  const { dir, log, clock } = await timedLog(t, start);
  const segments = log.segmentCount;
  // Now is 1 h after batch 10 was stamped: batches 0-9 are expired, 10 on are not.
  clock.set(start + 10 * 60_000 + HOUR);
  const deleted = await log.deleteOldSegments();
  assert.ok(deleted > 0 && deleted < segments);
  const first = log.segments[0].baseOffset;
  assert.equal(log.logStartOffset, first);
  assert.ok(first <= 20n, 'batch 10 (offsets 20-21) is kept');
  const read = await log.read(first - 1n, 1000);
  assert.ok('error' in read && read.error === 'OFFSET_OUT_OF_RANGE');
  const records = await readRecords(log);
  assert.ok(
    records.every((r) => r.timestamp >= BigInt(start + 9 * 60_000)),
    'expired segments are gone',
  );
  assert.equal(records.at(-1)!.offset, 59n);
  await log.close();

  // The new log start survives a restart, with the old segments' files gone.
  const names = await readdir(dir);
  assert.ok(!names.some((name) => name.endsWith('.deleted')));
  const reopened = await openLog(t, dir, { segmentBytes: 300 });
  assert.equal(reopened.logStartOffset, first);
  assert.equal(reopened.segmentCount, segments - deleted);
});

test('segments loaded lazily after a restart are judged by their real largest timestamp', async (t) => {
  const start = Date.now() - 2 * HOUR;
  const { dir, log } = await timedLog(t, start, { clock: Date.now });
  await log.close();
  // Reopened after a clean close: the time indexes are not loaded until needed.
  const reopened = await openLog(t, dir, { segmentBytes: 300, retentionMs: 2 * HOUR - 10 * 60_000 });
  assert.ok(reopened.segments.slice(0, -1).every((segment) => segment.indexes === null));
  const deleted = await reopened.deleteOldSegments();
  assert.ok(deleted >= 2, `only the first ten minutes are expired, ${deleted} segments deleted`);
  assert.ok(reopened.logStartOffset <= 20n && reopened.logStartOffset > 0n);
});

test('an expired active segment is rolled and deleted: the log starts at its end', async (t) => {
  const start = 1_700_000_000_000;
  const { log, clock } = await timedLog(t, start);
  clock.set(start + 30 * 60_000 + HOUR);
  await log.deleteOldSegments();
  assert.equal(log.logStartOffset, 60n);
  assert.equal(log.logEndOffset, 60n);
  assert.equal(log.segmentCount, 1);
  assert.equal(log.segments[0].size, 0);
  const read = await log.read(0n, 1000);
  assert.ok('error' in read && read.error === 'OFFSET_OUT_OF_RANGE');
  assert.equal((await log.append(makeBatch({ timestamps: BigInt(start + 31 * 60_000) }))).baseOffset, 60n);
  // Nothing else is ever deleted: an empty active segment stays.
  clock.set(start + 100 * HOUR);
  assert.equal(await log.deleteOldSegments(), 1, 'the new one, once expired');
  assert.equal(log.logStartOffset, 61n);
  assert.equal(await log.deleteOldSegments(), 0);
});

test('retention.bytes keeps the partition at or under the limit, whole segments at a time', async (t) => {
  const dir = await tempDir(t);
  const log = await openLog(t, dir, { segmentBytes: 500, retentionBytes: 1200, fileDeleteDelayMs: 0 });
  for (let i = 0; i < 40; i++) await log.append(makeBatch({ valueSize: 60 }));
  const before = log.size;
  assert.ok((await log.deleteOldSegments()) > 0);
  // Kafka deletes a segment only if what remains is still at least retention.bytes.
  assert.ok(log.size >= 1200 && log.size - log.segments[0].size < 1200, `size ${log.size} of ${before}`);
  assert.equal(log.logStartOffset, log.segments[0].baseOffset);
  assert.equal(log.logEndOffset, 40n);

  // cleanup.policy=compact alone deletes nothing by retention.
  log.updateConfig({ cleanupPolicy: { delete: false, compact: true }, retentionBytes: 0 });
  assert.equal(await log.deleteOldSegments(), 0);
  // -1 is no limit.
  log.updateConfig({ cleanupPolicy: { delete: true, compact: false }, retentionBytes: -1, retentionMs: -1 });
  assert.equal(await log.deleteOldSegments(), 0);
});

test('deleted segments stay as .deleted for file.delete.delay.ms; a fetch in progress still reads them', async (t) => {
  const start = 1_700_000_000_000;
  const { dir, log, clock } = await timedLog(t, start, { fileDeleteDelayMs: 200 });
  clock.set(start + 20 * 60_000 + HOUR);
  const reading = log.read(0n, 1 << 20);
  const deleted = await log.deleteOldSegments();
  assert.ok(deleted > 0);
  const result = await reading;
  // Either the read ran before the segments went (data from offset 0) or after (out of range): never a crash.
  if ('error' in result) assert.equal(result.error, 'OFFSET_OUT_OF_RANGE');
  else assert.equal(result.records.readBigInt64BE(0), 0n);
  assert.equal((await readdir(dir)).filter((name) => name.endsWith('.log.deleted')).length, deleted);
  assert.equal(log.retiredSegments, deleted);
  await waitFor(() => log.retiredSegments === 0, 5000);
  assert.equal((await readdir(dir)).filter((name) => name.endsWith('.deleted')).length, 0);
});

test('DeleteRecords and retention: segments below the log start go on the next pass', async (t) => {
  const dir = await tempDir(t);
  const log = await openLog(t, dir, { segmentBytes: 300, retentionMs: -1, fileDeleteDelayMs: 0 });
  for (let i = 0; i < 20; i++) await log.append(makeBatch({ valueSize: 100 }));
  await log.deleteRecordsBefore(7n);
  assert.equal(log.logStartOffset, 7n);
  assert.ok(log.segments[0].baseOffset <= 7n);
  assert.ok(log.segments.length === 1 || log.segments[1].baseOffset > 7n);
  assert.equal(await log.deleteOldSegments(), 0, 'nothing more is below the start');
});

test('the maintenance runs retention every log.retention.check.interval.ms on its own', async (t) => {
  const dir = await tempDir(t);
  const log = await PartitionLog.open(
    dir,
    { segmentBytes: 300, retentionBytes: 0, fileDeleteDelayMs: 0 },
    quiet,
  );
  onCleanup(t, () => log.close());
  for (let i = 0; i < 10; i++) await log.append(keyedBatch([['k', 'v'.repeat(100)]]));
  const maintenance = new LogMaintenance(
    () => [{ name: 'test-0', log }],
    { ...testMaintenanceSettings, logRetentionCheckIntervalMs: 20 },
    quiet,
  );
  maintenance.start();
  onCleanup(t, () => maintenance.stop());
  await waitFor(() => log.logStartOffset === 10n, 5000);
  assert.equal(log.segmentCount, 1);
});

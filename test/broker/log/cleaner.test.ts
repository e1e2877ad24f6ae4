import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { ATTR_DELETE_HORIZON, COMPRESSION } from '../../../src/protocol/records/batch-header.ts';
import {
  compactedLog,
  type KeyedRecord,
  keyedBatch,
  manualClock,
  readBatches,
  readRecords,
  type SeenRecord,
} from './cleaning-helpers.ts';
import { openLog } from './log-test-helpers.ts';

/** Writes `count` records over `keys` keys (value `k<key>@<i>`), in batches of 5. */
async function writeKeyed(
  log: Awaited<ReturnType<typeof compactedLog>>['log'],
  count: number,
  keys: number,
  first = 0,
): Promise<KeyedRecord[]> {
  const written: KeyedRecord[] = [];
  for (let i = first; i < first + count; i += 5) {
    const batch: KeyedRecord[] = [];
    for (let j = i; j < i + 5; j++) batch.push([`k${j % keys}`, `k${j % keys}@${j}`]);
    await log.append(keyedBatch(batch));
    written.push(...batch);
  }
  return written;
}

/** Kafka's outcome: below `cleanedTo`, each key's latest record only; everything from there on. */
function expectedAfterCleaning(written: KeyedRecord[], cleanedTo: number): SeenRecord[] {
  const latest = new Map<string | null, number>();
  for (let offset = 0; offset < cleanedTo; offset++) latest.set(written[offset][0], offset);
  return written.flatMap(([key, value], offset) =>
    offset >= cleanedTo || latest.get(key) === offset
      ? [{ offset: BigInt(offset), key, value, timestamp: 1000n }]
      : [],
  );
}

test('compaction keeps the latest record of each key at its offset and leaves the active segment alone', async (t) => {
  const { log, maintenance } = await compactedLog(t);
  const written = await writeKeyed(log, 400, 10);
  const active = log.segments.at(-1)!;
  const activeBytes = await readFile(active.logPath);
  assert.ok(log.segmentCount > 10);

  const report = await maintenance.cleanFilthiest();
  assert.ok(report, 'the log was dirty enough to clean');
  assert.equal(report.endOffset, active.baseOffset);
  assert.equal(log.cleanerCheckpoint, active.baseOffset);
  assert.deepEqual(await readRecords(log), expectedAfterCleaning(written, Number(active.baseOffset)));
  assert.equal(log.segments.at(-1), active);
  assert.deepEqual(await readFile(active.logPath), activeBytes);
  assert.equal(log.logStartOffset, 0n);

  // Nothing new is dirty: no second cleaning.
  assert.equal(await maintenance.cleanFilthiest(), null);
});

test('tombstones stay for delete.retention.ms after the cleaning that first kept them, then go', async (t) => {
  const clock = manualClock(1_000_000);
  const deleteRetentionMs = 10_000;
  const { log, maintenance } = await compactedLog(t, { clock: clock.now, deleteRetentionMs });
  await log.append(
    keyedBatch([
      ['a', 'a1'],
      ['b', 'b1'],
      ['gone', 'g1'],
    ]),
  );
  await log.append(keyedBatch([['gone', null]]));
  await writeKeyed(log, 200, 7, 4);

  const first = await maintenance.cleanFilthiest();
  assert.ok(first);
  const tombstone = (await readBatches(log)).find((batch) => batch.records.some((r) => r.key === 'gone'));
  assert.ok(tombstone, 'the tombstone is kept at first');
  assert.deepEqual(
    tombstone.records.map((r) => [r.offset, r.value]),
    [[3n, null]],
  );
  assert.ok(tombstone.attributes & ATTR_DELETE_HORIZON, 'its batch carries the delete horizon');
  assert.equal(tombstone.baseTimestamp, 1_000_000n + BigInt(deleteRetentionMs));
  assert.equal(tombstone.records[0].timestamp, 1000n, 'the record keeps its own timestamp');

  // Just before the horizon, a new cleaning still keeps it.
  clock.set(1_000_000 + deleteRetentionMs - 1);
  await writeKeyed(log, 100, 7, 204);
  assert.ok(await maintenance.cleanFilthiest());
  assert.ok((await readRecords(log)).some((r) => r.key === 'gone'));

  clock.set(1_000_000 + deleteRetentionMs);
  await writeKeyed(log, 100, 7, 304);
  assert.ok(await maintenance.cleanFilthiest());
  const records = await readRecords(log);
  assert.ok(!records.some((r) => r.key === 'gone'), 'the tombstone went after the horizon');
  assert.deepEqual(
    records.filter((r) => r.key === 'a' || r.key === 'b').map((r) => [r.offset, r.value]),
    [
      [0n, 'a1'],
      [1n, 'b1'],
    ],
  );
});

test('compressed batches are rewritten with their own codec', async (t) => {
  const { log, maintenance } = await compactedLog(t, { segmentBytes: 4096 });
  const codecs = [COMPRESSION.gzip, COMPRESSION.snappy, COMPRESSION.lz4, COMPRESSION.zstd];
  for (let round = 0; round < 8; round++) {
    for (const [i, codec] of codecs.entries()) {
      const records: KeyedRecord[] = Array.from({ length: 10 }, (_, j) => [
        `c${i}-${j % 5}`,
        `r${round}-${'x'.repeat(40)}-${j}`,
      ]);
      await log.append(keyedBatch(records, { compression: codec }));
    }
  }
  const activeBase = log.segments.at(-1)!.baseOffset;
  assert.ok(await maintenance.cleanFilthiest());
  const batches = (await readBatches(log)).filter((batch) => batch.baseOffset < activeBase);
  for (const batch of batches) {
    const codec = codecs[Number(batch.records[0].key!.slice(1, 2))];
    assert.equal(batch.compression, codec, `batch ${batch.baseOffset} keeps its codec`);
    assert.equal(batch.lastOffset - batch.baseOffset, 9n, 'the last offset of the batch stays');
  }
  const seen = batches.flatMap((batch) => batch.records);
  const keys = new Set(seen.map((r) => r.key));
  assert.equal(seen.length, keys.size, 'one record per key below the active segment');
});

test("an idempotent producer's last batch stays, emptied, so that its sequence survives", async (t) => {
  const { log, maintenance } = await compactedLog(t, { segmentBytes: 300 });
  const producerId = 42n;
  const clock = Date.now();
  let sequence = 0;
  const produce = async (records: KeyedRecord[]) => {
    await log.append(keyedBatch(records, { producerId, baseSequence: sequence }));
    sequence += records.length;
  };
  const now = BigInt(clock);
  await produce([['k', 'v1', now]]);
  await produce([
    ['k', 'v2', now],
    ['k', 'v3', now],
  ]);
  await log.append(keyedBatch([['k', 'v4', now]]));
  for (let i = 0; i < 20; i++) await log.append(keyedBatch([[`f${i}`, 'x'.repeat(100), now]]));
  assert.ok(await maintenance.cleanFilthiest());
  const batches = await readBatches(log);
  const last = batches.find((batch) => batch.baseOffset === 1n);
  assert.ok(last, "the producer's last batch is still there");
  assert.equal(last.records.length, 0);
  assert.equal(last.lastOffset, 2n);
  assert.equal(last.producerId, producerId);
  assert.ok(!batches.some((batch) => batch.baseOffset === 0n), 'its earlier batch went');
  assert.deepEqual(
    (await readRecords(log)).filter((r) => r.key === 'k').map((r) => r.value),
    ['v4'],
  );
});

test('min.cleanable.dirty.ratio, max.compaction.lag.ms and min.compaction.lag.ms decide when to clean', async (t) => {
  const clock = manualClock(10_000_000);
  const { log, maintenance } = await compactedLog(t, { clock: clock.now, minCleanableDirtyRatio: 0.5 });
  const old = 9_000_000n;
  // A new batch too large to share the active segment: the one before becomes cleanable.
  const roll = () => log.append(keyedBatch([['filler', 'f'.repeat(1100), BigInt(clock.now())]]));
  for (let i = 0; i < 200; i += 5) {
    await log.append(keyedBatch(Array.from({ length: 5 }, (_, j) => [`u${i + j}`, 'v', old])));
  }
  assert.ok(await maintenance.cleanFilthiest(), 'all dirty: cleaned');

  await log.append(keyedBatch(Array.from({ length: 5 }, (_, j) => [`u${j}`, 'w', old])));
  await roll();
  assert.equal(await maintenance.cleanFilthiest(), null, 'the dirty part is below the ratio');
  log.updateConfig({ maxCompactionLagMs: 600_000 });
  assert.ok(
    await maintenance.cleanFilthiest(),
    'records older than max.compaction.lag.ms are compacted anyway',
  );
  assert.deepEqual(
    (await readRecords(log)).filter((r) => r.key === 'u0').map((r) => r.value),
    ['w'],
  );

  log.updateConfig({ maxCompactionLagMs: Number.POSITIVE_INFINITY, minCleanableDirtyRatio: 0 });
  log.updateConfig({ minCompactionLagMs: 60_000 });
  await log.append(keyedBatch(Array.from({ length: 5 }, (_, j) => [`u${j}`, 'y', BigInt(clock.now())])));
  await roll();
  const before = await readRecords(log);
  assert.equal(await maintenance.cleanFilthiest(), null, 'nothing is older than min.compaction.lag.ms');
  assert.deepEqual(await readRecords(log), before);
  clock.set(clock.now() + 60_001);
  assert.ok(await maintenance.cleanFilthiest(), 'cleaned once old enough');
  assert.deepEqual(
    (await readRecords(log)).filter((r) => r.key === 'u0').map((r) => r.value),
    ['y'],
  );
});

test('cleaned segments are regrouped up to segment.bytes', async (t) => {
  const { log, maintenance } = await compactedLog(t);
  const written = await writeKeyed(log, 400, 10);
  assert.ok(await maintenance.cleanFilthiest());
  // Grouping goes by the size of the segments before cleaning: the first cleaning keeps one output
  // segment per input segment, a later one merges the small cleaned segments.
  const afterFirst = log.segmentCount;
  written.push(...(await writeKeyed(log, 100, 10, 400)));
  const report = await maintenance.cleanFilthiest();
  assert.ok(report);
  assert.ok(log.segmentCount < afterFirst, `${log.segmentCount} segments, ${afterFirst} before`);
  for (const segment of log.segments) assert.ok(segment.size <= 1024);
  assert.deepEqual(await readRecords(log), expectedAfterCleaning(written, Number(report.endOffset)));
});

test('the cleaner checkpoint survives a restart', async (t) => {
  const { dir, log, maintenance } = await compactedLog(t);
  await writeKeyed(log, 300, 10);
  const report = await maintenance.cleanFilthiest();
  assert.ok(report);
  const before = await readRecords(log);
  await log.close();
  const reopened = await openLog(t, dir, {
    segmentBytes: 1024,
    cleanupPolicy: { delete: false, compact: true },
  });
  assert.equal(reopened.cleanerCheckpoint, report.endOffset);
  assert.deepEqual(await readRecords(reopened), before);
});

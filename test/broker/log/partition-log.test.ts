import assert from 'node:assert/strict';
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { readBatchHeader } from '../../../src/protocol/records/batch-header.ts';
import { validateBatch } from '../../../src/protocol/records/validate.ts';
import { makeBatch, openLog, readAll, splitStored, tempDir, waitFor } from './log-test-helpers.ts';

const quiet = pino({ level: 'silent' });

test('appends get contiguous offsets across many segments and read back byte for byte', async (t) => {
  const dir = await tempDir(t);
  const log = await openLog(t, dir, { segmentBytes: 2000, indexIntervalBytes: 256 });
  const appended: Buffer[] = [];
  let expected = 0n;
  for (let i = 0; i < 150; i++) {
    const batch = makeBatch({ count: 1 + (i % 4), valueSize: 10 + (i % 50) });
    const result = await log.append(batch);
    assert.equal(result.baseOffset, expected);
    assert.equal(result.lastOffset, expected + BigInt(i % 4));
    assert.equal(result.logAppendTimeMs, -1n);
    expected = result.lastOffset + 1n;
    appended.push(batch);
  }
  assert.equal(log.logEndOffset, expected);
  assert.equal(log.highWatermark, expected);
  assert.ok(log.segmentCount > 5, `expected many segments, got ${log.segmentCount}`);
  const files = (await readdir(dir)).filter((name) => name.endsWith('.log')).sort();
  assert.equal(files.length, log.segmentCount);
  assert.equal(files[0], '00000000000000000000.log');
  assert.match(files[1], /^\d{20}\.log$/);

  const stored = await readAll(log, 0n, expected, 700);
  assert.equal(stored.length, appended.length);
  for (const [i, batch] of stored.entries()) assert.deepEqual(batch.bytes, appended[i]);
  assert.equal(
    log.size,
    appended.reduce((n, b) => n + b.length, 0),
  );
});

test('a read from inside a batch returns that whole batch first', async (t) => {
  const log = await openLog(t, await tempDir(t), { indexIntervalBytes: 100 });
  for (let i = 0; i < 30; i++) await log.append(makeBatch({ count: 5 }));
  for (const offset of [0n, 3n, 4n, 77n, 149n]) {
    const result = await log.read(offset, 1 << 20);
    assert.ok(!('error' in result));
    const first = splitStored(result.records)[0];
    assert.ok(
      first.baseOffset <= offset && offset <= first.lastOffset,
      `offset ${offset} in ${first.baseOffset}`,
    );
    assert.equal(first.baseOffset, (offset / 5n) * 5n);
  }
});

test('maxBytes returns whole batches only; minOneBatch returns an oversized first batch', async (t) => {
  const log = await openLog(t, await tempDir(t), {});
  const size = makeBatch({ valueSize: 200 }).length;
  for (let i = 0; i < 5; i++) await log.append(makeBatch({ valueSize: 200 }));

  const twoAndAHalf = await log.read(0n, Math.floor(size * 2.5));
  assert.ok(!('error' in twoAndAHalf));
  assert.equal(twoAndAHalf.records.length, 2 * size);

  const tooSmall = await log.read(1n, size - 1);
  assert.ok(!('error' in tooSmall));
  assert.equal(tooSmall.records.length, 0);

  const atLeastOne = await log.read(1n, size - 1, { minOneBatch: true });
  assert.ok(!('error' in atLeastOne));
  assert.equal(atLeastOne.records.length, size);
  assert.equal(readBatchHeader(atLeastOne.records).baseOffset, 1n);

  const bounded = await log.read(0n, 1 << 20, { maxOffset: 3n });
  assert.ok(!('error' in bounded));
  assert.deepEqual(
    splitStored(bounded.records).map((b) => b.baseOffset),
    [0n, 1n, 2n],
  );
});

test('offsets outside the log are OFFSET_OUT_OF_RANGE; the log end reads empty', async (t) => {
  const log = await openLog(t, await tempDir(t), { segmentBytes: 300 });
  for (let i = 0; i < 10; i++) await log.append(makeBatch({ count: 2, valueSize: 50 }));
  const beyond = await log.read(21n, 1000);
  assert.ok('error' in beyond);
  assert.equal(beyond.error, 'OFFSET_OUT_OF_RANGE');
  assert.equal(beyond.logEndOffset, 20n);
  const atEnd = await log.read(20n, 1000);
  assert.ok(!('error' in atEnd));
  assert.equal(atEnd.records.length, 0);

  const deleted = await log.deleteRecordsBefore(9n);
  assert.deepEqual(deleted, { logStartOffset: 9n });
  assert.equal(log.logStartOffset, 9n);
  const below = await log.read(8n, 1000);
  assert.ok('error' in below);
  const fromStart = await log.read(9n, 1000);
  assert.ok(!('error' in fromStart));
  assert.equal(splitStored(fromStart.records)[0].baseOffset, 8n, 'the batch containing offset 9');
  assert.ok('error' in (await log.deleteRecordsBefore(21n)), 'beyond the high watermark');
});

test('deleteRecordsBefore removes whole segments below the start and survives a restart', async (t) => {
  const dir = await tempDir(t);
  const log = await PartitionLog.open(dir, { segmentBytes: 300 }, quiet);
  for (let i = 0; i < 20; i++) await log.append(makeBatch({ valueSize: 100 }));
  const before = log.segmentCount;
  await log.deleteRecordsBefore(15n);
  assert.ok(log.segmentCount < before);
  assert.ok(log.size < 20 * makeBatch({ valueSize: 100 }).length);
  await log.close();
  const reopened = await openLog(t, dir, { segmentBytes: 300 });
  assert.equal(reopened.logStartOffset, 15n);
  assert.equal(reopened.logEndOffset, 20n);
  const stored = await readAll(reopened, 15n, 20n);
  assert.deepEqual(
    stored.map((b) => b.baseOffset),
    [15n, 16n, 17n, 18n, 19n],
  );
});

test('offsetForTimestamp finds the first record at or after a timestamp, across segments', async (t) => {
  const dir = await tempDir(t);
  const config = { segmentBytes: 600, indexIntervalBytes: 100 };
  const log = await PartitionLog.open(dir, config, quiet);
  // Batch i holds records stamped 1000 + 10i, 1000 + 10i + 3, 1000 + 10i + 6.
  for (let i = 0; i < 40; i++) {
    const base = 1000n + 10n * BigInt(i);
    await log.append(makeBatch({ count: 3, timestamps: [base, base + 3n, base + 6n] }));
  }
  assert.ok(log.segmentCount > 3);
  const check = async (target: PartitionLog) => {
    assert.deepEqual(await target.offsetForTimestamp(0n), { offset: 0n, timestamp: 1000n });
    assert.deepEqual(await target.offsetForTimestamp(1001n), { offset: 1n, timestamp: 1003n });
    assert.deepEqual(await target.offsetForTimestamp(1254n), { offset: 77n, timestamp: 1256n });
    assert.deepEqual(await target.offsetForTimestamp(1257n), { offset: 78n, timestamp: 1260n });
    assert.deepEqual(await target.offsetForTimestamp(1396n), { offset: 119n, timestamp: 1396n });
    assert.equal(await target.offsetForTimestamp(1397n), null);
    assert.deepEqual(await target.maxTimestamp(), { offset: 119n, timestamp: 1396n });
  };
  await check(log);
  await log.close();
  const reopened = await openLog(t, dir, config);
  await check(reopened);
});

test('maxTimestamp points at the record carrying the largest timestamp, not the batch end', async (t) => {
  const log = await openLog(t, await tempDir(t), {});
  assert.equal(await log.maxTimestamp(), null);
  await log.append(makeBatch({ count: 3, timestamps: [10n, 20n, 30n] }));
  await log.append(makeBatch({ count: 4, timestamps: [40n, 90n, 50n, 90n] }));
  await log.append(makeBatch({ count: 2, timestamps: [60n, 70n] }));
  assert.deepEqual(await log.maxTimestamp(), { offset: 4n, timestamp: 90n });
});

test('LogAppendTime stamps maxTimestamp and the timestamp type, keeps the CRC valid', async (t) => {
  const log = await openLog(t, await tempDir(t), {});
  await log.append(makeBatch({ count: 2, timestamps: 5n }));
  const result = await log.append(makeBatch({ count: 3, timestamps: 7n }), { logAppendTimeMs: 123456n });
  assert.equal(result.logAppendTimeMs, 123456n);
  const read = await log.read(2n, 1 << 20);
  assert.ok(!('error' in read));
  const header = readBatchHeader(read.records);
  assert.equal(header.baseOffset, 2n);
  assert.equal(header.attributes & 0x08, 0x08);
  assert.equal(header.maxTimestamp, 123456n);
  assert.equal(header.baseTimestamp, 7n, 'Kafka leaves the base timestamp as sent');
  assert.ok(validateBatch(read.records, 0, { origin: 'log' }).ok);
  assert.deepEqual(await log.offsetForTimestamp(100n), { offset: 2n, timestamp: 123456n });
  assert.deepEqual(await log.maxTimestamp(), { offset: 2n, timestamp: 123456n });
});

test('segments roll by record time (segment.ms) and, without timestamps, by the injected clock', async (t) => {
  let now = 1_000_000;
  const log = await openLog(t, await tempDir(t), { segmentMs: 1000, clock: () => now });
  await log.append(makeBatch({ timestamps: 5000n }));
  await log.append(makeBatch({ timestamps: 6000n }));
  assert.equal(log.segmentCount, 1, 'exactly segment.ms apart is not beyond it');
  await log.append(makeBatch({ timestamps: 6001n }));
  assert.equal(log.segmentCount, 2);

  const noTimestamps = await openLog(t, await tempDir(t), { segmentMs: 1000, clock: () => now });
  await noTimestamps.append(makeBatch());
  now += 1000;
  await noTimestamps.append(makeBatch());
  assert.equal(noTimestamps.segmentCount, 1);
  now += 1;
  const rolled = await noTimestamps.append(makeBatch());
  assert.equal(noTimestamps.segmentCount, 2);
  assert.equal(rolled.baseOffset, 2n);
  const stored = await readAll(noTimestamps, 0n, 3n);
  assert.equal(stored.length, 3);
});

test('a full index rolls the segment; updateConfig applies to later appends', async (t) => {
  const log = await openLog(t, await tempDir(t), { indexIntervalBytes: 0, segmentIndexBytes: 24 });
  for (let i = 0; i < 4; i++) await log.append(makeBatch());
  assert.equal(log.segmentCount, 1);
  await log.append(makeBatch());
  assert.equal(log.segmentCount, 2, 'three offset-index entries (24 bytes) are full');

  log.updateConfig({ segmentIndexBytes: 10 * 1024 * 1024, segmentBytes: 3 * makeBatch().length });
  for (let i = 0; i < 6; i++) await log.append(makeBatch());
  assert.equal(log.segmentCount, 4);
  assert.equal((await readAll(log, 0n, log.logEndOffset)).length, 11);
});

test('reads running during appends only ever see whole, valid batches', async (t) => {
  const log = await openLog(t, await tempDir(t), { segmentBytes: 20_000 });
  const appends: Promise<unknown>[] = [];
  for (let i = 0; i < 400; i++) appends.push(log.append(makeBatch({ count: 1 + (i % 3), valueSize: 100 })));
  let done = false;
  const all = Promise.all(appends).then(() => (done = true));
  let reads = 0;
  let offset = 0n;
  while (!done || offset < log.logEndOffset) {
    const result = await log.read(offset, 4096);
    assert.ok(!('error' in result));
    // At the end, a read answers without I/O: let the appends' I/O run, as a consumer's wait would.
    if (result.records.length === 0) await new Promise((resolve) => setImmediate(resolve));
    for (const batch of splitStored(result.records)) {
      assert.ok(validateBatch(batch.bytes, 0, { origin: 'log' }).ok);
      assert.ok(batch.lastOffset < result.logEndOffset);
      assert.ok(batch.lastOffset >= offset);
      offset = batch.lastOffset + 1n;
    }
    reads++;
  }
  await all;
  assert.equal(offset, log.logEndOffset);
  assert.ok(reads > 1);
});

test('durable mode: concurrent appends share fsyncs (group commit) and the high watermark waits for them', async (t) => {
  const log = await openLog(t, await tempDir(t), { fsyncOnAppend: true, segmentBytes: 50_000 });
  const pending = Array.from({ length: 300 }, () => log.append(makeBatch({ valueSize: 100 })));
  const results = await Promise.all(pending);
  assert.deepEqual(
    results.map((r) => r.baseOffset),
    results.map((_, i) => BigInt(i)),
  );
  const { appends, fsyncs, writes } = log.stats;
  assert.equal(appends, 300);
  assert.ok(fsyncs >= 1 && fsyncs <= 30, `300 durable appends took ${fsyncs} fsync rounds`);
  assert.ok(writes < appends, `appends queued together share writes (${writes} writes)`);
  assert.equal(log.highWatermark, 300n);

  // Sequential durable appends: each waits for its own fsync.
  const before = log.stats.fsyncs;
  for (let i = 0; i < 3; i++) await log.append(makeBatch());
  assert.equal(log.stats.fsyncs, before + 3);
});

test('flush.messages fsyncs once that many offsets are unflushed; flush.ms fsyncs on a timer', async (t) => {
  const log = await openLog(t, await tempDir(t), { flushMessages: 10 });
  for (let i = 0; i < 25; i++) await log.append(makeBatch());
  assert.equal(log.stats.fsyncs, 2);

  const timed = await openLog(t, await tempDir(t), { flushMs: 20 });
  await timed.append(makeBatch());
  assert.equal(timed.stats.fsyncs, 0);
  await waitFor(() => timed.stats.fsyncs === 1);
  assert.equal(timed.highWatermark, 1n);
});

test('appends of broken input are rejected without harming the log; closed logs refuse work', async (t) => {
  const dir = await tempDir(t);
  const log = await PartitionLog.open(dir, {}, quiet);
  await log.append(makeBatch());
  await assert.rejects(log.append(Buffer.alloc(0)));
  await assert.rejects(log.append(makeBatch().subarray(0, 40)));
  const next = await log.append(makeBatch());
  assert.equal(next.baseOffset, 1n);
  await log.close();
  await assert.rejects(log.append(makeBatch()), /closed/);
  await assert.rejects(log.read(0n, 100), /closed/);
});

test('delete() removes the partition directory', async (t) => {
  const dir = join(await tempDir(t), 'topic-0');
  const log = await PartitionLog.open(dir, {}, quiet);
  await log.append(makeBatch());
  await log.delete();
  await assert.rejects(access(dir), { code: 'ENOENT' });
});

import assert from 'node:assert/strict';
import { access, appendFile, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { captureLogger, crashCopy, makeBatch, openLog, readAll, tempDir } from './log-test-helpers.ts';

const CONFIG = { segmentBytes: 1000, indexIntervalBytes: 128 };

async function segmentLogs(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.log')).sort();
}

/** A log of 60 batches of 2 records (offsets 0..119) in several segments, with timestamps 1000 + offset. */
async function filledLog(t: Parameters<typeof tempDir>[0]): Promise<{ dir: string; log: PartitionLog }> {
  const dir = await tempDir(t);
  const log = await openLog(t, dir, CONFIG);
  for (let i = 0; i < 60; i++) {
    const ts = 1000n + 2n * BigInt(i);
    await log.append(makeBatch({ count: 2, valueSize: 40, timestamps: [ts, ts + 1n] }));
  }
  assert.ok(log.segmentCount >= 4);
  return { dir, log };
}

test('a clean close leaves a marker; the next open trusts it, removes it and continues', async (t) => {
  const { dir, log } = await filledLog(t);
  const before = await readAll(log, 0n, 120n);
  await log.close();
  await access(join(dir, '.clean_shutdown'));
  for (const name of await segmentLogs(dir)) {
    await access(join(dir, name.replace('.log', '.index')));
    await access(join(dir, name.replace('.log', '.timeindex')));
  }
  const captured = captureLogger();
  const reopened = await openLog(t, dir, CONFIG, captured.logger);
  assert.deepEqual(captured.warnings(), []);
  await assert.rejects(access(join(dir, '.clean_shutdown')), { code: 'ENOENT' });
  assert.equal(reopened.logEndOffset, 120n);
  assert.deepEqual(await readAll(reopened, 0n, 120n), before);
  assert.deepEqual(await reopened.offsetForTimestamp(1117n), { offset: 117n, timestamp: 1117n });
  assert.equal((await reopened.append(makeBatch())).baseOffset, 120n);
});

test('after a crash with whole batches, recovery keeps everything', async (t) => {
  const { dir, log } = await filledLog(t);
  const before = await readAll(log, 0n, 120n);
  const crashed = await crashCopy(t, dir);
  const captured = captureLogger();
  const recovered = await openLog(t, crashed, CONFIG, captured.logger);
  assert.deepEqual(captured.warnings(), []);
  assert.equal(recovered.logEndOffset, 120n);
  assert.deepEqual(await readAll(recovered, 0n, 120n), before);
  assert.deepEqual(await recovered.maxTimestamp(), { offset: 119n, timestamp: 1119n });
});

/** Crashes a copy of a filled log, damages its active segment with `damage`, and reopens it. */
async function reopenDamaged(
  t: Parameters<typeof tempDir>[0],
  damage: (activeLog: string, size: number) => Promise<void>,
): Promise<{ log: PartitionLog; warnings: Record<string, unknown>[]; dir: string; activeName: string }> {
  const { dir } = await filledLog(t);
  const crashed = await crashCopy(t, dir);
  const activeName = (await segmentLogs(crashed)).at(-1)!;
  const path = join(crashed, activeName);
  await damage(path, (await stat(path)).size);
  const captured = captureLogger();
  const log = await openLog(t, crashed, CONFIG, captured.logger);
  return { log, warnings: captured.warnings(), dir: crashed, activeName };
}

const BATCH_SIZE = makeBatch({ count: 2, valueSize: 40 }).length;

test('a torn last batch is truncated and logged; appends continue at the right offset', async (t) => {
  const { log, warnings, dir, activeName } = await reopenDamaged(t, (path, size) =>
    truncate(path, size - 10),
  );
  assert.equal(log.logEndOffset, 118n);
  assert.equal(warnings.length, 1);
  const [warning] = warnings;
  assert.equal(warning.dir, dir);
  assert.equal(warning.segment, join(dir, activeName));
  assert.equal(warning.offset, '118');
  assert.equal(warning.truncatedBytes, BATCH_SIZE - 10);
  assert.equal((await log.append(makeBatch({ count: 3 }))).baseOffset, 118n);
  const stored = await readAll(log, 0n, 121n);
  assert.deepEqual(
    stored.slice(-2).map((b) => [b.baseOffset, b.lastOffset]),
    [
      [116n, 117n],
      [118n, 120n],
    ],
  );
});

test('garbage after the last batch is truncated', async (t) => {
  const garbage = Buffer.from('not a record batch at all, just bytes left by a torn write'.repeat(3));
  const { log, warnings } = await reopenDamaged(t, (path) => appendFile(path, garbage));
  assert.equal(log.logEndOffset, 120n);
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0].truncatedBytes, garbage.length);
  assert.equal((await readAll(log, 0n, 120n)).length, 60);
});

test('a flipped byte in the last batch fails its CRC and the batch is dropped', async (t) => {
  const { log, warnings } = await reopenDamaged(t, async (path, size) => {
    const bytes = await readFile(path);
    bytes[size - 5] ^= 0xff;
    await writeFile(path, bytes);
  });
  assert.equal(log.logEndOffset, 118n);
  assert.match(String(warnings[0].reason), /crc/i);
  assert.equal(warnings[0].truncatedBytes, BATCH_SIZE);
});

test('corruption in the segment before the active one truncates it and removes the segments after', async (t) => {
  const { dir } = await filledLog(t);
  const crashed = await crashCopy(t, dir);
  const names = await segmentLogs(crashed);
  const previous = join(crashed, names.at(-2)!);
  const bytes = await readFile(previous);
  bytes[BATCH_SIZE + 70] ^= 0x01; // inside the second batch of that segment
  await writeFile(previous, bytes);
  const captured = captureLogger();
  const log = await openLog(t, crashed, CONFIG, captured.logger);
  const firstOffset = BigInt(names.at(-2)!.slice(0, 20));
  assert.equal(log.logEndOffset, firstOffset + 2n);
  assert.equal(captured.warnings().length, 2);
  assert.deepEqual(await segmentLogs(crashed), names.slice(0, -1));
  assert.equal((await log.append(makeBatch())).baseOffset, firstOffset + 2n);
});

test('a clean-shutdown marker that does not match the log is not trusted', async (t) => {
  const { dir, log } = await filledLog(t);
  await log.close();
  const active = join(dir, (await segmentLogs(dir)).at(-1)!);
  await truncate(active, (await stat(active)).size - 1);
  const captured = captureLogger();
  const reopened = await openLog(t, dir, CONFIG, captured.logger);
  assert.equal(reopened.logEndOffset, 118n);
  assert.ok(captured.warnings().some((line) => /marker not trusted/.test(String(line.msg))));
});

test('missing or corrupt index files are rebuilt from the log', async (t) => {
  const { dir, log } = await filledLog(t);
  await log.close();
  const names = await segmentLogs(dir);
  await writeFile(join(dir, names[0].replace('.log', '.index')), Buffer.from([0, 0, 0, 9, 0, 0, 0, 1, 0, 0]));
  await writeFile(join(dir, names[1].replace('.log', '.timeindex')), Buffer.alloc(0));
  await writeFile(
    join(dir, names[1].replace('.log', '.index')),
    Buffer.from([0, 0, 0, 5, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0]),
  );
  await rm(join(dir, names[2].replace('.log', '.timeindex')));
  const captured = captureLogger();
  const reopened = await openLog(t, dir, CONFIG, captured.logger);
  const all = await readAll(reopened, 0n, 120n, 300);
  assert.equal(all.length, 60);
  for (let offset = 0n; offset < 120n; offset += 7n) {
    const result = await reopened.read(offset, 100, { minOneBatch: true });
    assert.ok(!('error' in result));
    assert.equal(result.records.readBigInt64BE(0), offset - (offset % 2n));
  }
  assert.deepEqual(await reopened.offsetForTimestamp(1001n), { offset: 1n, timestamp: 1001n });
  assert.ok(captured.warnings().some((line) => /rebuilding the indexes/.test(String(line.msg))));
  // The rebuilt index files are written back.
  const rewritten = await readFile(join(dir, names[0].replace('.log', '.index')));
  assert.equal(rewritten.length % 8, 0);
});

test('leftovers are removed on open; files that are not the log are kept', async (t) => {
  const { dir, log } = await filledLog(t);
  await log.close();
  const names = await segmentLogs(dir);
  await writeFile(join(dir, '00000000000000099999.index'), Buffer.alloc(8));
  await writeFile(join(dir, `${names[0]}.tmp`), Buffer.alloc(3));
  await writeFile(join(dir, '.clean_shutdown.tmp'), 'x');
  await writeFile(join(dir, 'leader-epoch-checkpoint'), '0\n');
  const crashed = await crashCopy(t, dir);
  // An empty segment in the middle (a roll interrupted long ago) holds nothing.
  await writeFile(join(crashed, '00000000000000000001.log'), Buffer.alloc(0));
  const reopened = await openLog(t, crashed, CONFIG);
  const after = await readdir(crashed);
  assert.ok(!after.includes('00000000000000099999.index'));
  assert.ok(!after.includes(`${names[0]}.tmp`));
  assert.ok(!after.includes('.clean_shutdown.tmp'));
  assert.ok(!after.includes('00000000000000000001.log'));
  assert.ok(after.includes('leader-epoch-checkpoint'));
  assert.equal(reopened.logEndOffset, 120n);
});

test('durable mode: every acknowledged append is in the log a crash leaves behind', async (t) => {
  const dir = await tempDir(t);
  const log = await openLog(t, dir, { ...CONFIG, fsyncOnAppend: true });
  const acked = await Promise.all(Array.from({ length: 50 }, () => log.append(makeBatch({ valueSize: 30 }))));
  const crashed = await crashCopy(t, dir);
  const recovered = await openLog(t, crashed, CONFIG);
  assert.equal(recovered.logEndOffset, BigInt(acked.length));
  assert.equal((await readAll(recovered, 0n, recovered.logEndOffset)).length, 50);
});

test('a crash during a roll: an empty new segment after a torn one goes with it', async (t) => {
  const { dir, log } = await filledLog(t);
  const crashed = await crashCopy(t, dir);
  const names = await segmentLogs(crashed);
  const active = join(crashed, names.at(-1)!);
  await truncate(active, (await stat(active)).size - 3);
  await writeFile(join(crashed, '00000000000000000120.log'), Buffer.alloc(0));
  const captured = captureLogger();
  const recovered = await openLog(t, crashed, CONFIG, captured.logger);
  assert.equal(recovered.logEndOffset, 118n);
  assert.deepEqual(await segmentLogs(crashed), names);
  assert.equal((await recovered.append(makeBatch())).baseOffset, 118n);

  // Without damage, the empty new segment simply becomes the active one.
  const intact = await crashCopy(t, dir);
  await writeFile(join(intact, '00000000000000000120.log'), Buffer.alloc(0));
  const reopened = await openLog(t, intact, CONFIG);
  assert.equal(reopened.logEndOffset, 120n);
  assert.equal(reopened.segmentCount, log.segmentCount + 1);
  assert.equal((await reopened.append(makeBatch())).baseOffset, 120n);
  assert.equal((await readAll(reopened, 0n, 121n)).length, 61);
});

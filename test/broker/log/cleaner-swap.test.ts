// The swap of cleaned segments: readers in the middle of a fetch see consistent data, and a crash at any
// step of the swap leaves a log that recovery completes (after the commit) or rolls back (before it).
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { parseBatchSync } from '../../../src/protocol/records/batch.ts';
import { compactedLog, type KeyedRecord, keyedBatch, readRecords } from './cleaning-helpers.ts';
import { openLog, tempDir } from './log-test-helpers.ts';

/** Records whose value names their own offset: `<key>@<offset>`. */
async function writeSelfDescribing(log: PartitionLog, count: number, keys: number): Promise<void> {
  for (let offset = Number(log.logEndOffset); count > 0; count -= 4) {
    const batch: KeyedRecord[] = [];
    for (let i = 0; i < 4; i++, offset++) batch.push([`k${offset % keys}`, `k${offset % keys}@${offset}`]);
    await log.append(keyedBatch(batch));
  }
}

/** Reads the whole log as a consumer would and checks every record against its offset. */
async function readConsistently(log: PartitionLog): Promise<number> {
  let offset = log.logStartOffset;
  let seen = 0;
  const end = log.logEndOffset;
  while (offset < end) {
    const result = await log.read(offset, 700, { minOneBatch: true });
    if ('error' in result) throw new Error(`read at ${offset}: ${result.error}`);
    let next = offset;
    for (let at = 0; at < result.records.length; ) {
      const batch = parseBatchSync(result.records, at);
      for (const record of batch.records) {
        if (record.offset < offset) continue;
        assert.ok(record.offset >= next, `offsets go forward: ${record.offset} after ${next}`);
        assert.equal(record.value?.toString(), `${record.key?.toString()}@${record.offset}`);
        seen++;
      }
      next = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta) + 1n;
      at += batch.size;
    }
    assert.ok(next > offset, `progress at ${offset}`);
    offset = next;
  }
  return seen;
}

test('readers in the middle of a fetch during swaps see consistent records', async (t) => {
  const { log, maintenance } = await compactedLog(t, { segmentBytes: 600, fileDeleteDelayMs: 0 });
  await writeSelfDescribing(log, 1000, 50);
  let cleaning = true;
  const readers = Array.from({ length: 3 }, async () => {
    let passes = 0;
    while (cleaning || passes === 0) {
      await readConsistently(log);
      passes++;
    }
    return passes;
  });
  for (let round = 0; round < 3; round++) {
    assert.ok(await maintenance.cleanFilthiest());
    await writeSelfDescribing(log, 200, 50);
  }
  cleaning = false;
  const passes = await Promise.all(readers);
  assert.ok(passes.every((n) => n > 0));
  assert.ok((await readConsistently(log)) < 1400);
});

/** Every file of a directory with its bytes. */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const name of await readdir(dir)) {
    // A background seal may be rewriting an index through a temp file meanwhile.
    if (name.endsWith('.tmp')) continue;
    try {
      files.set(name, await readFile(join(dir, name)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return files;
}

async function materialize(t: Parameters<typeof tempDir>[0], files: Map<string, Buffer>): Promise<string> {
  const dir = await tempDir(t, 'nagare-swap-crash-');
  for (const [name, bytes] of files) await writeFile(join(dir, name), bytes);
  return dir;
}

const SEGMENT_FILES = /^\d{20}\.(log|index|timeindex)$/;

test('a crash at any step of a swap leaves the log before or after the cleaning, never between', async (t) => {
  const config = { segmentBytes: 400, cleanupPolicy: { delete: false, compact: true } };
  const { dir, log, maintenance } = await compactedLog(t, config);
  await writeSelfDescribing(log, 400, 20);
  const activeBase = log.segments.at(-1)!.baseOffset;
  await log.flush();
  const before = await snapshot(dir);
  const recordsBefore = await readRecords(log);
  // One group: everything cleanable becomes a single new segment at base offset 0.
  log.updateConfig({ segmentBytes: 1 << 20 });
  assert.ok(await maintenance.cleanFilthiest());
  assert.equal(log.segments.length, 2);
  const recordsAfter = await readRecords(log);
  const after = await snapshot(dir);
  const cleaned = ['log', 'index', 'timeindex'].map((kind) => `00000000000000000000.${kind}`);
  const oldSegments = [...before.keys()].filter(
    (name) => SEGMENT_FILES.test(name) && !name.startsWith(activeBase.toString().padStart(20, '0')),
  );

  const reopen = async (files: Map<string, Buffer>) => {
    const crashed = await materialize(t, files);
    files.delete('.clean_shutdown');
    const reopened = await openLog(t, crashed, config);
    const names = await readdir(crashed);
    assert.ok(!names.some((name) => /\.(swap|cleaned|deleted)$/.test(name)), `leftovers in ${names}`);
    return readRecords(reopened);
  };
  const withFiles = (base: Map<string, Buffer>, extra: [string, Buffer][], without: string[] = []) => {
    const files = new Map(base);
    files.delete('.clean_shutdown');
    for (const name of without) files.delete(name);
    for (const [name, bytes] of extra) files.set(name, bytes);
    return files;
  };
  const cleanedAs = (suffix: string, only = cleaned) =>
    only.map((name): [string, Buffer] => [name + suffix, after.get(name)!]);

  // Before the commit: a half-written .cleaned segment, or index files renamed .swap without their .log.
  assert.deepEqual(await reopen(withFiles(before, cleanedAs('.cleaned'))), recordsBefore);
  assert.deepEqual(await reopen(withFiles(before, cleanedAs('.swap', cleaned.slice(1)))), recordsBefore);
  // After it: the .log.swap exists, with the old segments still there, some renamed .deleted, or the
  // old files gone and the new indexes already in place.
  assert.deepEqual(await reopen(withFiles(before, cleanedAs('.swap'))), recordsAfter);
  const halfRetired = oldSegments
    .slice(0, 4)
    .map((name): [string, Buffer] => [`${name}.deleted`, before.get(name)!]);
  assert.deepEqual(
    await reopen(withFiles(before, [...cleanedAs('.swap'), ...halfRetired], oldSegments.slice(0, 4))),
    recordsAfter,
  );
  const nearlyDone = [...cleanedAs('', cleaned.slice(1)), ...cleanedAs('.swap', cleaned.slice(0, 1))];
  assert.deepEqual(await reopen(withFiles(before, nearlyDone, oldSegments)), recordsAfter);
});

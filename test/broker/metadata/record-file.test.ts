import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pino from 'pino';
import { RecordFile } from '../../../src/broker/metadata/record-file.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nagare-records-'));
  dirs.push(dir);
  return join(dir, 'metadata.log');
}

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

test('records survive a reopen in order', async () => {
  const path = await tempFile();
  const { logger } = capturingLogger();
  const { file } = await RecordFile.open<{ n: number }>(path, logger);
  await file.append({ n: 1 }, { n: 2 });
  await file.append({ n: 3 });
  await file.close();
  const reopened = await RecordFile.open<{ n: number }>(path, logger);
  assert.deepEqual(reopened.records, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  await reopened.file.close();
});

for (const [what, damage] of [
  ['a torn last record', async (path: string) => writeFile(path, (await readFile(path)).subarray(0, -3))],
  ['garbage after the last record', (path: string) => appendFile(path, Buffer.from([0, 0, 0, 9, 1, 2]))],
  [
    'a flipped byte in the last record',
    async (path: string) => {
      const bytes = await readFile(path);
      bytes[bytes.length - 2] ^= 0xff;
      await writeFile(path, bytes);
    },
  ],
] as const) {
  test(`${what} is truncated on open with a warning, earlier records kept`, async () => {
    const path = await tempFile();
    const { logger, lines } = capturingLogger();
    const { file } = await RecordFile.open<{ n: number }>(path, logger);
    await file.append({ n: 1 });
    await file.append({ n: 2 });
    await file.close();
    await damage(path);
    const reopened = await RecordFile.open<{ n: number }>(path, logger);
    const expected = what === 'garbage after the last record' ? [{ n: 1 }, { n: 2 }] : [{ n: 1 }];
    assert.deepEqual(reopened.records, expected);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].msg, 'truncating metadata file');
    await reopened.file.append({ n: 9 });
    await reopened.file.close();
    const again = await RecordFile.open<{ n: number }>(path, logger);
    assert.deepEqual(again.records, [...expected, { n: 9 }]);
    await again.file.close();
  });
}

test('rewrite replaces the content atomically and appends continue after it', async () => {
  const path = await tempFile();
  const { logger } = capturingLogger();
  const { file } = await RecordFile.open<{ n: number }>(path, logger);
  await file.append({ n: 1 }, { n: 2 }, { n: 3 });
  await file.rewrite([{ n: 42 }]);
  await file.append({ n: 43 });
  assert.equal(file.recordCount, 2);
  await file.close();
  const reopened = await RecordFile.open<{ n: number }>(path, logger);
  assert.deepEqual(reopened.records, [{ n: 42 }, { n: 43 }]);
  await reopened.file.close();
});

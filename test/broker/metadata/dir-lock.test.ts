import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LogDirInUseError, lockLogDir } from '../../../src/broker/metadata/dir-lock.ts';
import { startNagare } from '../../support/nagare.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nagare-lock-'));
  dirs.push(dir);
  return dir;
}

test('a second broker on the same log directory is refused with a message saying what to do', async () => {
  const first = await startNagare();
  try {
    await assert.rejects(startNagare({ dataDir: first.dataDir }), (err: Error) => {
      assert.ok(err instanceof LogDirInUseError);
      assert.match(err.message, /is in use by another broker .*give this broker another log\.dirs/);
      return true;
    });
  } finally {
    await first.stop();
  }
});

test('a lock held by another running process is respected; the lock is released on stop', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, '.lock'), `${process.ppid}\n`);
  await assert.rejects(lockLogDir(dir), new RegExp(`process ${process.ppid}`));
  await rm(join(dir, '.lock'));
  const lock = await lockLogDir(dir);
  assert.equal((await readFile(join(dir, '.lock'), 'utf8')).trim(), String(process.pid));
  await lock.release();
  await (await lockLogDir(dir)).release();
});

test('a lock left by a process that is gone (kill -9) is taken over', async () => {
  const dir = await tempDir();
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  await writeFile(join(dir, '.lock'), `${gone.stdout}\n`);
  const lock = await lockLogDir(dir);
  assert.equal((await readFile(join(dir, '.lock'), 'utf8')).trim(), String(process.pid));
  await lock.release();
});

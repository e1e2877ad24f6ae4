// kill -9 of a process writing transactions: the reopened log has the same ongoing transaction (LSO)
// and aborted transactions as the process had, with no clean shutdown to help.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openLog, tempDir } from '../log/log-test-helpers.ts';
import { transactionStarts } from './txn-log-batches.ts';

const writer = fileURLToPath(new URL('./producer-crash-writer.ts', import.meta.url));

test('after kill -9 the open transaction and the aborted one are recovered', async (t) => {
  const dir = await tempDir(t);
  const child = spawn(process.execPath, [writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'close');
  const lines = createInterface({ input: child.stdout! });
  const written = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the writer printed nothing within 20 s')), 20_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
  });
  assert.match(written, /^WRITTEN \d+$/);
  assert.ok(Number(written.split(' ')[1]) > 3, 'the writes spread over several segments');
  child.kill('SIGKILL');
  await exited;

  const log = await openLog(t, dir, { segmentBytes: 300 });
  assert.equal(log.logEndOffset, 19n);
  assert.equal(log.lastStableOffset, 14n);
  assert.deepEqual(log.abortedTransactions(0n, 19n), [{ producerId: 1n, firstOffset: 10n }]);
  assert.deepEqual(transactionStarts(log), [
    [1n, -1n],
    [2n, -1n],
    [3n, 14n],
    [100n, -1n],
  ]);
});

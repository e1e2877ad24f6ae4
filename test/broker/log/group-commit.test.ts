import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCommit } from '../../../src/broker/log/group-commit.ts';

/** A sync that takes a turn of the event loop and covers whatever was "written" when it started. */
function fakeLog() {
  let written = 0n;
  let rounds = 0;
  let fail = false;
  const commit = new GroupCommit(async () => {
    const covered = written;
    rounds++;
    await new Promise((resolve) => setImmediate(resolve));
    if (fail) throw new Error('EIO');
    return covered;
  }, 0n);
  return {
    commit,
    write: (n: bigint) => (written += n),
    rounds: () => rounds,
    breakDisk: () => (fail = true),
  };
}

test('waiters that arrive together share one fsync round; late arrivals share the next', async () => {
  const log = fakeLog();
  const firstEnds = Array.from({ length: 50 }, () => log.write(1n));
  const first = firstEnds.map((end) => log.commit.waitDurable(end));
  // Written while the first round runs, so it cannot cover them: they share the next one.
  const secondEnds = Array.from({ length: 50 }, () => log.write(1n));
  const second = secondEnds.map((end) => log.commit.waitDurable(end));
  await Promise.all([...first, ...second]);
  assert.equal(log.rounds(), 2);
  assert.equal(log.commit.durableEnd, 100n);
  await log.commit.waitDurable(100n);
  assert.equal(log.rounds(), 2, 'already durable: no fsync');
});

test('a failed fsync fails its waiters and every later one', async () => {
  const log = fakeLog();
  log.breakDisk();
  await assert.rejects(log.commit.waitDurable(log.write(1n)), /EIO/);
  await assert.rejects(log.commit.waitDurable(log.write(1n)), /EIO/);
  assert.equal(log.commit.durableEnd, 0n);
});

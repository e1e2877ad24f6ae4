import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FetchPartition, FetchSessionCache } from '../../../src/broker/apis/fetch-sessions.ts';

const p = (partition: number, fetchOffset = 0n): FetchPartition => ({
  topic: 't',
  topicId: 'id',
  partition,
  fetchOffset,
  maxBytes: 1000,
});

test('a full fetch opens a session that incremental fetches update and forget from', () => {
  const cache = new FetchSessionCache();
  const full = cache.resolve(0, 0, [p(0), p(1)], [], 1);
  assert.ok(!full.error && full.sessionId > 0 && !full.incremental);
  const id = full.error ? 0 : full.sessionId;
  const next = cache.resolve(id, 1, [p(1, 50n)], [], 2);
  assert.ok(!next.error);
  assert.deepEqual(next.error ? [] : next.partitions.map((x) => [x.partition, x.fetchOffset]), [
    [0, 0n],
    [1, 50n],
  ]);
  const forgot = cache.resolve(id, 2, [], [{ topic: 't', topicId: 'id', partition: 0 }], 3);
  assert.deepEqual(forgot.error ? [] : forgot.partitions.map((x) => x.partition), [1]);
});

test('a wrong epoch or unknown session is refused with the KIP-227 errors', () => {
  const cache = new FetchSessionCache();
  const full = cache.resolve(0, 0, [p(0)], [], 1);
  const id = full.error ? 0 : full.sessionId;
  assert.deepEqual(cache.resolve(id, 5, [], [], 2), { error: 'INVALID_FETCH_SESSION_EPOCH' });
  assert.deepEqual(cache.resolve(id + 1000, 1, [], [], 2), { error: 'FETCH_SESSION_ID_NOT_FOUND' });
});

test('epoch -1 closes the session and fetches without one', () => {
  const cache = new FetchSessionCache();
  const full = cache.resolve(0, 0, [p(0)], [], 1);
  const id = full.error ? 0 : full.sessionId;
  const closing = cache.resolve(id, -1, [p(3)], [], 2);
  assert.ok(!closing.error && closing.sessionId === 0);
  assert.equal(cache.size, 0);
  assert.deepEqual(cache.resolve(id, 1, [], [], 3), { error: 'FETCH_SESSION_ID_NOT_FOUND' });
});

test('incremental responses carry only partitions with news; full ones carry all', () => {
  const cache = new FetchSessionCache();
  const full = cache.resolve(0, 0, [p(0)], [], 1);
  if (full.error) throw new Error('no session');
  const quiet = { highWatermark: 10n, logStartOffset: 0n, hasRecords: false, errorCode: 0 };
  assert.equal(cache.shouldSend(full.session, p(0), quiet, false), true);
  const incremental = cache.resolve(full.sessionId, 1, [], [], 2);
  if (incremental.error) throw new Error('no session');
  assert.equal(cache.shouldSend(incremental.session, p(0), quiet, true), false);
  assert.equal(cache.shouldSend(incremental.session, p(0), { ...quiet, highWatermark: 11n }, true), true);
  assert.equal(
    cache.shouldSend(incremental.session, p(0), { ...quiet, highWatermark: 11n, hasRecords: true }, true),
    true,
  );
  assert.equal(
    cache.shouldSend(incremental.session, p(0), { ...quiet, highWatermark: 11n, errorCode: 3 }, true),
    true,
  );
});

test('when the cache is full the least recently used session makes room', () => {
  const cache = new FetchSessionCache(2);
  const a = cache.resolve(0, 0, [p(0)], [], 1);
  cache.resolve(0, 0, [p(0)], [], 2);
  cache.resolve(0, 0, [p(0)], [], 3);
  assert.equal(cache.size, 2);
  assert.deepEqual(cache.resolve(a.error ? 0 : a.sessionId, 1, [], [], 4), {
    error: 'FETCH_SESSION_ID_NOT_FOUND',
  });
});

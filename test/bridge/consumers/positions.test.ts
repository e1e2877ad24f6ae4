import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FetchedRecord, PartitionPositions } from '../../../src/bridge/consumers/positions.ts';

const record = (topic: string, partition: number, offset: number): FetchedRecord => ({
  topic,
  partition,
  offset: BigInt(offset),
  timestamp: 0n,
  key: undefined,
  value: Buffer.from(`${topic}-${partition}-${offset}`),
  headers: [],
});
const offsets = (records: FetchedRecord[]) => records.map((r) => `${r.topic}-${r.partition}@${r.offset}`);

test('new partitions start unresolved; a seek resolves them and sets where to fetch', () => {
  const positions = new PartitionPositions();
  positions.assign([
    { topic: 't', partition: 0 },
    { topic: 't', partition: 1 },
  ]);
  assert.deepEqual(positions.unresolved().length, 2);
  assert.deepEqual(positions.fetchOffsets(), []);
  positions.seek('t', 0, 5n);
  assert.deepEqual(positions.fetchOffsets(), [{ topic: 't', partition: 0, offset: 5n }]);
  assert.deepEqual(positions.consumed(), [{ topic: 't', partition: 0, offset: 5n }]);
});

test('a poll hands out at most max records and moves positions past them only', () => {
  const positions = new PartitionPositions();
  positions.assign([{ topic: 't', partition: 0 }]);
  positions.seek('t', 0, 0n);
  positions.fetched(
    't',
    0,
    0n,
    [0, 1, 2].map((o) => record('t', 0, o)),
    3n,
  );
  assert.deepEqual(offsets(positions.take(2)), ['t-0@0', 't-0@1']);
  assert.equal(positions.position('t', 0), 2n);
  assert.deepEqual(positions.fetchOffsets(), [{ topic: 't', partition: 0, offset: 3n }]);
  assert.deepEqual(offsets(positions.take(2)), ['t-0@2']);
  assert.equal(positions.hasBuffered(), false);
  assert.equal(positions.position('t', 0), 3n);
});

test('records before the requested offset are dropped; a fetch answered after a seek is ignored', () => {
  const positions = new PartitionPositions();
  positions.assign([{ topic: 't', partition: 0 }]);
  positions.seek('t', 0, 2n);
  positions.fetched(
    't',
    0,
    2n,
    [1, 2].map((o) => record('t', 0, o)),
    3n,
  );
  positions.seek('t', 0, 0n);
  positions.fetched(
    't',
    0,
    2n,
    [3].map((o) => record('t', 0, o)),
    4n,
  );
  assert.equal(positions.hasBuffered(), false, 'the seek dropped the buffered record and the stale fetch');
  assert.deepEqual(positions.fetchOffsets(), [{ topic: 't', partition: 0, offset: 0n }]);
});

test('a reassignment keeps the positions of kept partitions and forgets the others', () => {
  const positions = new PartitionPositions();
  positions.assign([
    { topic: 't', partition: 0 },
    { topic: 't', partition: 1 },
  ]);
  positions.seek('t', 0, 7n);
  positions.seek('t', 1, 9n);
  positions.assign([
    { topic: 't', partition: 1 },
    { topic: 'u', partition: 0 },
  ]);
  assert.equal(positions.position('t', 1), 9n);
  assert.equal(positions.has('t', 0), false);
  assert.deepEqual(positions.unresolved(), [{ topic: 'u', partition: 0 }]);
  positions.fetched('t', 0, 7n, [record('t', 0, 7)], 8n);
  assert.equal(positions.hasBuffered(), false, 'records of a partition no longer held are dropped');
  assert.throws(() => positions.seek('t', 0, 1n), /No current assignment for partition t-0/);
});

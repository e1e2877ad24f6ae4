import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OffsetIndex } from '../../../src/broker/log/offset-index.ts';
import { TimeIndex } from '../../../src/broker/log/time-index.ts';

test('offset index: lookup gives the largest entry <= target, or position 0', () => {
  const index = new OffsetIndex(100n, 1024);
  assert.equal(index.lookup(150n), 0);
  index.append(104n, 400);
  index.append(110n, 900);
  index.append(130n, 2000);
  assert.equal(index.lookup(99n), 0);
  assert.equal(index.lookup(103n), 0);
  assert.equal(index.lookup(104n), 400);
  assert.equal(index.lookup(129n), 900);
  assert.equal(index.lookup(10_000_000_000n), 2000);
  assert.deepEqual(index.lastEntry(), { offset: 130n, position: 2000 });
  assert.throws(() => index.append(130n, 3000), /increase/);
});

test('offset index: file round trip, size bound and the checks that reject a damaged file', () => {
  const index = new OffsetIndex(5n, 16);
  index.append(6n, 100);
  assert.equal(index.isFull, false);
  index.append(9n, 300);
  assert.equal(index.isFull, true);
  const bytes = index.toBuffer();
  assert.deepEqual(bytes, Buffer.from([0, 0, 0, 1, 0, 0, 0, 100, 0, 0, 0, 4, 0, 0, 1, 44]));
  const loaded = OffsetIndex.fromBuffer(bytes, 5n, 1024, 1000);
  assert.ok(loaded instanceof OffsetIndex);
  assert.equal(loaded.lookup(8n), 100);
  assert.equal(loaded.lookup(9n), 300);
  assert.match(String(OffsetIndex.fromBuffer(bytes.subarray(0, 12), 5n, 1024, 1000)), /multiple of 8/);
  assert.match(String(OffsetIndex.fromBuffer(bytes, 5n, 1024, 300)), /out of range/);
  const swapped = Buffer.concat([bytes.subarray(8), bytes.subarray(0, 8)]);
  assert.match(String(OffsetIndex.fromBuffer(swapped, 5n, 1024, 1000)), /does not increase/);
  assert.equal(index.canHold(5n + 0x7fffffffn), true);
  assert.equal(index.canHold(5n + 0x80000000n), false);
});

test('time index: only growing timestamps are kept; lookup gives the offset to start scanning from', () => {
  const index = new TimeIndex(0n, 1200);
  index.maybeAppend(-1n, 3n);
  assert.equal(index.entries, 0, 'no timestamp, no entry');
  index.maybeAppend(1000n, 4n);
  index.maybeAppend(1000n, 8n);
  index.maybeAppend(900n, 9n);
  index.maybeAppend(2000n, 12n);
  assert.equal(index.entries, 2);
  assert.equal(index.lookup(999n), 0n);
  assert.equal(index.lookup(1500n), 4n);
  assert.equal(index.lookup(2000n), 12n);
  assert.deepEqual(index.lastEntry(), { timestamp: 2000n, offset: 12n });
  const loaded = TimeIndex.fromBuffer(index.toBuffer(), 0n, 1200, 13n);
  assert.ok(loaded instanceof TimeIndex);
  assert.deepEqual(loaded.lastEntry(), { timestamp: 2000n, offset: 12n });
  assert.match(String(TimeIndex.fromBuffer(index.toBuffer(), 0n, 1200, 12n)), /out of range/);
  assert.match(String(TimeIndex.fromBuffer(Buffer.alloc(13), 0n, 1200, 12n)), /multiple of 12/);
});

test('time index: a full index takes no entry except the forced final one', () => {
  const index = new TimeIndex(0n, 24);
  index.maybeAppend(1n, 1n);
  index.maybeAppend(2n, 2n);
  index.maybeAppend(3n, 3n);
  assert.equal(index.entries, 2);
  assert.equal(index.isFull, true);
  index.maybeAppend(3n, 3n, true);
  assert.equal(index.entries, 3);
});

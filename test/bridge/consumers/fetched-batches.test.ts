import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecordsBatch } from '@platformatic/kafka';
import { recordsOfBatches } from '../../../src/bridge/consumers/fetched-batches.ts';

function batch(firstOffset: number, values: string[], attributes = 0): RecordsBatch {
  return {
    firstOffset: BigInt(firstOffset),
    length: 0,
    partitionLeaderEpoch: 0,
    magic: 2,
    crc: 0,
    attributes,
    lastOffsetDelta: values.length - 1,
    firstTimestamp: 1000n,
    maxTimestamp: 2000n,
    producerId: -1n,
    producerEpoch: -1,
    firstSequence: -1,
    records: values.map((value, i) => ({
      length: 0,
      attributes: 0,
      timestampDelta: BigInt(i),
      offsetDelta: i,
      key: null,
      value: Buffer.from(value),
      headers: [[Buffer.from('h'), null]],
    })),
  };
}

test('records get their offsets and timestamps; the next fetch starts after the last batch', () => {
  const { records, nextFetchOffset } = recordsOfBatches('t', 0, 10n, [
    batch(10, ['a', 'b']),
    batch(12, ['c']),
  ]);
  assert.deepEqual(
    records.map((r) => [r.offset, r.timestamp, r.value?.toString()]),
    [
      [10n, 1000n, 'a'],
      [11n, 1001n, 'b'],
      [12n, 1000n, 'c'],
    ],
  );
  assert.equal(nextFetchOffset, 13n);
  assert.deepEqual(records[0].headers, [[Buffer.from('h'), undefined]]);
});

test('records before the requested offset are dropped, control batches skipped but moved past', () => {
  const control = 0x20;
  const { records, nextFetchOffset } = recordsOfBatches('t', 0, 11n, [
    batch(10, ['a', 'b']),
    batch(12, ['marker'], control),
  ]);
  assert.deepEqual(
    records.map((r) => r.value?.toString()),
    ['b'],
  );
  assert.equal(nextFetchOffset, 13n);
});

test('a batch stamped with the broker time (LogAppendTime) gives every record that time', () => {
  const { records } = recordsOfBatches('t', 0, 0n, [batch(0, ['a', 'b'], 0x08)]);
  assert.deepEqual(
    records.map((r) => r.timestamp),
    [2000n, 2000n],
  );
});

test('an empty answer keeps the fetch offset', () => {
  assert.deepEqual(recordsOfBatches('t', 0, 5n, []), { records: [], nextFetchOffset: 5n });
});

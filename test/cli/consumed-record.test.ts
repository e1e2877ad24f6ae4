import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordsBatch } from '@platformatic/kafka';
import { batchRecords, offsetAfter } from '../../src/cli/consumed-record.ts';

function batch(overrides: Partial<RecordsBatch>): RecordsBatch {
  return {
    firstOffset: 10n,
    length: 0,
    partitionLeaderEpoch: 0,
    magic: 2,
    crc: 0,
    attributes: 0,
    lastOffsetDelta: 2,
    firstTimestamp: 1000n,
    maxTimestamp: 5000n,
    producerId: -1n,
    producerEpoch: -1,
    firstSequence: -1,
    records: [0, 1, 2].map((i) => ({
      length: 0,
      attributes: 0,
      timestampDelta: BigInt(i * 10),
      offsetDelta: i,
      key: null,
      value: Buffer.from(`v${i}`),
      headers: [],
    })),
    ...overrides,
  };
}

describe('batchRecords', () => {
  it('gives each record its offset and create time', () => {
    const records = batchRecords('t', 3, batch({}), 0n);
    assert.deepEqual(
      records.map((r) => [r.topic, r.partition, r.offset, r.timestamp, r.value?.toString()]),
      [
        ['t', 3, 10n, 1000n, 'v0'],
        ['t', 3, 11n, 1010n, 'v1'],
        ['t', 3, 12n, 1020n, 'v2'],
      ],
    );
  });

  it('skips records before the fetch offset (a fetch returns whole batches)', () => {
    assert.deepEqual(
      batchRecords('t', 0, batch({}), 11n).map((r) => r.offset),
      [11n, 12n],
    );
  });

  it("uses the broker's time for every record with LogAppendTime", () => {
    const records = batchRecords('t', 0, batch({ attributes: 0x08 }), 0n);
    assert.deepEqual(
      records.map((r) => r.timestamp),
      [5000n, 5000n, 5000n],
    );
  });

  it('returns nothing for a control batch, and the next offset after any batch', () => {
    assert.deepEqual(batchRecords('t', 0, batch({ attributes: 0x20 }), 0n), []);
    assert.equal(offsetAfter(batch({})), 13n);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  buildBatch,
  buildBatchSync,
  type ParsedBatch,
  parseBatch,
  parseBatchSync,
  type RecordInput,
  setLogAppendTime,
  updateCrc,
} from '../../../src/protocol/records/batch.ts';
import { RecordBatchError } from '../../../src/protocol/records/batch-error.ts';
import { OFFSET, readBatchHeader } from '../../../src/protocol/records/batch-header.ts';
import { UnsupportedCompressionError } from '../../../src/protocol/records/compression.ts';
import { validateBatch } from '../../../src/protocol/records/validate.ts';
import { recordInputsArbitrary } from './arbitraries.ts';

const CODECS = [0, 1, 2, 3, 4];
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** What a record should read back as: the input with null defaults filled in. */
function expectedRecords(records: readonly RecordInput[], baseOffset: bigint) {
  return records.map((r, i) => ({
    offset: baseOffset + BigInt(r.offsetDelta ?? i),
    timestamp: r.timestamp,
    key: r.key ?? null,
    value: r.value ?? null,
    headers: r.headers ?? [],
  }));
}

function observed(parsed: ParsedBatch) {
  return parsed.records.map(({ offset, timestamp, key, value, headers }) => ({
    offset,
    timestamp,
    key,
    value,
    headers,
  }));
}

function latest(timestamps: bigint[]): bigint {
  let max = -1n;
  for (const timestamp of timestamps) if (timestamp > max) max = timestamp;
  return max;
}

function isBatchError(code: string) {
  return (error: unknown) => error instanceof RecordBatchError && error.code === code;
}

describe('a batch laid out by hand from the documented format', () => {
  // The bytes Kafka 4.3's MemoryRecordsBuilder writes for the same input (checked against it once; the
  // Java interop test keeps checking that uncompressed batches are byte-identical).
  const expected = hex(
    `
    0000000000000000  # baseOffset 0
    0000004e          # batchLength 78 (90 bytes in all, minus the 12 of baseOffset and batchLength)
    ffffffff          # partitionLeaderEpoch -1
    02                # magic 2
    05590723          # CRC-32C of everything after this field
    0000              # attributes: no compression, CreateTime, not transactional, not control
    00000001          # lastOffsetDelta 1
    0000018bcfe56800  # baseTimestamp 1700000000000
    0000018bcfe56805  # maxTimestamp 1700000000005
    ffffffffffffffff  # producerId -1
    ffff              # producerEpoch -1
    ffffffff          # baseSequence -1
    00000002          # recordCount 2
    28 00 00 00 06 6b6579 0a 76616c7565 02 04 6831 04 7631
                      # record: length 20, attributes, tsDelta 0, offsetDelta 0, key "key",
                      # value "value", 1 header "h1" = "v1"
    0e 00 0a 02 01 02 78 00
                      # record: length 7, attributes, tsDelta 5, offsetDelta 1, null key, value "x", 0 headers
  `.replace(/#.*$/gm, ''),
  );
  const records: RecordInput[] = [
    {
      key: Buffer.from('key'),
      value: Buffer.from('value'),
      timestamp: 1700000000000n,
      headers: [{ key: 'h1', value: Buffer.from('v1') }],
    },
    { value: Buffer.from('x'), timestamp: 1700000000005n },
  ];

  test('buildBatch writes exactly these bytes', async () => {
    assert.equal(expected.length, 90);
    assert.deepEqual(buildBatchSync({ records }), expected);
    assert.deepEqual(await buildBatch({ records }), expected);
  });

  test('parseBatch reads them back', async () => {
    const parsed = await parseBatch(expected);
    assert.equal(parsed.size, 90);
    assert.equal(parsed.compression, 0);
    assert.equal(parsed.timestampType, 0);
    assert.equal(parsed.transactional, false);
    assert.equal(parsed.control, false);
    assert.deepEqual(observed(parsed), expectedRecords(records, 0n));
    assert.deepEqual(parsed.records[1].timestampDelta, 5n);
  });
});

describe('build then parse', () => {
  for (const compression of CODECS) {
    test(`random records survive codec ${compression}, async and sync`, async () => {
      await fc.assert(
        fc.asyncProperty(
          recordInputsArbitrary(),
          fc.bigInt({ min: 0n, max: 2n ** 62n }),
          async (records, baseOffset) => {
            const batch = await buildBatch({ records, baseOffset, compression });
            const parsed = await parseBatch(batch);
            assert.deepEqual(observed(parsed), expectedRecords(records, baseOffset));
            assert.deepEqual(
              observed(parseBatchSync(buildBatchSync({ records, baseOffset, compression }))),
              observed(parsed),
            );
            const stamps = records.map((r) => r.timestamp);
            assert.equal(parsed.compression, compression);
            assert.equal(parsed.header.recordCount, records.length);
            assert.equal(parsed.header.lastOffsetDelta, records.length - 1);
            assert.equal(parsed.header.baseTimestamp, stamps[0]);
            assert.equal(parsed.header.maxTimestamp, latest(stamps));
            assert.equal(parsed.size, batch.length);
            assert.deepEqual(validateBatch(batch, 0, { deep: true }), {
              ok: true,
              header: parsed.header,
              size: batch.length,
            });
          },
        ),
        { numRuns: 25 },
      );
    });
  }

  test('producer, transaction and leader-epoch fields are written as given', async () => {
    const batch = await buildBatch({
      records: [{ value: Buffer.from('a'), timestamp: 10n }],
      baseOffset: 7n,
      compression: 3,
      producerId: 1234n,
      producerEpoch: 5,
      baseSequence: 99,
      transactional: true,
      partitionLeaderEpoch: 3,
    });
    const { header, transactional, control } = await parseBatch(batch);
    assert.deepEqual(
      [
        header.baseOffset,
        header.producerId,
        header.producerEpoch,
        header.baseSequence,
        header.partitionLeaderEpoch,
      ],
      [7n, 1234n, 5, 99, 3],
    );
    assert.equal(header.attributes, 0x13, 'lz4 (3) | transactional (0x10)');
    assert.deepEqual([transactional, control], [true, false]);
  });

  test('offset gaps, as after compaction, keep their offsets and the declared lastOffsetDelta', async () => {
    const records = [
      { value: Buffer.from('a'), timestamp: 1n, offsetDelta: 2 },
      { value: Buffer.from('b'), timestamp: 2n, offsetDelta: 5 },
    ];
    const batch = buildBatchSync({ records, baseOffset: 100n, lastOffsetDelta: 9, compression: 1 });
    const parsed = await parseBatch(batch);
    assert.deepEqual(
      parsed.records.map((r) => r.offset),
      [102n, 105n],
    );
    assert.equal(parsed.header.lastOffsetDelta, 9);
  });

  test('a batch without records: no timestamp, lastOffsetDelta 0, nothing to decompress', async () => {
    for (const compression of CODECS) {
      const batch = await buildBatch({ records: [], compression });
      const parsed = await parseBatch(batch);
      assert.deepEqual(parsed.records, []);
      assert.deepEqual([parsed.header.baseTimestamp, parsed.header.maxTimestamp], [-1n, -1n]);
      assert.equal(parsed.header.lastOffsetDelta, 0);
    }
  });

  test('a LogAppendTime batch gives every record the log-append time', async () => {
    const records = [
      { value: Buffer.from('a'), timestamp: 5n },
      { value: Buffer.from('b'), timestamp: 7n },
    ];
    const parsed = await parseBatch(
      await buildBatch({ records, timestampType: 1, logAppendTime: 1000n, compression: 4 }),
    );
    assert.equal(parsed.timestampType, 1);
    assert.equal(parsed.header.maxTimestamp, 1000n);
    assert.equal(parsed.header.baseTimestamp, 5n, 'baseTimestamp stays the first create time');
    assert.deepEqual(
      parsed.records.map((r) => r.timestamp),
      [1000n, 1000n],
    );
  });

  test('parses a batch in the middle of a buffer', async () => {
    const first = buildBatchSync({ records: [{ value: Buffer.from('1'), timestamp: 1n }] });
    const second = buildBatchSync({
      records: [{ value: Buffer.from('2'), timestamp: 2n }],
      baseOffset: 1n,
      compression: 2,
    });
    const both = Buffer.concat([first, second, Buffer.from('trailing')]);
    const parsed = await parseBatch(both, first.length);
    assert.equal(parsed.records[0].value?.toString(), '2');
    assert.equal(parsed.size, second.length);
  });
});

describe('building refuses caller bugs', () => {
  const record = { value: Buffer.from('v'), timestamp: 1n };

  test('offset deltas that do not increase', () => {
    assert.throws(
      () =>
        buildBatchSync({
          records: [
            { ...record, offsetDelta: 1 },
            { ...record, offsetDelta: 1 },
          ],
        }),
      RangeError,
    );
    assert.throws(() => buildBatchSync({ records: [{ ...record, offsetDelta: -1 }] }), RangeError);
  });

  test('negative timestamps other than -1', () => {
    assert.throws(() => buildBatchSync({ records: [{ ...record, timestamp: -2n }] }), RangeError);
    assert.doesNotThrow(() => buildBatchSync({ records: [{ ...record, timestamp: -1n }] }));
  });

  test('LogAppendTime without the time, and a lastOffsetDelta below the last record', () => {
    assert.throws(() => buildBatchSync({ records: [record], timestampType: 1 }), /logAppendTime/);
    assert.throws(() => buildBatchSync({ records: [record, record], lastOffsetDelta: 0 }), RangeError);
  });

  test('an unknown codec', async () => {
    await assert.rejects(buildBatch({ records: [record], compression: 6 }), UnsupportedCompressionError);
  });
});

describe('parsing refuses bad batches with Kafka’s error', () => {
  const batch = buildBatchSync({ records: [{ value: Buffer.from('v'), timestamp: 1n }], compression: 1 });

  test('a CRC mismatch is CORRUPT_MESSAGE', async () => {
    const broken = Buffer.from(batch);
    broken[broken.length - 1] ^= 0xff;
    await assert.rejects(parseBatch(broken), isBatchError('CORRUPT_MESSAGE'));
    assert.throws(() => parseBatchSync(broken), isBatchError('CORRUPT_MESSAGE'));
  });

  test('compressed bytes that are not gzip, under a valid CRC, are CORRUPT_MESSAGE', async () => {
    const broken = Buffer.from(batch);
    broken.fill(0x55, 61);
    updateCrc(broken);
    await assert.rejects(parseBatch(broken), isBatchError('CORRUPT_MESSAGE'));
  });

  test('a batch decompressing past maxOutputLength is MESSAGE_TOO_LARGE', async () => {
    const big = await buildBatch({
      records: [{ value: Buffer.alloc(100_000), timestamp: 1n }],
      compression: 4,
    });
    await assert.rejects(parseBatch(big, 0, { maxOutputLength: 50_000 }), isBatchError('MESSAGE_TOO_LARGE'));
    assert.equal((await parseBatch(big, 0, { maxOutputLength: 200_000 })).records.length, 1);
  });
});

describe('setLogAppendTime', () => {
  for (const compression of CODECS) {
    test(`rewrites a codec ${compression} batch in place, as Kafka's broker does`, async () => {
      const records = [
        { value: Buffer.from('a'), timestamp: 10n },
        { value: Buffer.from('b'), timestamp: 30n },
      ];
      const batch = await buildBatch({
        records,
        compression,
        transactional: true,
        producerId: 1n,
        baseSequence: 0,
      });
      const before = readBatchHeader(batch);
      setLogAppendTime(batch, 5000n);
      const after = readBatchHeader(batch);
      assert.equal(after.attributes, before.attributes | 0x08, 'only the timestamp-type bit is added');
      assert.equal(after.maxTimestamp, 5000n);
      assert.equal(after.baseTimestamp, before.baseTimestamp, 'baseTimestamp keeps the first create time');
      assert.equal(validateBatch(batch, 0, { deep: true }).ok, true, 'the CRC was recomputed');
      const parsed = await parseBatch(batch);
      assert.equal(parsed.timestampType, 1);
      assert.deepEqual(
        parsed.records.map((r) => r.timestamp),
        [5000n, 5000n],
      );
    });
  }

  test('is idempotent and touches only the batch at the given position', () => {
    const one = buildBatchSync({ records: [{ value: Buffer.from('a'), timestamp: 1n }] });
    const two = Buffer.concat([one, one]);
    setLogAppendTime(two, 77n, one.length);
    assert.deepEqual(two.subarray(0, one.length), one);
    const once = Buffer.from(two);
    setLogAppendTime(two, 77n, one.length);
    assert.deepEqual(two, once);
    assert.equal(validateBatch(two, one.length).ok, true);
    assert.equal(two.readBigInt64BE(one.length + OFFSET.maxTimestamp), 77n);
  });
});

// Record batches exchanged with the encoders and decoders of two real JavaScript Kafka clients, each
// written independently of ours: kafkajs (none and gzip, the codecs it ships) and @platformatic/kafka
// (every codec, with its own WebAssembly snappy and lz4). Kafka's Java code judges in java-interop.test.ts.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { createRecordsBatch, Reader, readRecordsBatch } from '@platformatic/kafka';
import fc from 'fast-check';
import { buildBatch, parseBatch, type RecordInput } from '../../../src/protocol/records/batch.ts';
import { validateBatch } from '../../../src/protocol/records/validate.ts';

const require = createRequire(import.meta.url);
const { RecordBatch: kafkajsBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const kafkajsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js');
const KafkajsDecoder = require('kafkajs/src/protocol/decoder.js');
const KafkajsLong = require('kafkajs/src/utils/long.js');

const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/** Records every client can carry: kafkajs cannot encode a null header value, nor platformatic a null value. */
const records: RecordInput[] = [
  {
    key: Buffer.from('k0'),
    value: Buffer.from('first'),
    timestamp: 1700000000000n,
    headers: [{ key: 'h', value: Buffer.from('1') }],
  },
  { key: null, value: Buffer.alloc(150_000, 'large and compressible '), timestamp: 1700000000100n },
  {
    key: Buffer.from('k2'),
    value: Buffer.from('third'),
    timestamp: 1699999999000n,
    headers: [{ key: 'é', value: Buffer.alloc(0) }],
  },
];

describe('kafkajs', () => {
  for (const compression of [0, 1]) {
    test(`its ${CODEC_NAMES[compression]} batches pass validation and parse to what it encoded`, async () => {
      const base = records[0].timestamp;
      const encoded = await kafkajsBatch({
        compression,
        firstOffset: new KafkajsLong(500n),
        firstTimestamp: Number(base),
        maxTimestamp: Number(records[1].timestamp),
        lastOffsetDelta: records.length - 1,
        records: records.map((r, i) =>
          kafkajsRecord({
            offsetDelta: i,
            timestampDelta: new KafkajsLong(r.timestamp - base),
            key: r.key,
            value: r.value,
            headers: Object.fromEntries((r.headers ?? []).map((h) => [h.key, h.value])),
          }),
        ),
      });
      const batch: Buffer = encoded.buffer;
      assert.ok(validateBatch(batch, 0, { deep: true }).ok);
      const parsed = await parseBatch(batch);
      assert.equal(parsed.compression, compression);
      assert.deepEqual(
        parsed.records.map((r) => [r.offset, r.timestamp, r.key, r.value, r.headers]),
        records.map((r, i) => [500n + BigInt(i), r.timestamp, r.key, r.value, r.headers ?? []]),
      );
    });

    test(`its decoder reads our ${CODEC_NAMES[compression]} batches`, async () => {
      const batch = await buildBatch({ records, compression, baseOffset: 42n });
      const decoded = await kafkajsDecodeBatch(new KafkajsDecoder(batch));
      assert.equal(decoded.firstOffset, '42');
      assert.deepEqual(
        decoded.records.map(
          (r: { offset: string; timestamp: string; key: Buffer | null; value: Buffer; headers: object }) => [
            r.offset,
            r.timestamp,
            r.key,
            r.value,
            r.headers,
          ],
        ),
        records.map((r, i) => [
          String(42 + i),
          String(r.timestamp),
          r.key ?? null,
          r.value,
          Object.fromEntries((r.headers ?? []).map((h) => [h.key, h.value])),
        ]),
      );
    });
  }
});

describe('@platformatic/kafka', () => {
  const message = fc.record({
    key: fc.option(
      fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
      { nil: undefined },
    ),
    value: fc.oneof(
      fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a)),
      fc.integer({ min: 40_000, max: 120_000 }).map((n) => Buffer.alloc(n, n % 251)),
    ),
    headers: fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 })), {
      maxLength: 3,
    }),
    // Any two less than 2^31 ms apart (each within 2^29 of one instant): @platformatic/kafka 2.x writes
    // timestamp deltas of 2^31 or more wrongly.
    timestamp: fc.bigInt({ min: 1700000000000n - 2n ** 29n, max: 1700000000000n + 2n ** 29n }),
  });

  for (const [compression, name] of CODEC_NAMES.entries()) {
    test(`${name}: its batches parse to what it encoded, and its reader parses ours`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 6 }), async (messages) => {
          const theirs: Buffer = createRecordsBatch(
            messages.map((m) => ({
              topic: 't',
              key: m.key,
              value: m.value,
              timestamp: m.timestamp,
              headers: new Map(m.headers.map(([k, v]) => [Buffer.from(k), Buffer.from(v)])),
            })),
            { compression: name, producerId: -1n, producerEpoch: -1, partitionLeaderEpoch: 0 },
          ).buffer;
          assert.ok(validateBatch(theirs, 0, { deep: true }).ok);
          const parsed = await parseBatch(theirs);
          assert.equal(parsed.compression, compression);
          const expected = messages.map((m) => ({
            key: m.key ?? null,
            value: m.value,
            timestamp: m.timestamp,
            headers: m.headers.map(([k, v]) => ({ key: k, value: Buffer.from(v) })),
          }));
          assert.deepEqual(
            parsed.records.map(({ key, value, timestamp, headers }) => ({ key, value, timestamp, headers })),
            expected,
          );

          const ours = await buildBatch({ records: expected, compression });
          const read = readRecordsBatch(Reader.from(ours));
          assert.deepEqual(
            read.records.map((r) => [r.key, r.value, read.firstTimestamp + r.timestampDelta, r.headers]),
            expected.map((r) => [
              r.key,
              r.value,
              r.timestamp,
              r.headers.map((h) => [Buffer.from(h.key), h.value]),
            ]),
          );
        }),
        { numRuns: 15 },
      );
    });
  }

  test('snappy from @platformatic/kafka is raw snappy, which we read as well as xerial framing', () => {
    const theirs: Buffer = createRecordsBatch(
      [{ topic: 't', value: Buffer.alloc(1000, 'x'), timestamp: 1n }],
      {
        compression: 'snappy',
      },
    ).buffer;
    assert.notEqual(theirs[61], 0x82, 'no xerial magic');
    assert.ok(validateBatch(theirs, 0, { deep: true }).ok);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkStoredBatch, prepareAppend, wholeBatchesEnd } from '../../../src/broker/log/batch-scan.ts';
import { readBatchHeader } from '../../../src/protocol/records/batch-header.ts';
import { validateBatch } from '../../../src/protocol/records/validate.ts';
import { makeBatch, splitStored } from './log-test-helpers.ts';

test('prepareAppend assigns contiguous offsets in place and reports the max timestamp', () => {
  const input = Buffer.concat([
    makeBatch({ count: 3, timestamps: [5n, 9n, 7n] }),
    makeBatch({ count: 1, timestamps: 8n }),
    makeBatch({ count: 2, timestamps: -1n }),
  ]);
  const prepared = prepareAppend(input, 40n);
  assert.deepEqual(prepared, {
    firstOffset: 40n,
    lastOffset: 45n,
    maxTimestamp: 9n,
    offsetOfMaxTimestamp: 42n,
  });
  assert.deepEqual(
    splitStored(input).map((b) => [b.baseOffset, b.lastOffset]),
    [
      [40n, 42n],
      [43n, 43n],
      [44n, 45n],
    ],
  );
  for (const batch of splitStored(input))
    assert.ok(validateBatch(batch.bytes).ok, 'the CRC does not cover offsets');
});

test('prepareAppend stamps LogAppendTime as Kafka does (attribute, maxTimestamp, CRC)', () => {
  const input = makeBatch({ count: 2, timestamps: 5n, compression: 1 });
  const prepared = prepareAppend(input, 0n, 777n);
  const header = readBatchHeader(input);
  assert.equal(header.attributes, 0x08 | 1);
  assert.equal(header.maxTimestamp, 777n);
  assert.equal(header.baseTimestamp, 5n);
  assert.equal(prepared.maxTimestamp, 777n);
  assert.ok(validateBatch(input).ok);
});

test('prepareAppend refuses input that is not whole v2 batches', () => {
  const batch = makeBatch();
  assert.throws(() => prepareAppend(Buffer.alloc(0), 0n), /empty/);
  assert.throws(() => prepareAppend(batch.subarray(0, 50), 0n), /truncated/);
  assert.throws(() => prepareAppend(Buffer.concat([batch, batch.subarray(0, 70)]), 0n), /out of range/);
  const legacy = Buffer.from(batch);
  legacy.writeInt8(1, 16);
  assert.throws(() => prepareAppend(legacy, 0n), /magic/);
});

test('checkStoredBatch accepts sound batches and names what is wrong with others', () => {
  const batch = makeBatch({ count: 2 });
  prepareAppend(batch, 10n);
  assert.equal(checkStoredBatch(batch, 0, 10n), null);
  assert.match(String(checkStoredBatch(batch, 0, 11n)), /below/);
  const flipped = Buffer.from(batch);
  flipped[flipped.length - 1] ^= 1;
  assert.notEqual(checkStoredBatch(flipped, 0, 0n), null);
});

test('wholeBatchesEnd cuts at the byte budget and before maxOffset', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 12 }),
      fc.integer({ min: 0, max: 3000 }),
      fc.integer({ min: 0, max: 40 }),
      (counts, budget, maxOffset) => {
        const buf = Buffer.concat(counts.map((count) => makeBatch({ count, valueSize: 20 })));
        prepareAppend(buf, 0n);
        const end = wholeBatchesEnd(buf, 0, budget, BigInt(maxOffset));
        let expected = 0;
        for (const batch of splitStored(buf)) {
          if (expected + batch.bytes.length > budget || batch.lastOffset >= BigInt(maxOffset)) break;
          expected += batch.bytes.length;
        }
        assert.equal(end, expected);
      },
    ),
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { prepareAppend } from '../../../src/broker/log/batch-scan.ts';
import { readSegmentBatches } from '../../../src/broker/log/segment-read.ts';
import { makeBatch, splitStored } from './log-test-helpers.ts';

/** The reference answer: whole batches from the one containing fetchOffset, within the limits. */
function expectedRead(
  segment: Buffer,
  fetchOffset: bigint,
  maxBytes: number,
  minOne: boolean,
  maxOffset: bigint,
) {
  const batches = splitStored(segment);
  const first = batches.findIndex((b) => b.lastOffset >= fetchOffset);
  if (first < 0) return null;
  const picked: Buffer[] = [];
  let bytes = 0;
  for (const batch of batches.slice(first)) {
    if (batch.lastOffset >= maxOffset) break;
    if (bytes + batch.bytes.length > maxBytes) {
      if (picked.length === 0 && minOne) picked.push(batch.bytes);
      break;
    }
    picked.push(batch.bytes);
    bytes += batch.bytes.length;
  }
  return Buffer.concat(picked);
}

test('readSegmentBatches matches the reference for any start position before the target', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ count: fc.integer({ min: 1, max: 5 }), size: fc.integer({ min: 0, max: 300 }) }), {
        minLength: 1,
        maxLength: 25,
      }),
      fc.nat(),
      fc.nat(),
      fc.integer({ min: 0, max: 4000 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 200 }),
      fc.integer({ min: 0, max: 512 }),
      async (specs, targetSeed, startSeed, maxBytes, minOne, maxOffsetSeed, slack) => {
        const segment = Buffer.concat(specs.map((s) => makeBatch({ count: s.count, valueSize: s.size })));
        const end = prepareAppend(segment, 0n).lastOffset + 1n;
        const fetchOffset = BigInt(targetSeed) % (end + 2n);
        const batches = splitStored(segment);
        // Any batch start at or before the batch holding fetchOffset is a valid index answer.
        const containing = batches.findIndex((b) => b.lastOffset >= fetchOffset);
        const candidates = containing < 0 ? batches.length : containing + 1;
        const startBatch = startSeed % candidates;
        const startPosition = batches.slice(0, startBatch).reduce((n, b) => n + b.bytes.length, 0);
        const maxOffset = BigInt(maxOffsetSeed) % (end + 1n);
        const reads: number[] = [];
        const read = async (position: number, length: number) => {
          reads.push(length);
          return Buffer.from(segment.subarray(position, position + length));
        };
        const got = await readSegmentBatches(read, {
          startPosition,
          end: segment.length,
          fetchOffset,
          maxBytes,
          minOneBatch: minOne,
          maxOffset,
          slackBytes: slack,
        });
        const want = expectedRead(segment, fetchOffset, maxBytes, minOne, maxOffset);
        assert.deepEqual(got, want);
      },
    ),
    { numRuns: 300 },
  );
});

test('a read near the index entry takes a single file read', async () => {
  const segment = Buffer.concat(Array.from({ length: 20 }, () => makeBatch({ valueSize: 100 })));
  prepareAppend(segment, 0n);
  let reads = 0;
  const read = async (position: number, length: number) => {
    reads++;
    return segment.subarray(position, position + length);
  };
  const size = splitStored(segment)[0].bytes.length;
  const got = await readSegmentBatches(read, {
    startPosition: 3 * size,
    end: segment.length,
    fetchOffset: 5n,
    maxBytes: 4 * size,
    minOneBatch: false,
    maxOffset: 20n,
    slackBytes: 4096,
  });
  assert.equal(reads, 1);
  assert.deepEqual(
    splitStored(got!).map((b) => b.baseOffset),
    [5n, 6n, 7n, 8n],
  );
});

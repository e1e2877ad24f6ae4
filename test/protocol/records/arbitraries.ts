// fast-check generators of records for the record-batch tests: null and empty keys and values,
// headers with Unicode keys and null values, the odd large value, extreme timestamp deltas.
import fc from 'fast-check';
import type { RecordInput } from '../../../src/protocol/records/batch.ts';
import type { RecordBody, RecordHeader } from '../../../src/protocol/records/record.ts';

/** Plain objects, so that deepStrictEqual compares them with decoded records. */
const PLAIN = { noNullPrototype: true } as const;

const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));

/** Mostly small, sometimes empty, now and then 100 KB or more, often null. */
export function nullableBytes(): fc.Arbitrary<Buffer | null> {
  return fc.oneof(
    { weight: 6, arbitrary: bytes(64) },
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 100_000, max: 150_000 }).map((n) => Buffer.alloc(n, n & 0xff)),
    },
  );
}

export function headersArbitrary(): fc.Arbitrary<RecordHeader[]> {
  const header = fc.record(
    { key: fc.string({ unit: 'grapheme', maxLength: 12 }), value: nullableBytes() },
    PLAIN,
  );
  return fc.array(header, { maxLength: 4 });
}

export function recordBodyArbitrary(): fc.Arbitrary<RecordBody> {
  return fc.record(
    {
      attributes: fc.integer({ min: -128, max: 127 }),
      timestampDelta: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      offsetDelta: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      key: nullableBytes(),
      value: nullableBytes(),
      headers: headersArbitrary(),
    },
    PLAIN,
  );
}

/** Records for buildBatch: timestamps from -1 (none) to far in the future, in any order. */
export function recordInputsArbitrary(maxLength = 8): fc.Arbitrary<RecordInput[]> {
  const record = fc.record(
    {
      key: nullableBytes(),
      value: nullableBytes(),
      headers: headersArbitrary(),
      timestamp: fc.oneof(fc.constant(-1n), fc.bigInt({ min: 0n, max: 2n ** 62n })),
    },
    PLAIN,
  );
  return fc.array(record, { minLength: 1, maxLength });
}

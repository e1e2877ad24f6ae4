// The compat tests are only as good as their verifier: it must see every kind of difference and say
// precisely where the first one is.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ALL_CODECS,
  type ConsumedRecord,
  checkDeliveredOffsets,
  checkRecords,
  generateRecords,
  producerCalls,
  type RecordSetOptions,
  roundTripRecords,
  runsByCodec,
  type TestRecord,
  type TimestampRule,
} from './records-check.ts';

const options: RecordSetOptions = {
  seed: 42,
  count: 3000,
  partitions: 3,
  baseTimestamp: 1_700_000_000_000,
  codecs: ALL_CODECS,
  headers: 'varied',
  empty: true,
};

/** What a faithful broker and client hand back for `records`. */
function faithfulCopy(records: readonly TestRecord[]): ConsumedRecord[] {
  const next = [0, 0, 0];
  return records.map((record) => ({
    partition: record.partition,
    offset: next[record.partition]++,
    timestamp: record.timestamp,
    timestampType: 'create',
    key: record.key && Buffer.from(record.key),
    value: record.value && Buffer.from(record.value),
    headers: record.headers.map(([name, value]) => [name, Buffer.from(value)]),
    codec: record.codec,
  }));
}

describe('generateRecords', () => {
  test('is deterministic for a seed and varies with it', () => {
    assert.deepEqual(generateRecords(options), generateRecords(options));
    assert.notDeepEqual(generateRecords(options), generateRecords({ ...options, seed: 43 }));
  });

  test('covers null and empty keys and values, large values, headers and every partition', () => {
    const records = generateRecords(options);
    assert.ok(records.some((r) => r.key === null));
    assert.ok(records.some((r) => r.value === null));
    assert.ok(records.some((r) => r.key === null && r.value === null));
    assert.ok(records.some((r) => r.key?.length === 0));
    assert.ok(records.some((r) => r.value?.length === 0));
    assert.ok(records.some((r) => (r.value?.length ?? 0) > 4096));
    assert.ok(records.some((r) => r.headers.length === 3));
    assert.deepEqual(new Set(records.map((r) => r.partition)), new Set([0, 1, 2]));
  });

  test('cuts the set into one contiguous run per codec', () => {
    const runs = runsByCodec(generateRecords(options));
    assert.deepEqual(
      runs.map((run) => [run.codec, run.records.length]),
      ALL_CODECS.map((codec) => [codec, 600]),
    );
  });

  test('honours the restrictions of line-based tools and picky clients', () => {
    const records = generateRecords({
      ...options,
      text: true,
      empty: false,
      keyOrValue: true,
      headers: [['fixed', Buffer.from('x')]],
    });
    for (const record of records) {
      for (const data of [record.key, record.value]) {
        if (data !== null) assert.match(data.toString('latin1'), /^[^:\n]+$/);
      }
      assert.ok(record.key !== null || record.value !== null);
      assert.deepEqual(record.headers, [['fixed', Buffer.from('x')]]);
    }
    const distinct = generateRecords({ ...options, distinctHeaderKeys: true });
    assert.ok(distinct.every((r) => new Set(r.headers.map(([name]) => name)).size === r.headers.length));
  });
});

describe('roundTripRecords', () => {
  test('is the varied set with every codec, adapted to the client', () => {
    const { seed, count, partitions, baseTimestamp } = options;
    assert.deepEqual(roundTripRecords({ seed, count, partitions, baseTimestamp }), generateRecords(options));
    assert.deepEqual(
      roundTripRecords({ seed, count, partitions, baseTimestamp, keyOrValue: true }),
      generateRecords({ ...options, keyOrValue: true }),
    );
  });
});

describe('producerCalls', () => {
  const records = generateRecords(options);
  const calls = producerCalls(records, 3, 250);

  test('sends every record once, in production order, one codec and at most maxRecords per call', () => {
    assert.deepEqual(
      calls.flatMap((call) => call.records),
      records,
    );
    assert.deepEqual(
      calls.map((call) => [call.codec, call.records.length]),
      ALL_CODECS.flatMap((codec) => [
        [codec, 250],
        [codec, 250],
        [codec, 100],
      ]),
    );
    for (const call of calls) assert.ok(call.records.every((record) => record.codec === call.codec));
  });

  test("expects each partition's base offset to count the records earlier calls sent to it", () => {
    let before = 0;
    for (const call of calls) {
      const earlier = records.slice(0, before);
      assert.deepEqual(
        call.baseOffsets,
        [0, 1, 2].map((partition) => earlier.filter((record) => record.partition === partition).length),
      );
      before += call.records.length;
    }
  });
});

describe('checkRecords', () => {
  const records = generateRecords(options);
  const check = (consumed: ConsumedRecord[], timestamps: TimestampRule = { kind: 'producer-set' }) =>
    checkRecords(records, consumed, { partitions: 3, timestamps });
  /** A faithful copy with the `nth` record of partition 1 changed by `change`. */
  const changed = (nth: number, change: (record: ConsumedRecord) => void) => {
    const consumed = faithfulCopy(records);
    change(consumed.filter((r) => r.partition === 1)[nth]);
    return consumed;
  };

  test('accepts a faithful copy, in any interleaving of partitions, and counts per partition', () => {
    const consumed = faithfulCopy(records);
    const counts = check([
      ...consumed.filter((r) => r.partition === 2),
      ...consumed.filter((r) => r.partition !== 2),
    ]);
    assert.deepEqual(
      counts,
      [0, 1, 2].map((p) => records.filter((r) => r.partition === p).length),
    );
  });

  test('names partition, position and generated record of the first difference', () => {
    const secondOfPartition1 = records.filter((r) => r.partition === 1)[1];
    assert.throws(
      () =>
        check(
          changed(1, (r) => {
            r.value = Buffer.from('other');
          }),
        ),
      new RegExp(
        `^AssertionError.*partition 1, record #1 \\(generated record ${secondOfPartition1.index}, .*: value 5 bytes`,
      ),
    );
  });

  test('sees keys, nulls, headers, offsets, timestamps and codecs that differ', () => {
    const cases: Array<[(r: ConsumedRecord) => void, RegExp]> = [
      [(r) => (r.key = r.key === null ? Buffer.alloc(0) : null), /: key /],
      [(r) => (r.value = r.value === null ? Buffer.alloc(0) : null), /: value /],
      [(r) => r.headers.push(['extra', Buffer.alloc(0)]), /: headers /],
      [(r) => (r.offset += 1), /offset 11, expected 10/],
      [(r) => (r.timestamp += 1), /: timestamp \d+, expected/],
      [(r) => (r.timestampType = 'log-append'), /timestamp type log-append, expected create/],
      [(r) => (r.codec = r.codec === 'zstd' ? 'gzip' : 'zstd'), /stored batch codec/],
    ];
    for (const [change, message] of cases) assert.throws(() => check(changed(10, change)), message);
  });

  test('reports missing, extra and stray records', () => {
    const consumed = faithfulCopy(records);
    const lastOfPartition0 = consumed.findLastIndex((r) => r.partition === 0);
    assert.throws(
      () => check(consumed.toSpliced(lastOfPartition0, 1)),
      /partition 0: consumed \d+ records, expected \d+ \(first missing/,
    );
    assert.throws(
      () =>
        check([
          ...consumed,
          { ...consumed[lastOfPartition0], offset: consumed[lastOfPartition0].offset + 1 },
        ]),
      /partition 0: consumed \d+ records, expected \d+ \(first extra/,
    );
    assert.throws(
      () => check([...consumed, { ...consumed[0], partition: 3 }]),
      /from partition 3, the topic has 3/,
    );
  });

  test('checks broker or client time against the window', () => {
    const consumed = faithfulCopy(records).map((r) => ({ ...r, timestamp: 5000 }));
    assert.throws(() => check(consumed), /timestamp 5000, expected/);
    check(consumed, { kind: 'client-now', from: 5000, to: 5000 });
    assert.throws(
      () => check(consumed, { kind: 'client-now', from: 5001, to: 6000 }),
      /outside the test's window \[5001, 6000\]/,
    );
    assert.throws(
      () => check(consumed, { kind: 'log-append', from: 0, to: 9999 }),
      /timestamp type create, expected log-append/,
    );
    check(
      consumed.map((r) => ({ ...r, timestampType: 'log-append' })),
      { kind: 'log-append', from: 0, to: 9999 },
    );
  });
});

describe('checkDeliveredOffsets', () => {
  const records = generateRecords({ ...options, count: 30 });
  const delivered = faithfulCopy(records).map((r) => [r.partition, r.offset] as const);

  test('accepts contiguous offsets per partition in report order', () => {
    checkDeliveredOffsets(records, delivered, 3);
  });

  test('rejects a gap or a missing report', () => {
    const gap = delivered.map(([p, o]) => [p, p === 2 && o >= 3 ? o + 1 : o] as const);
    assert.throws(
      () => checkDeliveredOffsets(records, gap, 3),
      /partition 2: delivery report #3 has offset 4/,
    );
    assert.throws(
      () => checkDeliveredOffsets(records, delivered.slice(0, -1), 3),
      /delivery reports, expected/,
    );
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { RecordBatchError } from '../../../src/protocol/records/batch-error.ts';
import {
  checkRecords,
  decodeRecord,
  decodeRecords,
  encodeRecord,
  type RecordBody,
} from '../../../src/protocol/records/record.ts';
import { recordBodyArbitrary } from './arbitraries.ts';

const hex = (s: string) => Buffer.from(s.replaceAll(' ', ''), 'hex');

function body(fields: Partial<RecordBody>): RecordBody {
  return {
    attributes: 0,
    timestampDelta: 0n,
    offsetDelta: 0,
    key: null,
    value: null,
    headers: [],
    ...fields,
  };
}

function invalidRecord(message: string | RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof RecordBatchError, String(error));
    assert.equal(error.code, 'INVALID_RECORD');
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  };
}

describe('known encodings (the layout of DefaultRecord)', () => {
  test('key and value, no headers', () => {
    // length 8 (zigzag 0x10) | attributes | tsDelta 0 | offsetDelta 0 | key 'k' | value 'v' | 0 headers
    const expected = hex('10 00 00 00 02 6b 02 76 00');
    const record = body({ key: Buffer.from('k'), value: Buffer.from('v') });
    assert.deepEqual(encodeRecord(record), expected);
    assert.deepEqual(decodeRecord(expected), { value: record, offset: expected.length });
  });

  test('null key, negative timestamp delta, a header with a null value', () => {
    // length 11 | attr | tsDelta -5 | offsetDelta 3 | key null | value 'ab' | 1 header: 'h' → null
    const expected = hex('16 00 09 06 01 04 61 62 02 02 68 01');
    const record = body({
      timestampDelta: -5n,
      offsetDelta: 3,
      value: Buffer.from('ab'),
      headers: [{ key: 'h', value: null }],
    });
    assert.deepEqual(encodeRecord(record), expected);
    assert.deepEqual(decodeRecord(expected).value, record);
  });

  test('empty (not null) key and value, and a UTF-8 header key', () => {
    const record = body({
      key: Buffer.alloc(0),
      value: Buffer.alloc(0),
      headers: [{ key: 'é', value: Buffer.alloc(0) }],
    });
    // length 10 | attr | 0 | 0 | key len 0 | value len 0 | 1 header | key len 2 'é' | value len 0
    assert.deepEqual(encodeRecord(record), hex('14 00 00 00 00 00 02 04 c3 a9 00'));
  });

  test('any negative key or value length reads as null, as in Kafka', () => {
    const decoded = decodeRecord(hex('0c 00 00 00 03 05 00')).value; // lengths -2 and -3
    assert.equal(decoded.key, null);
    assert.equal(decoded.value, null);
  });
});

describe('round trips', () => {
  test('every record decodes to itself', () => {
    fc.assert(
      fc.property(recordBodyArbitrary(), (record) => {
        const encoded = encodeRecord(record);
        assert.deepEqual(decodeRecord(encoded), { value: record, offset: encoded.length });
      }),
      { numRuns: 300 },
    );
  });

  test('decoded keys and values are views of the input, not copies', () => {
    const encoded = encodeRecord(body({ key: Buffer.from('k'), value: Buffer.from('v') }));
    const decoded = decodeRecord(encoded).value;
    assert.equal(decoded.key?.buffer, encoded.buffer);
  });
});

describe('malformed records (Kafka’s InvalidRecordException cases)', () => {
  const good = encodeRecord(
    body({ key: Buffer.from('key'), value: Buffer.from('value'), headers: [{ key: 'h', value: null }] }),
  );

  test('a declared length beyond the data', () => {
    assert.throws(
      () => decodeRecord(good.subarray(0, good.length - 1)),
      invalidRecord(
        /^Invalid record size: expected 17 bytes in record payload, but instead the buffer has only 16/,
      ),
    );
  });

  test('a declared length shorter than the fields', () => {
    const short = Buffer.from(good);
    short[0] -= 2; // one byte less
    assert.throws(() => decodeRecord(short), invalidRecord('Found invalid record structure'));
  });

  test('a declared length longer than the fields', () => {
    const long = Buffer.concat([good, Buffer.from([0])]);
    long[0] += 2;
    assert.throws(
      () => decodeRecord(long),
      invalidRecord('Invalid record size: expected to read 18 bytes in record payload, but instead read 17'),
    );
  });

  test('a negative header count', () => {
    assert.throws(
      () => decodeRecord(hex('0c 00 00 00 01 01 01')),
      invalidRecord('Found invalid number of record headers -1'),
    );
  });

  test('a negative header key length', () => {
    assert.throws(
      () => decodeRecord(hex('0e 00 00 00 01 01 02 01')),
      invalidRecord('Invalid negative header key size -1'),
    );
  });

  test('an empty record, and a record cut anywhere', () => {
    assert.throws(() => decodeRecord(hex('00')), invalidRecord('Found invalid record structure'));
    for (let length = 0; length < good.length; length++) {
      assert.throws(() => decodeRecord(good.subarray(0, length)), RecordBatchError);
    }
  });
});

describe('decodeRecords and checkRecords', () => {
  const records = [0, 1, 2].map((i) =>
    body({ offsetDelta: i, timestampDelta: BigInt(i * 10), value: Buffer.from([i]) }),
  );
  const data = Buffer.concat(records.map(encodeRecord));

  test('give absolute offsets and timestamps', () => {
    const decoded = decodeRecords(data, 3, { baseOffset: 100n, baseTimestamp: 5000n, logAppendTime: null });
    assert.deepEqual(
      decoded.map((r) => [r.offset, r.timestamp]),
      [
        [100n, 5000n],
        [101n, 5010n],
        [102n, 5020n],
      ],
    );
  });

  test('give every record the log-append time of a LogAppendTime batch', () => {
    const decoded = decodeRecords(data, 3, { baseOffset: 0n, baseTimestamp: 5000n, logAppendTime: 9999n });
    assert.deepEqual(
      decoded.map((r) => r.timestamp),
      [9999n, 9999n, 9999n],
    );
  });

  test('refuse fewer records than declared, and bytes left after them', () => {
    const context = { baseOffset: 0n, baseTimestamp: 0n, logAppendTime: null };
    const premature = invalidRecord('Incorrect declared batch size, premature EOF reached');
    const remaining = invalidRecord('Incorrect declared batch size, records still remaining in file');
    assert.throws(() => decodeRecords(data, 4, context), premature);
    assert.throws(() => checkRecords(data, 4), premature);
    assert.throws(() => decodeRecords(data, 2, context), remaining);
    assert.throws(() => checkRecords(data, 2), remaining);
  });

  test('checkRecords accepts and refuses exactly what decodeRecords does', () => {
    const context = { baseOffset: 0n, baseTimestamp: 0n, logAppendTime: null };
    const outcome = (f: () => unknown) => {
      try {
        f();
        return 'ok';
      } catch (error) {
        assert.ok(error instanceof RecordBatchError);
        return error.message;
      }
    };
    fc.assert(
      fc.property(fc.nat(data.length - 1), fc.nat(255), fc.integer({ min: 0, max: 4 }), (at, byte, count) => {
        const mutated = Buffer.from(data);
        mutated[at] = byte;
        assert.equal(
          outcome(() => checkRecords(mutated, count)),
          outcome(() => decodeRecords(mutated, count, context)),
        );
      }),
      { numRuns: 500 },
    );
  });
});

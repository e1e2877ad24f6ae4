import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  readUVarint,
  readVarint,
  readVarlong,
  readVarlongNumber,
  sizeOfUVarint,
  sizeOfVarint,
  sizeOfVarlong,
  takeUVarint,
  takeVarint,
  takeVarlong,
  takeVarlongNumber,
  writeUVarint,
  writeVarint,
  writeVarlong,
} from '../../../src/protocol/primitives/varint.ts';

// kafkajs's encoder is an independent implementation of the same encodings: an oracle for random values.
const require = createRequire(import.meta.url);
const KafkajsEncoder = require('kafkajs/src/protocol/encoder.js');
const KafkajsLong = require('kafkajs/src/utils/long.js');

function encode<T>(
  size: (v: T) => number,
  write: (buf: Buffer, v: T, offset: number) => number,
  v: T,
): Buffer {
  const buf = Buffer.alloc(size(v));
  assert.equal(write(buf, v, 0), buf.length, 'write returns the offset after the value');
  return buf;
}

const hex = (s: string) => Buffer.from(s.replaceAll(' ', ''), 'hex');

describe('unsigned varint', () => {
  const vectors: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '80 01'],
    [300, 'ac 02'],
    [16383, 'ff 7f'],
    [16384, '80 80 01'],
    [2 ** 21 - 1, 'ff ff 7f'],
    [2 ** 21, '80 80 80 01'],
    [2 ** 28 - 1, 'ff ff ff 7f'],
    [2 ** 28, '80 80 80 80 01'],
    [2 ** 31, '80 80 80 80 08'],
    [2 ** 32 - 1, 'ff ff ff ff 0f'],
  ];
  for (const [value, bytes] of vectors) {
    test(`${value} is ${bytes}`, () => {
      assert.deepEqual(encode(sizeOfUVarint, writeUVarint, value), hex(bytes));
      assert.deepEqual(readUVarint(hex(bytes), 0), { value, offset: hex(bytes).length });
    });
  }

  test('round-trips every uint32 and matches kafkajs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (v) => {
        const bytes = encode(sizeOfUVarint, writeUVarint, v);
        assert.deepEqual(bytes, new KafkajsEncoder().writeUVarInt(v).buffer);
        assert.deepEqual(readUVarint(bytes, 0), { value: v, offset: bytes.length });
      }),
      { numRuns: 2000 },
    );
  });

  test('refuses a 5th byte carrying more than 32 bits, and a 6th byte', () => {
    assert.throws(() => readUVarint(hex('ff ff ff ff 10'), 0), RangeError);
    assert.throws(() => readUVarint(hex('80 80 80 80 80 01'), 0), RangeError);
  });
});

describe('zigzag varint (int32)', () => {
  const vectors: [number, string][] = [
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-2, '03'],
    [63, '7e'],
    [-64, '7f'],
    [64, '80 01'],
    [2 ** 31 - 1, 'fe ff ff ff 0f'],
    [-(2 ** 31), 'ff ff ff ff 0f'],
  ];
  for (const [value, bytes] of vectors) {
    test(`${value} is ${bytes}`, () => {
      assert.deepEqual(encode(sizeOfVarint, writeVarint, value), hex(bytes));
      assert.deepEqual(readVarint(hex(bytes), 0), { value, offset: hex(bytes).length });
    });
  }

  test('round-trips every int32 and matches kafkajs', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => {
        const bytes = encode(sizeOfVarint, writeVarint, v);
        assert.deepEqual(bytes, new KafkajsEncoder().writeVarInt(v).buffer);
        assert.deepEqual(readVarint(bytes, 0), { value: v, offset: bytes.length });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('zigzag varlong (int64)', () => {
  const vectors: [bigint, string][] = [
    [0n, '00'],
    [-1n, '01'],
    [1n, '02'],
    [2n ** 31n, '80 80 80 80 10'],
    [2n ** 48n, '80 80 80 80 80 80 80 01'],
    [2n ** 52n, '80 80 80 80 80 80 80 10'],
    [-(2n ** 52n) - 1n, '81 80 80 80 80 80 80 10'],
    [2n ** 63n - 1n, 'fe ff ff ff ff ff ff ff ff 01'],
    [-(2n ** 63n), 'ff ff ff ff ff ff ff ff ff 01'],
  ];
  for (const [value, bytes] of vectors) {
    test(`${value} is ${bytes}`, () => {
      assert.deepEqual(encode(sizeOfVarlong, writeVarlong, value), hex(bytes));
      assert.deepEqual(readVarlong(hex(bytes), 0), { value, offset: hex(bytes).length });
    });
  }

  test('round-trips every int64 and matches kafkajs', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        const bytes = encode(sizeOfVarlong, writeVarlong, v);
        assert.deepEqual(bytes, new KafkajsEncoder().writeVarLong(new KafkajsLong(v)).buffer);
        assert.deepEqual(readVarlong(bytes, 0), { value: v, offset: bytes.length });
      }),
      { numRuns: 2000 },
    );
  });

  test('readVarlongNumber agrees with readVarlong on every safe integer, around the BigInt switch too', () => {
    const check = (v: number) => {
      const bytes = encode(sizeOfVarlong, writeVarlong, BigInt(v));
      assert.deepEqual(readVarlongNumber(bytes, 0), { value: v, offset: bytes.length });
    };
    const edges = [2 ** 48, 2 ** 49 - 1, 2 ** 49, 2 ** 52, 2 ** 52 + 1, Number.MAX_SAFE_INTEGER];
    for (const v of edges.flatMap((e) => [e, -e])) check(v);
    fc.assert(fc.property(fc.maxSafeInteger(), check), { numRuns: 2000 });
  });

  test('readVarlongNumber refuses values beyond the safe integer range, leaving the cursor', () => {
    const bytes = encode(sizeOfVarlong, writeVarlong, 2n ** 53n);
    assert.throws(() => readVarlongNumber(bytes, 0), RangeError);
    const cursor = { pos: 0, end: bytes.length };
    assert.throws(() => takeVarlongNumber(bytes, cursor), /beyond the safe integer range/);
    assert.equal(cursor.pos, 0);
    assert.equal(readVarlong(bytes, 0).value, 2n ** 53n);
  });

  test('refuses a 10th byte carrying more than 64 bits, and an 11th byte', () => {
    assert.throws(() => readVarlong(hex('ff ff ff ff ff ff ff ff ff 02'), 0), RangeError);
    assert.throws(() => readVarlong(hex('80 80 80 80 80 80 80 80 80 81 00'), 0), RangeError);
  });
});

describe('reading at offsets and within bounds', () => {
  test('reads from the given offset and reports the offset after the value', () => {
    const buf = hex('ff ac 02 03 07');
    assert.deepEqual(readUVarint(buf, 1), { value: 300, offset: 3 });
    assert.deepEqual(readVarint(buf, 3), { value: -2, offset: 4 });
    assert.deepEqual(readVarlong(buf, 4), { value: -4n, offset: 5 });
  });

  test('every strict prefix of an encoding is reported as truncated', () => {
    const encodings = [
      encode(sizeOfUVarint, writeUVarint, 2 ** 32 - 1),
      encode(sizeOfVarint, writeVarint, -(2 ** 31)),
      encode(sizeOfVarlong, writeVarlong, -(2n ** 63n)),
    ];
    const readers = [readUVarint, readVarint, readVarlong];
    encodings.forEach((bytes, i) => {
      for (let length = 0; length < bytes.length; length++) {
        assert.throws(() => readers[i](bytes.subarray(0, length), 0), /truncated/);
      }
    });
  });

  test('the cursor forms stop at cursor.end, not at the end of the buffer', () => {
    const buf = hex('ac 02 ac 02');
    const cursor = { pos: 0, end: 1 };
    assert.throws(() => takeUVarint(buf, cursor), /truncated/);
    assert.equal(cursor.pos, 0, 'a failed read does not move the cursor');
    const whole = { pos: 0, end: 4 };
    assert.equal(takeUVarint(buf, whole), 300);
    assert.equal(takeVarint(buf, whole), 150);
    assert.equal(whole.pos, 4);
    assert.throws(() => takeVarlong(buf, whole), /truncated/);
  });
});

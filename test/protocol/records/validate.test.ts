import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { buildBatchSync, updateCrc } from '../../../src/protocol/records/batch.ts';
import { CRC_START, OFFSET } from '../../../src/protocol/records/batch-header.ts';
import { encodeRecord } from '../../../src/protocol/records/record.ts';
import { splitBatches, validateBatch } from '../../../src/protocol/records/validate.ts';

const CODECS = [0, 1, 2, 3, 4];

function batchOf(options: { compression?: number; count?: number; producerId?: bigint } = {}): Buffer {
  const records = Array.from({ length: options.count ?? 3 }, (_, i) => ({
    key: Buffer.from(`key-${i}`),
    value: Buffer.from(`value-${i}`.repeat(i + 1)),
    headers: [{ key: 'h', value: i % 2 ? null : Buffer.from('x') }],
    timestamp: 1000n + BigInt(i),
  }));
  return buildBatchSync({ records, compression: options.compression ?? 0, producerId: options.producerId });
}

/** A copy of `batch` changed by `edit`, with the CRC recomputed so that deeper checks are reached. */
function edited(batch: Buffer, edit: (copy: Buffer) => void): Buffer {
  const copy = Buffer.from(batch);
  edit(copy);
  updateCrc(copy);
  return copy;
}

function expectError(result: ReturnType<typeof validateBatch>, code: string, message: string | RegExp): void {
  assert.equal(result.ok, false, 'expected the batch to be refused');
  if (result.ok) return;
  assert.equal(result.error.code, code, result.error.message);
  if (typeof message === 'string') assert.equal(result.error.message, message);
  else assert.match(result.error.message, message);
}

describe('valid batches', () => {
  for (const compression of CODECS) {
    test(`codec ${compression}: ok with the header and the size`, () => {
      const batch = batchOf({ compression });
      for (const deep of [false, true]) {
        const result = validateBatch(batch, 0, { deep });
        assert.ok(result.ok);
        assert.equal(result.size, batch.length);
        assert.equal(result.header.recordCount, 3);
      }
    });
  }

  test('at an offset, ignoring what follows', () => {
    const batch = batchOf();
    const result = validateBatch(Buffer.concat([Buffer.alloc(5), batch, Buffer.alloc(9, 0xff)]), 5);
    assert.ok(result.ok && result.size === batch.length);
  });
});

describe('corruption of any covered byte is caught by the CRC', () => {
  for (const compression of CODECS) {
    test(`codec ${compression}: every byte from attributes to the end, each bit`, () => {
      const batch = batchOf({ compression, count: 2 });
      for (let at = CRC_START; at < batch.length; at++) {
        for (let bit = 0; bit < 8; bit++) {
          const broken = Buffer.from(batch);
          broken[at] ^= 1 << bit;
          expectError(
            validateBatch(broken),
            'CORRUPT_MESSAGE',
            /^Record is corrupt \(stored crc = \d+, computed crc = \d+\)$/,
          );
        }
      }
    });
  }

  test('any change of a byte after the CRC field, in larger batches too', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CODECS),
        fc.integer({ min: 1, max: 40 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (compression, count, where, xor) => {
          const batch = batchOf({ compression, count });
          const at = CRC_START + (where % (batch.length - CRC_START));
          batch[at] ^= xor;
          expectError(validateBatch(batch), 'CORRUPT_MESSAGE', /^Record is corrupt/);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('the fields before the CRC: offset and leader epoch are not covered, the others are checked', () => {
    const batch = batchOf();
    const set = (at: number, value: number) => {
      const copy = Buffer.from(batch);
      copy[at] = value;
      return validateBatch(copy);
    };
    assert.ok(set(OFFSET.baseOffset + 7, 9).ok, 'baseOffset is assigned by the broker, outside the CRC');
    assert.ok(set(OFFSET.partitionLeaderEpoch + 3, 9).ok, 'so is the partition leader epoch');
    expectError(set(OFFSET.crc + 3, batch[OFFSET.crc + 3] ^ 1), 'CORRUPT_MESSAGE', /^Record is corrupt/);
    expectError(
      set(OFFSET.batchLength + 3, batch[OFFSET.batchLength + 3] + 1),
      'CORRUPT_MESSAGE',
      /declares \d+ bytes/,
    );
    expectError(
      set(OFFSET.batchLength + 3, batch[OFFSET.batchLength + 3] - 1),
      'CORRUPT_MESSAGE',
      /^Record is corrupt/,
    );
  });
});

describe('each check, with Kafka’s code', () => {
  const batch = batchOf();

  test('fewer bytes than a header start', () => {
    for (const length of [0, 11, 16]) {
      expectError(validateBatch(batch.subarray(0, length)), 'CORRUPT_MESSAGE', /^Record batch is truncated/);
    }
    expectError(validateBatch(batch, batch.length), 'CORRUPT_MESSAGE', /^Record batch is truncated: 0 bytes/);
  });

  test('a batch cut short', () => {
    expectError(
      validateBatch(batch.subarray(0, batch.length - 1)),
      'CORRUPT_MESSAGE',
      `Record batch declares ${batch.length} bytes but only ${batch.length - 1} remain`,
    );
  });

  test('a length below the 61-byte header', () => {
    const short = Buffer.from(batch);
    short.writeInt32BE(48, OFFSET.batchLength);
    expectError(
      validateBatch(short),
      'CORRUPT_MESSAGE',
      'Record batch is corrupt (the size 60 is smaller than the minimum allowed overhead 61)',
    );
  });

  test('legacy magic 0 and 1 are INVALID_RECORD, impossible magics CORRUPT_MESSAGE', () => {
    for (const magic of [0, 1]) {
      expectError(
        validateBatch(edited(batch, (b) => b.writeInt8(magic, OFFSET.magic))),
        'INVALID_RECORD',
        `Only record batches with magic 2 are supported, found magic ${magic}`,
      );
    }
    for (const magic of [3, -1]) {
      expectError(
        validateBatch(edited(batch, (b) => b.writeInt8(magic, OFFSET.magic))),
        'CORRUPT_MESSAGE',
        `Invalid magic found in record: ${magic}`,
      );
    }
  });

  test('compression codecs 5 to 7', () => {
    for (const codec of [5, 6, 7]) {
      expectError(
        validateBatch(edited(batch, (b) => b.writeInt16BE(codec, OFFSET.attributes))),
        'UNSUPPORTED_COMPRESSION_TYPE',
        `Unknown compression type id: ${codec}`,
      );
    }
  });

  test('a negative record count', () => {
    expectError(
      validateBatch(edited(batch, (b) => b.writeInt32BE(-1, OFFSET.recordCount))),
      'INVALID_RECORD',
      'Found invalid record count -1 in magic v2 batch',
    );
  });

  test('from a client: no empty batch, count matching the offset range, no control batch, sequence with producer id', () => {
    expectError(
      validateBatch(buildBatchSync({ records: [] })),
      'INVALID_RECORD',
      'Invalid reported count for record batch: 0',
    );
    expectError(
      validateBatch(edited(batch, (b) => b.writeInt32BE(3, OFFSET.lastOffsetDelta))),
      'INVALID_RECORD',
      'Inconsistent batch offset range [0, 3] and count of records 3',
    );
    expectError(
      validateBatch(edited(batch, (b) => b.writeInt32BE(-1, OFFSET.lastOffsetDelta))),
      'INVALID_RECORD',
      'Batch has an invalid offset range: [0, -1]',
    );
    expectError(
      validateBatch(edited(batch, (b) => b.writeInt16BE(0x20, OFFSET.attributes))),
      'INVALID_RECORD',
      'Clients are not allowed to write control records',
    );
    expectError(
      validateBatch(batchOf({ producerId: 42n })),
      'INVALID_RECORD',
      'Invalid sequence number -1 in record batch with producerId 42',
    );
  });

  test('from the log: empty and control batches and compacted offset ranges are fine, overfull ones not', () => {
    const log = { origin: 'log' } as const;
    assert.ok(validateBatch(buildBatchSync({ records: [] }), 0, log).ok);
    assert.ok(
      validateBatch(
        edited(batch, (b) => b.writeInt32BE(9, OFFSET.lastOffsetDelta)),
        0,
        log,
      ).ok,
    );
    assert.ok(
      validateBatch(
        edited(batch, (b) => b.writeInt16BE(0x30, OFFSET.attributes)),
        0,
        log,
      ).ok,
    );
    expectError(
      validateBatch(
        edited(batch, (b) => b.writeInt32BE(1, OFFSET.lastOffsetDelta)),
        0,
        log,
      ),
      'INVALID_RECORD',
      'Record count 3 exceeds the batch offset range [0, 1]',
    );
  });

  test('uncompressed records must fill the batch exactly', () => {
    const withCount = (count: number) =>
      edited(batch, (b) => {
        b.writeInt32BE(count, OFFSET.recordCount);
        b.writeInt32BE(count - 1, OFFSET.lastOffsetDelta);
      });
    expectError(
      validateBatch(withCount(4)),
      'INVALID_RECORD',
      'Incorrect declared batch size, premature EOF reached',
    );
    expectError(
      validateBatch(withCount(2)),
      'INVALID_RECORD',
      'Incorrect declared batch size, records still remaining in file',
    );
  });

  test('a malformed record inside an uncompressed batch', () => {
    const bad = buildBatchSync({ records: [{ value: Buffer.from('v'), timestamp: 0n }] });
    const record = encodeRecord({
      attributes: 0,
      timestampDelta: 0n,
      offsetDelta: 0,
      key: null,
      value: Buffer.from('v'),
      headers: [],
    });
    assert.deepEqual(bad.subarray(61), record);
    const broken = edited(bad, (b) => b.writeInt8(3, b.length - 1)); // header count -2
    expectError(validateBatch(broken), 'INVALID_RECORD', 'Found invalid number of record headers -2');
  });
});

describe('deep validation of compressed batches', () => {
  for (const compression of [1, 2, 3, 4]) {
    test(`codec ${compression}: the records are checked only when deep`, () => {
      const lying = edited(batchOf({ compression }), (b) => {
        b.writeInt32BE(4, OFFSET.recordCount);
        b.writeInt32BE(3, OFFSET.lastOffsetDelta);
      });
      assert.ok(validateBatch(lying).ok);
      expectError(
        validateBatch(lying, 0, { deep: true }),
        'INVALID_RECORD',
        'Incorrect declared batch size, premature EOF reached',
      );
    });

    test(`codec ${compression}: undecodable data is CORRUPT_MESSAGE, too much of it MESSAGE_TOO_LARGE`, () => {
      const batch = batchOf({ compression, count: 30 });
      const garbage = edited(batch, (b) => b.fill(0x3c, 61));
      expectError(validateBatch(garbage, 0, { deep: true }), 'CORRUPT_MESSAGE', /^failed to decompress/);
      expectError(
        validateBatch(batch, 0, { deep: true, maxOutputLength: 100 }),
        'MESSAGE_TOO_LARGE',
        /data decompresses to .*\b100\b/,
      );
    });
  }
});

describe('never throws on arbitrary input', () => {
  test('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(210), (bytes, at) => {
        const result = validateBatch(Buffer.from(bytes), at, { deep: true });
        assert.equal(typeof result.ok, 'boolean');
      }),
      { numRuns: 500 },
    );
  });

  test('valid batches with random bytes changed and the CRC fixed up', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CODECS),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('client', 'log'),
        (compression, changes, origin) => {
          const batch = batchOf({ compression, count: 5 });
          const broken = edited(batch, (b) => {
            for (const [where, value] of changes) b[CRC_START + (where % (b.length - CRC_START))] = value;
          });
          const result = validateBatch(broken, 0, { deep: true, origin, maxOutputLength: 1 << 20 });
          assert.equal(typeof result.ok, 'boolean');
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('splitBatches', () => {
  const batches = CODECS.map((compression) => batchOf({ compression }));
  const payload = Buffer.concat(batches);

  test('cuts concatenated batches into views of each', () => {
    const result = splitBatches(payload);
    assert.ok(result.ok);
    assert.deepEqual(result.batches, batches);
    assert.equal(result.trailingBytes, 0);
    assert.equal(result.batches[1].buffer, payload.buffer, 'views, not copies');
    for (const batch of result.batches) assert.ok(validateBatch(batch).ok);
  });

  test('an empty payload has no batches', () => {
    assert.deepEqual(splitBatches(Buffer.alloc(0)), { ok: true, batches: [], trailingBytes: 0 });
  });

  test('trailing bytes are refused, or reported when a partial tail is allowed', () => {
    for (const tail of [Buffer.alloc(5, 1), batches[0].subarray(0, 40)]) {
      const result = splitBatches(Buffer.concat([payload, tail]));
      assert.ok(!result.ok);
      assert.equal(result.error.code, 'CORRUPT_MESSAGE');
      assert.equal(
        result.error.message,
        `Trailing ${tail.length} bytes at offset ${payload.length} do not hold a complete record batch`,
      );
      const lenient = splitBatches(Buffer.concat([payload, tail]), { allowPartialTail: true });
      assert.ok(lenient.ok);
      assert.equal(lenient.batches.length, batches.length);
      assert.equal(lenient.trailingBytes, tail.length);
    }
  });

  test('a length field below any message format is corrupt, partial tail or not', () => {
    const bad = Buffer.from(batches[0]);
    bad.writeInt32BE(13, OFFSET.batchLength);
    for (const allowPartialTail of [false, true]) {
      const result = splitBatches(Buffer.concat([batches[1], bad]), { allowPartialTail });
      assert.ok(!result.ok);
      assert.deepEqual(result.error, {
        code: 'CORRUPT_MESSAGE',
        message: 'Record size 13 is less than the minimum record overhead (14)',
      });
    }
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import snappy from 'snappy';
import { RecordBatchError } from '../../../src/protocol/records/batch-error.ts';
import {
  compress,
  compressionName,
  compressSync,
  decompress,
  decompressSync,
  UnsupportedCompressionError,
} from '../../../src/protocol/records/compression.ts';
import { unframeXerial, XERIAL_BLOCK_SIZE } from '../../../src/protocol/records/xerial-snappy.ts';

const CODECS = [0, 1, 2, 3, 4] as const;

/** Bytes that compress well but not trivially: numbered words. */
function compressible(size: number): Buffer {
  const words: string[] = [];
  for (let length = 0, i = 0; length < size; i++) {
    words.push(`record-${i % 1000}|`);
    length += words[words.length - 1].length;
  }
  return Buffer.from(words.join('')).subarray(0, size);
}

const INPUTS: [string, Buffer][] = [
  ['empty', Buffer.alloc(0)],
  ['one byte', Buffer.from([7])],
  ['one snappy block exactly', compressible(XERIAL_BLOCK_SIZE)],
  ['one byte over a snappy block', compressible(XERIAL_BLOCK_SIZE + 1)],
  ['200 KB incompressible', randomBytes(200_000)],
  ['1 MB compressible', compressible(1 << 20)],
];

describe('round trips', () => {
  for (const codec of CODECS) {
    for (const [label, data] of INPUTS) {
      test(`${compressionName(codec)}: ${label}, sync and async in every combination`, async () => {
        const fromSync = compressSync(codec, data);
        const fromAsync = await compress(codec, data);
        for (const compressed of [fromSync, fromAsync]) {
          assert.deepEqual(decompressSync(codec, compressed), data);
          assert.deepEqual(await decompress(codec, compressed), data);
        }
      });
    }
  }

  test('random inputs survive every codec', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CODECS),
        fc.uint8Array({ maxLength: 70_000 }),
        async (codec, bytes) => {
          const data = Buffer.from(bytes);
          assert.deepEqual(await decompress(codec, await compress(codec, data)), data);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('codec 0 passes the bytes through untouched', async () => {
    const data = Buffer.from('as is');
    assert.equal(compressSync(0, data), data);
    assert.equal(await decompress(0, data), data);
  });

  test('gzip and zstd honour the compression level', () => {
    const data = compressible(200_000);
    for (const codec of [1, 4]) {
      const fast = compressSync(codec, data, { level: 1 });
      const small = compressSync(codec, data, { level: 9 });
      assert.notDeepEqual(fast, small);
      assert.deepEqual(decompressSync(codec, fast), data);
      assert.deepEqual(decompressSync(codec, small), data);
    }
  });
});

describe('wire formats as Kafka expects them', () => {
  const data = compressible(3 * XERIAL_BLOCK_SIZE + 5);

  test('gzip is an RFC 1952 member', () => {
    assert.deepEqual(compressSync(1, data).subarray(0, 3), Buffer.from([0x1f, 0x8b, 0x08]));
  });

  test('snappy is xerial-framed like the Java client: header, then one chunk per 32 KiB of input', () => {
    const framed = compressSync(2, data);
    const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert.deepEqual(framed.subarray(0, 16), header);
    const chunks = unframeXerial(framed);
    assert.equal(chunks.length, 4);
    const sizes = chunks.map((chunk) => (snappy.uncompressSync(chunk) as Buffer).length);
    assert.deepEqual(sizes, [XERIAL_BLOCK_SIZE, XERIAL_BLOCK_SIZE, XERIAL_BLOCK_SIZE, 5]);
  });

  test('lz4 is an LZ4 frame with independent blocks, which Kafka’s Java reader requires', () => {
    const frame = compressSync(3, data);
    assert.equal(frame.readUInt32LE(0), 0x184d2204, 'frame magic');
    const flg = frame[4];
    assert.equal(flg >> 6, 0b01, 'frame format version 01');
    assert.equal(flg & 0x20, 0x20, 'block independence flag');
    assert.equal(flg & 0x03, 0, 'reserved FLG bits');
    const bd = frame[5];
    assert.ok(((bd >> 4) & 0x07) >= 4, 'block maximum size id between 4 (64 KiB) and 7 (4 MiB)');
    assert.equal(bd & 0x8f, 0, 'reserved BD bits');
    assert.equal(frame.readUInt32LE(frame.length - 4), 0, 'ends with the end mark (no content checksum)');
  });

  test('zstd is a zstd frame', () => {
    assert.equal(compressSync(4, data).readUInt32LE(0), 0xfd2fb528);
  });
});

describe('snappy input in every shape the ecosystem writes', () => {
  const data = compressible(100_000);

  test('raw snappy, as librdkafka and kafkajs plugins write it', async () => {
    const raw = snappy.compressSync(data);
    assert.deepEqual(decompressSync(2, raw), data);
    assert.deepEqual(await decompress(2, raw), data);
  });

  test('two xerial streams back to back (snappy-java reads concatenated streams)', () => {
    const first = compressSync(2, data.subarray(0, 40_000));
    const second = compressSync(2, data.subarray(40_000));
    assert.deepEqual(decompressSync(2, Buffer.concat([first, second])), data);
  });

  test('a xerial header alone, and no bytes at all, are empty', () => {
    assert.equal(decompressSync(2, compressSync(2, Buffer.alloc(0))).length, 0);
    assert.equal(decompressSync(2, Buffer.alloc(0)).length, 0);
  });

  test('a chunk length running past the data is corrupt', () => {
    const framed = compressSync(2, data);
    assert.throws(
      () => decompressSync(2, framed.subarray(0, framed.length - 1)),
      (error: unknown) => error instanceof RecordBatchError && error.code === 'CORRUPT_MESSAGE',
    );
  });
});

describe('errors', () => {
  for (const codec of [5, 6, 7, -1, 1.5]) {
    test(`codec ${codec} is refused with a typed error naming it`, async () => {
      const isUnsupported = (error: unknown) =>
        error instanceof UnsupportedCompressionError &&
        error.codec === codec &&
        error.code === 'UNSUPPORTED_COMPRESSION_TYPE' &&
        error.errorCode === 76 &&
        error.message.includes(String(codec));
      assert.throws(() => compressSync(codec, Buffer.from('x')), isUnsupported);
      assert.throws(() => decompressSync(codec, Buffer.from('x')), isUnsupported);
      await assert.rejects(compress(codec, Buffer.from('x')), isUnsupported);
      await assert.rejects(decompress(codec, Buffer.from('x')), isUnsupported);
    });
  }

  test('garbage never escapes as anything but a RecordBatchError', async () => {
    const limit = { maxOutputLength: 1 << 20 };
    const isBatchError = (error: unknown) =>
      error instanceof RecordBatchError && ['CORRUPT_MESSAGE', 'MESSAGE_TOO_LARGE'].includes(error.code);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(1, 2, 3, 4),
        fc.uint8Array({ maxLength: 300 }),
        async (codec, bytes) => {
          const data = Buffer.from(bytes);
          try {
            decompressSync(codec, data, limit);
          } catch (error) {
            assert.ok(isBatchError(error), String(error));
          }
          try {
            await decompress(codec, data, limit);
          } catch (error) {
            assert.ok(isBatchError(error), String(error));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a truncated stream of each codec is CORRUPT_MESSAGE', async () => {
    // Truncation, not bit flips: snappy and lz4 frames as Kafka writes them carry no checksum, so a
    // flipped byte can decode to other bytes; the batch CRC is what catches that.
    const data = compressible(50_000);
    for (const codec of [1, 2, 3, 4]) {
      const compressed = compressSync(codec, data);
      const truncated = compressed.subarray(0, compressed.length >> 1);
      await assert.rejects(decompress(codec, truncated), (error: unknown) => {
        return error instanceof RecordBatchError && error.code === 'CORRUPT_MESSAGE';
      });
    }
  });
});

describe('maxOutputLength', () => {
  const data = compressible(300_000);
  for (const codec of [1, 2, 3, 4]) {
    test(`${compressionName(codec)}: output up to the limit passes, one byte more is MESSAGE_TOO_LARGE`, async () => {
      const compressed = compressSync(codec, data);
      assert.deepEqual(decompressSync(codec, compressed, { maxOutputLength: data.length }), data);
      assert.deepEqual(await decompress(codec, compressed, { maxOutputLength: data.length }), data);
      const tooLarge = (error: unknown) =>
        error instanceof RecordBatchError && error.code === 'MESSAGE_TOO_LARGE';
      assert.throws(() => decompressSync(codec, compressed, { maxOutputLength: data.length - 1 }), tooLarge);
      await assert.rejects(decompress(codec, compressed, { maxOutputLength: data.length - 1 }), tooLarge);
    });
  }

  test('a snappy or lz4 bomb is refused from its size headers, before decompressing', () => {
    // 64 MiB of zeros, compressed at least 20:1. The messages tell the header checks apart from the output check:
    // snappy announces its exact size, an LZ4 frame only an upper bound ("up to").
    const zeros = Buffer.alloc(64 << 20);
    const expected: [number, RegExp][] = [
      [2, /snappy data decompresses to 67108864 bytes, over the limit of 1048576/],
      [3, /lz4 data decompresses to up to \d+ bytes, over the limit of 1048576/],
    ];
    for (const [codec, message] of expected) {
      const bomb = compressSync(codec, zeros);
      assert.ok(bomb.length < zeros.length / 20);
      assert.throws(() => decompressSync(codec, bomb, { maxOutputLength: 1 << 20 }), message);
    }
  });
});

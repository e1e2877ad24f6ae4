import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compressFrameSync } from 'lz4-napi';
import { LZ4_FRAME_MAGIC, lz4DecompressedBound } from '../../../src/protocol/records/lz4-frame.ts';

// Frames assembled by hand from the LZ4 Frame Format Description. The header checksum byte is left 0:
// the bound does not verify it (the decoder does).
const FLG_V1_INDEPENDENT = 0x60;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const BD_64KB = 0x40;
const STORED = 0x80000000;

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
}

function frame(flg: number, blocks: Buffer[], contentSize?: bigint): Buffer {
  const header = [u32(LZ4_FRAME_MAGIC), Buffer.from([flg, BD_64KB])];
  if (contentSize !== undefined) {
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(contentSize);
    header.push(size);
  }
  header.push(Buffer.from([0])); // header checksum
  const checksum = flg & FLG_BLOCK_CHECKSUM ? [u32(0)] : [];
  const body = blocks.flatMap((block) => [block, ...checksum]);
  const trailer = flg & FLG_CONTENT_CHECKSUM ? [u32(0), u32(0)] : [u32(0)];
  return Buffer.concat([...header, ...body, ...trailer]);
}

const stored = (data: Buffer) => Buffer.concat([u32(STORED | data.length), data]);
const compressedBlock = (length: number) => Buffer.concat([u32(length), Buffer.alloc(length)]);

test('stored blocks count their exact size', () => {
  const data = frame(FLG_V1_INDEPENDENT, [stored(Buffer.alloc(100)), stored(Buffer.alloc(23))]);
  assert.equal(lz4DecompressedBound(data), 123);
});

test('a compressed block counts as a full block of the frame’s maximum size', () => {
  const data = frame(FLG_V1_INDEPENDENT, [compressedBlock(10), stored(Buffer.alloc(5))]);
  assert.equal(lz4DecompressedBound(data), 65536 + 5);
});

test('a declared content size is the bound', () => {
  const data = frame(FLG_V1_INDEPENDENT | FLG_CONTENT_SIZE, [compressedBlock(10)], 777n);
  assert.equal(lz4DecompressedBound(data), 777);
});

test('block and content checksums are stepped over', () => {
  const flg = FLG_V1_INDEPENDENT | FLG_BLOCK_CHECKSUM | FLG_CONTENT_CHECKSUM;
  assert.equal(lz4DecompressedBound(frame(flg, [stored(Buffer.alloc(9)), stored(Buffer.alloc(1))])), 10);
});

test('concatenated frames add up', () => {
  const one = frame(FLG_V1_INDEPENDENT, [stored(Buffer.alloc(3))]);
  assert.equal(lz4DecompressedBound(Buffer.concat([one, one])), 6);
});

test('frames written by lz4-napi are bounded from above', () => {
  for (const size of [0, 1, 70_000, 300_000]) {
    const data = Buffer.alloc(size, 'abc');
    assert.ok(lz4DecompressedBound(compressFrameSync(data)) >= size);
  }
});

test('malformed frames are RangeErrors', () => {
  const good = frame(FLG_V1_INDEPENDENT, [stored(Buffer.alloc(100))]);
  for (let length = 0; length < good.length; length += 7) {
    assert.throws(() => lz4DecompressedBound(good.subarray(0, length)), RangeError);
  }
  const badMagic = Buffer.from(good);
  badMagic[0] ^= 1;
  assert.throws(() => lz4DecompressedBound(badMagic), /bad magic/);
  const badVersion = Buffer.from(good);
  badVersion[4] = 0x20;
  assert.throws(() => lz4DecompressedBound(badVersion), /version/);
  const oversized = frame(FLG_V1_INDEPENDENT, [stored(Buffer.alloc(65537))]);
  assert.throws(() => lz4DecompressedBound(oversized), /exceeds/);
});

// Reads the block structure of LZ4 frames (the format of magic-2 lz4 batches, see the LZ4 Frame Format
// Description) without decompressing anything, to bound the decompressed size before a decoder
// allocates it. Decompression itself is lz4-napi's.
//
//   frame  = magic 0x184D2204 (LE) | FLG | BD | [content size u64 LE] | [dict id u32 LE] | HC
//            | block* | end mark u32 0 | [content checksum u32]
//   block  = size u32 LE (high bit set: stored uncompressed) | data | [block checksum u32]

export const LZ4_FRAME_MAGIC = 0x184d2204;

const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION_01 = 0x40;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_DICT_ID = 0x01;
const BLOCK_UNCOMPRESSED = 0x80000000;

function need(data: Buffer, pos: number, n: number, what: string): void {
  if (pos + n > data.length) throw new RangeError(`lz4 frame: truncated ${what} at offset ${pos}`);
}

/**
 * An upper bound of the decompressed size of `data` (one or more concatenated LZ4 frames): the declared
 * content size when a frame has one, else the sum of stored block sizes and of the maximum block size
 * for compressed blocks. Throws RangeError on anything that is not a well-formed frame sequence.
 */
export function lz4DecompressedBound(data: Buffer): number {
  let bound = 0;
  let pos = 0;
  do {
    need(data, pos, 7, 'frame header');
    if (data.readUInt32LE(pos) !== LZ4_FRAME_MAGIC)
      throw new RangeError(`lz4 frame: bad magic at offset ${pos}`);
    const flg = data[pos + 4];
    const bd = data[pos + 5];
    if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01) throw new RangeError('lz4 frame: unsupported version');
    const blockSizeId = (bd >> 4) & 0x07;
    if (blockSizeId < 4) throw new RangeError(`lz4 frame: invalid block size id ${blockSizeId}`);
    const maxBlock = 1 << (2 * blockSizeId + 8);
    pos += 6;
    let contentSize: number | undefined;
    if (flg & FLG_CONTENT_SIZE) {
      need(data, pos, 8, 'content size');
      contentSize = Number(data.readBigUInt64LE(pos));
      pos += 8;
    }
    if (flg & FLG_DICT_ID) pos += 4;
    pos += 1; // header checksum, verified by the decoder
    let blocksBound = 0;
    for (;;) {
      need(data, pos, 4, 'block size');
      const word = data.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break;
      const size = word & ~BLOCK_UNCOMPRESSED;
      const stored = (word & BLOCK_UNCOMPRESSED) !== 0;
      if (size > maxBlock) throw new RangeError(`lz4 frame: block of ${size} bytes exceeds ${maxBlock}`);
      need(data, pos, size, 'block');
      pos += size + (flg & FLG_BLOCK_CHECKSUM ? 4 : 0);
      blocksBound += stored ? size : maxBlock;
    }
    if (flg & FLG_CONTENT_CHECKSUM) pos += 4;
    need(data, 0, pos, 'frame end');
    bound += contentSize ?? blocksBound;
  } while (pos < data.length);
  return bound;
}

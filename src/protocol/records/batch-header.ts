// The fixed 61-byte header of a record batch (magic v2), read and patched in place.
// The log and the Produce/Fetch paths work on batch bytes without decoding records,
// so every field they need is reachable here by offset.

export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the part of the header not counted by batchLength. */
export const BATCH_LOG_OVERHEAD = 12;
export const CURRENT_MAGIC = 2;

export const OFFSET = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
  records: 61,
} as const;

/** The CRC covers everything from the attributes field to the end of the batch. */
export const CRC_START = OFFSET.attributes;

export const ATTR_COMPRESSION_MASK = 0x07;
export const ATTR_TIMESTAMP_TYPE = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;
export const ATTR_DELETE_HORIZON = 0x40;

export const COMPRESSION = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof COMPRESSION;
export type CompressionCode = (typeof COMPRESSION)[CompressionName];

export const TIMESTAMP_TYPE = { createTime: 0, logAppendTime: 1 } as const;

export interface BatchHeader {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Reads the header of the batch starting at `at`. The caller checks that 61 bytes are there. */
export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: buf.readBigInt64BE(at + OFFSET.baseOffset),
    batchLength: buf.readInt32BE(at + OFFSET.batchLength),
    partitionLeaderEpoch: buf.readInt32BE(at + OFFSET.partitionLeaderEpoch),
    magic: buf.readInt8(at + OFFSET.magic),
    crc: buf.readUInt32BE(at + OFFSET.crc),
    attributes: buf.readInt16BE(at + OFFSET.attributes),
    lastOffsetDelta: buf.readInt32BE(at + OFFSET.lastOffsetDelta),
    baseTimestamp: buf.readBigInt64BE(at + OFFSET.baseTimestamp),
    maxTimestamp: buf.readBigInt64BE(at + OFFSET.maxTimestamp),
    producerId: buf.readBigInt64BE(at + OFFSET.producerId),
    producerEpoch: buf.readInt16BE(at + OFFSET.producerEpoch),
    baseSequence: buf.readInt32BE(at + OFFSET.baseSequence),
    recordCount: buf.readInt32BE(at + OFFSET.recordCount),
  };
}

/** Total size in bytes of the batch starting at `at`, read from its length field. */
export function batchSize(buf: Buffer, at = 0): number {
  return buf.readInt32BE(at + OFFSET.batchLength) + BATCH_LOG_OVERHEAD;
}

export function compressionOf(attributes: number): number {
  return attributes & ATTR_COMPRESSION_MASK;
}

/** Rewrites the base offset; the CRC does not cover it, so the batch stays valid. */
export function setBaseOffset(buf: Buffer, baseOffset: bigint, at = 0): void {
  buf.writeBigInt64BE(baseOffset, at + OFFSET.baseOffset);
}

export function setPartitionLeaderEpoch(buf: Buffer, epoch: number, at = 0): void {
  buf.writeInt32BE(epoch, at + OFFSET.partitionLeaderEpoch);
}

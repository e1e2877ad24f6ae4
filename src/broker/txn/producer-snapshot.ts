// The producer-state snapshot of a partition as of an offset (Kafka's `<offset>.snapshot` files, written at
// segment roll and clean shutdown): every producer's epoch, coordinator epoch, last timestamp, ongoing
// transaction and recent batches. On open the latest snapshot is loaded and only the batches after its
// offset are replayed. Pure encoding; a CRC-32C over the body catches a damaged file.
//   version int16 (1) | crc uint32 (of what follows) | count int32 | per producer:
//   producerId int64 | epoch int16 | coordinatorEpoch int32 | currentTxnFirstOffset int64 (-1: none) |
//   lastTimestamp int64 | batches int8 | per batch: firstSeq int32 | lastSeq int32 | baseOffset int64
import { crc32c } from '../../protocol/records/crc32c.ts';
import type { ProducerEntry } from './producer-state.ts';

const VERSION = 1;
const HEADER_SIZE = 2 + 4 + 4;
const PRODUCER_SIZE = 8 + 2 + 4 + 8 + 8 + 1;
const BATCH_SIZE = 4 + 4 + 8;

export function encodeProducerSnapshot(entries: readonly [bigint, ProducerEntry][]): Buffer {
  let size = HEADER_SIZE;
  for (const [, entry] of entries) size += PRODUCER_SIZE + entry.recent.length * BATCH_SIZE;
  const buf = Buffer.alloc(size);
  buf.writeInt16BE(VERSION, 0);
  buf.writeInt32BE(entries.length, 6);
  let at = HEADER_SIZE;
  for (const [producerId, entry] of entries) {
    buf.writeBigInt64BE(producerId, at);
    buf.writeInt16BE(entry.epoch, at + 8);
    buf.writeInt32BE(entry.coordinatorEpoch, at + 10);
    buf.writeBigInt64BE(entry.currentTxnFirstOffset ?? -1n, at + 14);
    buf.writeBigInt64BE(entry.lastTimestamp, at + 22);
    buf.writeInt8(entry.recent.length, at + 30);
    at += PRODUCER_SIZE;
    for (const batch of entry.recent) {
      buf.writeInt32BE(batch.firstSeq, at);
      buf.writeInt32BE(batch.lastSeq, at + 4);
      buf.writeBigInt64BE(batch.baseOffset, at + 8);
      at += BATCH_SIZE;
    }
  }
  buf.writeUInt32BE(crc32c(buf.subarray(6)), 2);
  return buf;
}

/** The producers of a snapshot file, or why it cannot be used. */
export function decodeProducerSnapshot(buf: Buffer): [bigint, ProducerEntry][] | string {
  if (buf.length < HEADER_SIZE) return `snapshot of ${buf.length} bytes is too short`;
  const version = buf.readInt16BE(0);
  if (version !== VERSION) return `unknown snapshot version ${version}`;
  if (crc32c(buf.subarray(6)) !== buf.readUInt32BE(2)) return 'snapshot CRC does not match';
  const count = buf.readInt32BE(6);
  const entries: [bigint, ProducerEntry][] = [];
  let at = HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    if (at + PRODUCER_SIZE > buf.length) return 'snapshot ends inside a producer';
    const producerId = buf.readBigInt64BE(at);
    const txnFirst = buf.readBigInt64BE(at + 14);
    const batches = buf.readInt8(at + 30);
    const entry: ProducerEntry = {
      epoch: buf.readInt16BE(at + 8),
      coordinatorEpoch: buf.readInt32BE(at + 10),
      currentTxnFirstOffset: txnFirst >= 0n ? txnFirst : null,
      lastTimestamp: buf.readBigInt64BE(at + 22),
      recent: [],
    };
    at += PRODUCER_SIZE;
    if (batches < 0 || at + batches * BATCH_SIZE > buf.length) return 'snapshot ends inside a batch list';
    for (let b = 0; b < batches; b++) {
      entry.recent.push({
        firstSeq: buf.readInt32BE(at),
        lastSeq: buf.readInt32BE(at + 4),
        baseOffset: buf.readBigInt64BE(at + 8),
      });
      at += BATCH_SIZE;
    }
    entries.push([producerId, entry]);
  }
  return at === buf.length ? entries : 'snapshot has trailing bytes';
}

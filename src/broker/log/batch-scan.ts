// Pure work on the bytes of stored record batches through their fixed 61-byte header: offset
// assignment and LogAppendTime stamping on append, the integrity check of recovery (which hands the
// batch to the record-batch validator), and cutting a run of whole batches for a read.
import { setLogAppendTime } from '../../protocol/records/batch.ts';
import {
  BATCH_HEADER_SIZE,
  batchSize,
  CURRENT_MAGIC,
  OFFSET,
  setBaseOffset,
} from '../../protocol/records/batch-header.ts';
import { validateBatch } from '../../protocol/records/validate.ts';

/** Kafka's RecordBatch.NO_TIMESTAMP. */
export const NO_TIMESTAMP = -1n;

export function lastOffsetOf(buf: Buffer, at: number): bigint {
  return buf.readBigInt64BE(at + OFFSET.baseOffset) + BigInt(buf.readInt32BE(at + OFFSET.lastOffsetDelta));
}

export function maxTimestampOf(buf: Buffer, at: number): bigint {
  return buf.readBigInt64BE(at + OFFSET.maxTimestamp);
}

/** What one append adds to the log, as needed for rolling and indexing. */
export interface PreparedAppend {
  firstOffset: bigint;
  lastOffset: bigint;
  /** Largest batch maxTimestamp, NO_TIMESTAMP when no batch has one. */
  maxTimestamp: bigint;
  /** Last offset of the batch carrying maxTimestamp (Kafka's "shallow" offset of the max timestamp). */
  offsetOfMaxTimestamp: bigint;
}

/**
 * Rewrites, in place, the base offset of every batch in `buf` so that offsets continue from
 * `firstOffset`, and when `logAppendTimeMs` is given stamps it the way Kafka's setMaxTimestamp does:
 * timestamp-type bit set, maxTimestamp replaced, CRC recomputed (baseTimestamp is left as sent; readers
 * take every record's timestamp from maxTimestamp).
 * The input was validated by the Produce path; a structural problem here is a bug and throws.
 */
export function prepareAppend(buf: Buffer, firstOffset: bigint, logAppendTimeMs?: bigint): PreparedAppend {
  if (buf.length === 0) throw new Error('append of an empty record set');
  let next = firstOffset;
  let maxTimestamp = NO_TIMESTAMP;
  let offsetOfMaxTimestamp = firstOffset;
  for (let at = 0; at < buf.length; ) {
    if (buf.length - at < BATCH_HEADER_SIZE) throw new Error(`truncated batch header at byte ${at}`);
    const size = batchSize(buf, at);
    if (size < BATCH_HEADER_SIZE || at + size > buf.length)
      throw new Error(`batch size ${size} out of range at byte ${at}`);
    if (buf.readInt8(at + OFFSET.magic) !== CURRENT_MAGIC)
      throw new Error(`batch magic is not 2 at byte ${at}`);
    const lastOffsetDelta = buf.readInt32BE(at + OFFSET.lastOffsetDelta);
    if (lastOffsetDelta < 0) throw new Error(`negative lastOffsetDelta at byte ${at}`);
    setBaseOffset(buf, next, at);
    if (logAppendTimeMs !== undefined) setLogAppendTime(buf, logAppendTimeMs, at);
    const lastOffset = next + BigInt(lastOffsetDelta);
    const batchMax = maxTimestampOf(buf, at);
    if (batchMax > maxTimestamp) {
      maxTimestamp = batchMax;
      offsetOfMaxTimestamp = lastOffset;
    }
    next = lastOffset + 1n;
    at += size;
  }
  return { firstOffset, lastOffset: next - 1n, maxTimestamp, offsetOfMaxTimestamp };
}

/**
 * Recovery's integrity check of a stored batch whose bytes are all in `buf`: the record-batch validator
 * for what the broker itself writes (framing, magic 2, CRC-32C, record counts, uncompressed records),
 * plus offsets that move forward from `minBaseOffset`. Returns why the batch is invalid, or null.
 */
export function checkStoredBatch(buf: Buffer, at: number, minBaseOffset: bigint): string | null {
  const validation = validateBatch(buf, at, { origin: 'log' });
  if (!validation.ok) return validation.error.message;
  const { baseOffset, lastOffsetDelta } = validation.header;
  if (baseOffset < minBaseOffset) return `base offset ${baseOffset} is below ${minBaseOffset}`;
  if (lastOffsetDelta < 0) return 'negative lastOffsetDelta';
  return null;
}

/**
 * End (exclusive index into `buf`) of the run of whole batches starting at `from` that fits in
 * `limitBytes` and stops before the first batch whose last offset reaches `maxOffset`.
 */
export function wholeBatchesEnd(buf: Buffer, from: number, limitBytes: number, maxOffset: bigint): number {
  const limit = Math.min(buf.length, from + limitBytes);
  let at = from;
  while (at + BATCH_HEADER_SIZE <= limit) {
    const size = batchSize(buf, at);
    if (size < BATCH_HEADER_SIZE || at + size > limit || lastOffsetOf(buf, at) >= maxOffset) break;
    at += size;
  }
  return at;
}

// Validation of record batches as they arrive (Produce) or are read back (log recovery), returning
// Kafka's error for the first problem found instead of throwing, so handlers can answer per partition.
//
// Public API:
//   validateBatch(buf: Buffer, at = 0, options?: ValidateOptions): BatchValidation
//     → { ok: true, header: BatchHeader, size: number } | { ok: false, error: { code, message } }
//   splitBatches(payload: Buffer, options?: SplitOptions): BatchSplit
//     → { ok: true, batches: Buffer[] (views), trailingBytes: number } | { ok: false, error }
//   checkBatch(buf, at, origin): { header, size }   the header checks alone; throws RecordBatchError
//
// What validateBatch checks, in order (codes and wording follow Kafka 4's broker):
//   sizes        ≥ 12 bytes for offset and length, magic present, length ≥ 49 (61-byte header), whole
//                batch inside `buf`                                                    CORRUPT_MESSAGE
//   magic        0–2 else CORRUPT_MESSAGE; 0 and 1 (legacy formats, refused by Produce v3+) INVALID_RECORD
//   CRC-32C      over attributes..end                                                  CORRUPT_MESSAGE
//   compression  codec 0–4                                           UNSUPPORTED_COMPRESSION_TYPE
//   count        recordCount ≥ 0, and ≤ lastOffsetDelta + 1                            INVALID_RECORD
//   origin       'client' (default; Kafka's AppendOrigin.CLIENT) also requires recordCount > 0,
//                lastOffsetDelta + 1 == recordCount, no control batch, and a base sequence when a
//                producer id is set (INVALID_RECORD). 'log' accepts what compaction and the broker
//                itself write: empty batches, control batches, record counts below the offset range.
//   records      uncompressed: exactly recordCount well-formed records fill the batch (INVALID_RECORD);
//                compressed: the same after decompressing, only with `deep` (decompression failure
//                CORRUPT_MESSAGE, over maxOutputLength MESSAGE_TOO_LARGE).
// Deep validation decompresses synchronously; use parseBatch (async) where blocking is a concern.
//
// Kafka rules left to the Produce handler: from v3 a partition's records must be exactly one batch
// (none or several: INVALID_RECORD, ProduceRequest.validateRecords), zstd needs Produce v7+ (else
// UNSUPPORTED_COMPRESSION_TYPE), and a batch over max.message.bytes is MESSAGE_TOO_LARGE. Kafka silently drops a partial trailing batch of a
// Produce payload; splitBatches rejects it unless allowPartialTail is set.
import { type BatchError, RecordBatchError } from './batch-error.ts';
import {
  ATTR_CONTROL,
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  type BatchHeader,
  CRC_START,
  CURRENT_MAGIC,
  compressionOf,
  OFFSET,
  readBatchHeader,
} from './batch-header.ts';
import { decompressSync } from './compression.ts';
import { crc32c } from './crc32c.ts';
import { checkRecords } from './record.ts';

export type BatchOrigin = 'client' | 'log';

export interface ValidateOptions {
  /** 'client' (default) for Produce, 'log' for batches the broker wrote itself. */
  origin?: BatchOrigin;
  /** Also decompress compressed batches and check their records. */
  deep?: boolean;
  /** With `deep`: refuse batches decompressing to more than this (MESSAGE_TOO_LARGE). */
  maxOutputLength?: number;
}

export type BatchValidation =
  | { ok: true; header: BatchHeader; size: number }
  | { ok: false; error: BatchError };

export interface SplitOptions {
  /** Accept (and report in trailingBytes) an incomplete last batch, as in a Fetch response. */
  allowPartialTail?: boolean;
}

export type BatchSplit =
  | { ok: true; batches: Buffer[]; trailingBytes: number }
  | { ok: false; error: BatchError };

/** Kafka's smallest legal value of the length field (a magic-0 message), below which framing is corrupt. */
const MIN_LENGTH_FIELD = 14;
const MAX_CODEC = 4;

function corrupt(message: string): RecordBatchError {
  return new RecordBatchError('CORRUPT_MESSAGE', message);
}

function invalid(message: string): RecordBatchError {
  return new RecordBatchError('INVALID_RECORD', message);
}

function checkFraming(buf: Buffer, at: number): number {
  const remaining = buf.length - at;
  if (remaining < OFFSET.magic + 1) {
    throw corrupt(
      `Record batch is truncated: ${Math.max(remaining, 0)} bytes, the header needs ${BATCH_HEADER_SIZE}`,
    );
  }
  const magic = buf.readInt8(at + OFFSET.magic);
  if (magic < 0 || magic > CURRENT_MAGIC) throw corrupt(`Invalid magic found in record: ${magic}`);
  if (magic !== CURRENT_MAGIC) {
    throw invalid(`Only record batches with magic ${CURRENT_MAGIC} are supported, found magic ${magic}`);
  }
  const size = buf.readInt32BE(at + OFFSET.batchLength) + BATCH_LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE) {
    throw corrupt(
      `Record batch is corrupt (the size ${size} is smaller than the minimum allowed overhead ${BATCH_HEADER_SIZE})`,
    );
  }
  if (size > remaining) throw corrupt(`Record batch declares ${size} bytes but only ${remaining} remain`);
  return size;
}

function checkCounts(header: BatchHeader, origin: BatchOrigin): void {
  const { recordCount: count, lastOffsetDelta, baseOffset } = header;
  if (count < 0) throw invalid(`Found invalid record count ${count} in magic v2 batch`);
  const lastOffset = baseOffset + BigInt(lastOffsetDelta);
  if (origin === 'client') {
    if (lastOffsetDelta < 0)
      throw invalid(`Batch has an invalid offset range: [${baseOffset}, ${lastOffset}]`);
    if (count === 0) throw invalid('Invalid reported count for record batch: 0');
    if (count !== lastOffsetDelta + 1) {
      throw invalid(
        `Inconsistent batch offset range [${baseOffset}, ${lastOffset}] and count of records ${count}`,
      );
    }
    if (header.attributes & ATTR_CONTROL) throw invalid('Clients are not allowed to write control records');
    if (header.producerId >= 0n && header.baseSequence < 0) {
      throw invalid(
        `Invalid sequence number ${header.baseSequence} in record batch with producerId ${header.producerId}`,
      );
    }
  } else if (count > lastOffsetDelta + 1) {
    throw invalid(`Record count ${count} exceeds the batch offset range [${baseOffset}, ${lastOffset}]`);
  }
}

/** The header-level checks of validateBatch (no record walk); throws RecordBatchError. */
export function checkBatch(
  buf: Buffer,
  at: number,
  origin: BatchOrigin,
): { header: BatchHeader; size: number } {
  const size = checkFraming(buf, at);
  const stored = buf.readUInt32BE(at + OFFSET.crc);
  const computed = crc32c(buf.subarray(at + CRC_START, at + size));
  if (stored !== computed)
    throw corrupt(`Record is corrupt (stored crc = ${stored}, computed crc = ${computed})`);
  const header = readBatchHeader(buf, at);
  const codec = compressionOf(header.attributes);
  if (codec > MAX_CODEC) {
    throw new RecordBatchError('UNSUPPORTED_COMPRESSION_TYPE', `Unknown compression type id: ${codec}`);
  }
  checkCounts(header, origin);
  return { header, size };
}

export function validateBatch(buf: Buffer, at = 0, options: ValidateOptions = {}): BatchValidation {
  try {
    const { header, size } = checkBatch(buf, at, options.origin ?? 'client');
    const codec = compressionOf(header.attributes);
    const body = buf.subarray(at + BATCH_HEADER_SIZE, at + size);
    if (codec === 0) checkRecords(body, header.recordCount);
    else if (options.deep && header.recordCount > 0) {
      const limit = options.maxOutputLength === undefined ? {} : { maxOutputLength: options.maxOutputLength };
      checkRecords(decompressSync(codec, body, limit), header.recordCount);
    }
    return { ok: true, header, size };
  } catch (error) {
    if (error instanceof RecordBatchError) return { ok: false, error: error.toValue() };
    throw error;
  }
}

/** Cuts a records payload (concatenated batches) into one view per batch, by the length fields only. */
export function splitBatches(payload: Buffer, options: SplitOptions = {}): BatchSplit {
  const batches: Buffer[] = [];
  let pos = 0;
  while (pos < payload.length) {
    const remaining = payload.length - pos;
    const lengthField = remaining >= BATCH_LOG_OVERHEAD ? payload.readInt32BE(pos + OFFSET.batchLength) : -1;
    if (remaining >= BATCH_LOG_OVERHEAD && lengthField < MIN_LENGTH_FIELD) {
      const message = `Record size ${lengthField} is less than the minimum record overhead (${MIN_LENGTH_FIELD})`;
      return { ok: false, error: { code: 'CORRUPT_MESSAGE', message } };
    }
    const size = lengthField + BATCH_LOG_OVERHEAD;
    if (remaining < BATCH_LOG_OVERHEAD || size > remaining) {
      if (options.allowPartialTail) return { ok: true, batches, trailingBytes: remaining };
      const message = `Trailing ${remaining} bytes at offset ${pos} do not hold a complete record batch`;
      return { ok: false, error: { code: 'CORRUPT_MESSAGE', message } };
    }
    batches.push(payload.subarray(pos, pos + size));
    pos += size;
  }
  return { ok: true, batches, trailingBytes: 0 };
}

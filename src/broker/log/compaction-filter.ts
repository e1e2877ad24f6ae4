// What compaction keeps of one stored batch (Kafka's MemoryRecords.filterTo with the LogCleaner's
// filter), given the offset map of the latest offset of each key in the dirty part of the log:
//   - a record after the map's last offset is kept (the map says nothing about it);
//   - a record without a key is dropped (compacted topics refuse them at produce time);
//   - otherwise a record is kept if it is its key's latest, unless it is a tombstone (null value) whose
//     batch's delete horizon has passed.
// A batch keeping every record is left byte for byte. Otherwise it is rewritten with the records kept,
// copied as they are: same base offset, last offset delta (so the producer's last sequence survives),
// producer id, epoch, base sequence, leader epoch, timestamp type and codec (decompressed, then
// recompressed). The first time a kept batch holds a tombstone, its base timestamp becomes the delete
// horizon (now + delete.retention.ms) and the delete-horizon attribute is set (KIP-534); the record
// timestamp deltas are rewritten against it. A batch keeping nothing is removed, unless the caller needs
// it kept (an idempotent producer's last batch, the last batch of the cleaning round): it then stays as
// an empty batch, its header only.
// A batch of an aborted transaction (`aborted`) keeps none of its records: its data never counted.
// Control batches (transaction markers) go through filterMarker instead.
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../../protocol/primitives/varint.ts';
import { updateCrc } from '../../protocol/records/batch.ts';
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTR_DELETE_HORIZON,
  ATTR_TIMESTAMP_TYPE,
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  type BatchHeader,
  COMPRESSION,
  compressionOf,
  OFFSET,
  readBatchHeader,
} from '../../protocol/records/batch-header.ts';
import { compress, compressSync, decompress, decompressSync } from '../../protocol/records/compression.ts';
import type { KeyOffsetMap } from './offset-map.ts';
import { type RecordView, scanRecords } from './record-scan.ts';

export interface CompactionFilter {
  map: KeyOffsetMap;
  nowMs: bigint;
  deleteRetentionMs: bigint;
}

export type FilteredBatch =
  | { kind: 'unchanged' }
  | { kind: 'removed' }
  | { kind: 'rewritten'; batch: Buffer };

export interface FilterCounts {
  recordsRead: number;
  recordsRetained: number;
  /** Records dropped for having no key (Kafka's invalid-message count). */
  keyless: number;
}

const UNCHANGED: FilteredBatch = { kind: 'unchanged' };
const REMOVED: FilteredBatch = { kind: 'removed' };
/** Codec work on smaller inputs runs inline: the thread-pool round trip would cost more than it. */
const INLINE_CODEC_BYTES = 64 * 1024;
/** Per kept record: start, end, timestamp delta start and end, timestamp delta. */
const KEPT_FIELDS = 5;

/**
 * Filters the batch that `batch` holds exactly. `retainEmpty` keeps the batch, empty, when none of its
 * records survives; `aborted` drops all its records (data of an aborted transaction).
 */
export async function filterBatch(
  batch: Buffer,
  filter: CompactionFilter,
  retainEmpty: boolean,
  counts: FilterCounts,
  aborted = false,
): Promise<FilteredBatch> {
  const header = readBatchHeader(batch, 0);
  if (header.attributes & ATTR_CONTROL) return UNCHANGED;
  if (aborted) {
    counts.recordsRead += header.recordCount;
    return retainEmpty ? { kind: 'rewritten', batch: emptyBatch(header) } : REMOVED;
  }
  const codec = compressionOf(header.attributes);
  const data = await recordsSection(batch);
  const horizon = header.attributes & ATTR_DELETE_HORIZON ? header.baseTimestamp : null;
  const retainDeletes = horizon === null || filter.nowMs < horizon;
  const baseOffset = Number(header.baseOffset);
  const latestMapped = filter.map.latestOffset;
  const kept: number[] = [];
  let tombstones = false;
  let maxTimestampDelta = Number.NEGATIVE_INFINITY;
  scanRecords(data, header.recordCount, (record: RecordView) => {
    const offset = baseOffset + record.offsetDelta;
    let retain: boolean;
    if (offset > latestMapped) retain = true;
    else if (record.keyStart < 0) {
      counts.keyless++;
      retain = false;
    } else {
      const latest = filter.map.get(data, record.keyStart, record.keyEnd);
      retain = offset >= latest && (!record.valueIsNull || retainDeletes);
    }
    if (!retain) return;
    kept.push(
      record.start,
      record.end,
      record.timestampDeltaStart,
      record.timestampDeltaEnd,
      record.timestampDelta,
    );
    if (record.valueIsNull) tombstones = true;
    if (record.timestampDelta > maxTimestampDelta) maxTimestampDelta = record.timestampDelta;
  });
  const retained = kept.length / KEPT_FIELDS;
  counts.recordsRead += header.recordCount;
  counts.recordsRetained += retained;
  const setHorizon = tombstones && horizon === null;
  if (retained === header.recordCount && !setHorizon) return UNCHANGED;
  if (retained === 0) return retainEmpty ? { kind: 'rewritten', batch: emptyBatch(header) } : REMOVED;

  const baseTimestamp = setHorizon ? filter.nowMs + filter.deleteRetentionMs : header.baseTimestamp;
  const records = keptRecords(data, kept, Number(header.baseTimestamp - baseTimestamp));
  const logAppendTime = (header.attributes & ATTR_TIMESTAMP_TYPE) !== 0;
  const rebuilt: BatchHeader = {
    ...header,
    attributes: setHorizon ? header.attributes | ATTR_DELETE_HORIZON : header.attributes,
    baseTimestamp,
    maxTimestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + BigInt(maxTimestampDelta),
    recordCount: retained,
  };
  return { kind: 'rewritten', batch: sealed(rebuilt, await compressed(codec, records)) };
}

/**
 * What compaction does with a transaction marker (Kafka's LogCleaner with KIP-534): kept as it is while
 * its transaction still has data in the log (`canDiscard` false); once none is left, the first cleaning
 * gives it a delete horizon (now + delete.retention.ms, as the base timestamp, delete-horizon attribute
 * set) and a cleaning after that horizon removes it, or leaves it empty when `retainEmpty`.
 */
export function filterMarker(
  batch: Buffer,
  filter: CompactionFilter,
  canDiscard: boolean,
  retainEmpty: boolean,
): FilteredBatch {
  if (!canDiscard) return UNCHANGED;
  const header = readBatchHeader(batch, 0);
  if (header.attributes & ATTR_DELETE_HORIZON) {
    if (filter.nowMs < header.baseTimestamp) return UNCHANGED;
    return retainEmpty ? { kind: 'rewritten', batch: emptyBatch(header) } : REMOVED;
  }
  // Control batches are never compressed: their records section is the batch body.
  const data = batch.subarray(BATCH_HEADER_SIZE);
  const kept: number[] = [];
  scanRecords(data, header.recordCount, (record) => {
    kept.push(
      record.start,
      record.end,
      record.timestampDeltaStart,
      record.timestampDeltaEnd,
      record.timestampDelta,
    );
  });
  const baseTimestamp = filter.nowMs + filter.deleteRetentionMs;
  const records = keptRecords(data, kept, Number(header.baseTimestamp - baseTimestamp));
  return {
    kind: 'rewritten',
    batch: sealed({ ...header, attributes: header.attributes | ATTR_DELETE_HORIZON, baseTimestamp }, records),
  };
}

/**
 * The kept records, copied as they are, or with their timestamp delta moved by `shift` when the base
 * timestamp changes (the record's length prefix is rewritten if the delta's size changes).
 */
function keptRecords(data: Buffer, kept: number[], shift: number): Buffer {
  if (shift === 0) {
    let size = 0;
    for (let i = 0; i < kept.length; i += KEPT_FIELDS) size += kept[i + 1] - kept[i];
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for (let i = 0; i < kept.length; i += KEPT_FIELDS) at += data.copy(out, at, kept[i], kept[i + 1]);
    return out;
  }
  const parts: Buffer[] = [];
  for (let i = 0; i < kept.length; i += KEPT_FIELDS) {
    const end = kept[i + 1];
    const deltaStart = kept[i + 2];
    const deltaEnd = kept[i + 3];
    const moved = BigInt(kept[i + 4] + shift);
    const bodySize = 1 + sizeOfVarlong(moved) + (end - deltaEnd);
    const record = Buffer.allocUnsafe(sizeOfVarint(bodySize) + bodySize);
    let at = writeVarint(record, bodySize, 0);
    record[at++] = data[deltaStart - 1]; // the attributes byte
    at = writeVarlong(record, moved, at);
    data.copy(record, at, deltaEnd, end);
    parts.push(record);
  }
  return Buffer.concat(parts);
}

/** Kafka's writeEmptyHeader: the batch's offsets and producer fields, no records, no compression. */
function emptyBatch(header: BatchHeader): Buffer {
  const attributes = header.attributes & ~(ATTR_COMPRESSION_MASK | ATTR_DELETE_HORIZON);
  return sealed(
    { ...header, attributes, baseTimestamp: header.maxTimestamp, recordCount: 0 },
    Buffer.alloc(0),
  );
}

/** A whole batch from its header fields and (possibly compressed) records section, CRC computed. */
function sealed(header: BatchHeader, records: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(BATCH_HEADER_SIZE + records.length);
  buf.writeBigInt64BE(header.baseOffset, OFFSET.baseOffset);
  buf.writeInt32BE(buf.length - BATCH_LOG_OVERHEAD, OFFSET.batchLength);
  buf.writeInt32BE(header.partitionLeaderEpoch, OFFSET.partitionLeaderEpoch);
  buf.writeInt8(header.magic, OFFSET.magic);
  buf.writeInt16BE(header.attributes, OFFSET.attributes);
  buf.writeInt32BE(header.lastOffsetDelta, OFFSET.lastOffsetDelta);
  buf.writeBigInt64BE(header.baseTimestamp, OFFSET.baseTimestamp);
  buf.writeBigInt64BE(header.maxTimestamp, OFFSET.maxTimestamp);
  buf.writeBigInt64BE(header.producerId, OFFSET.producerId);
  buf.writeInt16BE(header.producerEpoch, OFFSET.producerEpoch);
  buf.writeInt32BE(header.baseSequence, OFFSET.baseSequence);
  buf.writeInt32BE(header.recordCount, OFFSET.recordCount);
  records.copy(buf, BATCH_HEADER_SIZE);
  updateCrc(buf);
  return buf;
}

/** The records section of the batch that `batch` holds exactly, decompressed. */
export async function recordsSection(batch: Buffer): Promise<Buffer> {
  const codec = compressionOf(batch.readInt16BE(OFFSET.attributes));
  const body = batch.subarray(BATCH_HEADER_SIZE);
  if (codec === COMPRESSION.none) return body;
  return body.length <= INLINE_CODEC_BYTES ? decompressSync(codec, body) : decompress(codec, body);
}

async function compressed(codec: number, records: Buffer): Promise<Buffer> {
  if (codec === COMPRESSION.none) return records;
  return records.length <= INLINE_CODEC_BYTES ? compressSync(codec, records) : compress(codec, records);
}

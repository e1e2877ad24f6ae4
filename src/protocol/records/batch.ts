// Building and parsing whole record batches (magic 2), and the in-place rewrites the broker applies.
//
// Public API:
//   buildBatch(options: BuildBatchOptions): Promise<Buffer>     buildBatchSync(options): Buffer
//   parseBatch(buf: Buffer, at = 0, options?: ParseOptions): Promise<ParsedBatch>
//   parseBatchSync(buf: Buffer, at = 0, options?: ParseOptions): ParsedBatch
//   setLogAppendTime(buf: Buffer, timestamp: bigint, at = 0): void
//   updateCrc(buf: Buffer, at = 0): void
//
// buildBatch follows Kafka's MemoryRecordsBuilder: baseTimestamp is the first record's timestamp (-1 for
// no records), timestamp deltas are relative to it (negative allowed), maxTimestamp is the largest
// record timestamp (CreateTime) or the given logAppendTime (LogAppendTime), lastOffsetDelta is the last
// record's offsetDelta. Bad input (offsets not increasing, negative timestamps other than -1) throws
// RangeError: that is a bug in the caller, not a client error.
//
// parseBatch runs the header checks of validateBatch with origin 'log' (sizes, magic, CRC, codec,
// counts), decompresses, and decodes every record; any problem throws RecordBatchError carrying Kafka's
// error name. A LogAppendTime batch gives every record the batch's maxTimestamp, as Kafka's reader does.
//
// setLogAppendTime does what Kafka's broker does on append for a topic with
// message.timestamp.type=LogAppendTime (DefaultRecordBatch.setMaxTimestamp): set the timestamp-type
// attribute bit, write the time into maxTimestamp, recompute the CRC. baseTimestamp is left alone: in
// Kafka it keeps the first record's create time even under LogAppendTime. Other attribute bits are kept.
// Like Kafka, validate first: the new CRC would otherwise bless corrupted bytes.

import { sizeOfVarint } from '../primitives/varint.ts';
import {
  ATTR_CONTROL,
  ATTR_TIMESTAMP_TYPE,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  type BatchHeader,
  CRC_START,
  CURRENT_MAGIC,
  compressionOf,
  OFFSET,
  TIMESTAMP_TYPE,
} from './batch-header.ts';
import {
  type CompressOptions,
  compress,
  compressionName,
  compressSync,
  type DecompressOptions,
  decompress,
  decompressSync,
} from './compression.ts';
import { crc32c } from './crc32c.ts';
import {
  decodeRecords,
  type KafkaRecord,
  type RecordBody,
  type RecordHeader,
  recordBodySize,
  writeRecord,
} from './record.ts';
import { checkBatch } from './validate.ts';

export interface RecordInput {
  key?: Buffer | null;
  value?: Buffer | null;
  headers?: RecordHeader[];
  /** Milliseconds since the epoch, or -1n for none. */
  timestamp: bigint;
  /** Defaults to the record's position in the batch; must increase from record to record. */
  offsetDelta?: number;
}

export type TimestampType = (typeof TIMESTAMP_TYPE)[keyof typeof TIMESTAMP_TYPE];

export interface BuildBatchOptions {
  records: readonly RecordInput[];
  baseOffset?: bigint;
  /** Codec 0–4 (see COMPRESSION in batch-header.ts); default 0, none. */
  compression?: number;
  compressionLevel?: number;
  /** Default CreateTime; LogAppendTime requires logAppendTime. */
  timestampType?: TimestampType;
  logAppendTime?: bigint;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  partitionLeaderEpoch?: number;
  /** Defaults to the last record's offsetDelta (0 without records); may exceed it, as after compaction. */
  lastOffsetDelta?: number;
}

export interface ParsedBatch {
  header: BatchHeader;
  /** Bytes the batch occupies in the input. */
  size: number;
  compression: number;
  timestampType: TimestampType;
  transactional: boolean;
  control: boolean;
  records: KafkaRecord[];
}

export type ParseOptions = DecompressOptions;

const NO_TIMESTAMP = -1n;
const EMPTY = Buffer.alloc(0);
const INT32_MAX = 2 ** 31 - 1;

interface BatchPlan {
  bodies: RecordBody[];
  bodySizes: number[];
  recordsSize: number;
  codec: number;
  attributes: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  lastOffsetDelta: number;
}

function checkTimestamp(timestamp: bigint): void {
  if (timestamp < NO_TIMESTAMP) throw new RangeError(`invalid negative record timestamp ${timestamp}`);
}

function attributesOf(options: BuildBatchOptions, codec: number): number {
  let attributes = codec;
  if (options.timestampType === TIMESTAMP_TYPE.logAppendTime) attributes |= ATTR_TIMESTAMP_TYPE;
  if (options.transactional) attributes |= ATTR_TRANSACTIONAL;
  if (options.control) attributes |= ATTR_CONTROL;
  return attributes;
}

/** Checks the input and computes every record's deltas and size, before anything is written. */
function planBatch(options: BuildBatchOptions): BatchPlan {
  const codec = options.compression ?? 0;
  compressionName(codec);
  const { records } = options;
  const baseTimestamp = records.length > 0 ? records[0].timestamp : NO_TIMESTAMP;
  let maxTimestamp = NO_TIMESTAMP;
  let previousDelta = -1;
  const bodies: RecordBody[] = [];
  const bodySizes: number[] = [];
  let recordsSize = 0;
  for (const [index, record] of records.entries()) {
    checkTimestamp(record.timestamp);
    const offsetDelta = record.offsetDelta ?? index;
    if (!Number.isInteger(offsetDelta) || offsetDelta <= previousDelta || offsetDelta > INT32_MAX) {
      throw new RangeError(`record ${index}: offsetDelta ${offsetDelta} does not follow ${previousDelta}`);
    }
    previousDelta = offsetDelta;
    if (record.timestamp > maxTimestamp) maxTimestamp = record.timestamp;
    const body: RecordBody = {
      attributes: 0,
      timestampDelta: record.timestamp - baseTimestamp,
      offsetDelta,
      key: record.key ?? null,
      value: record.value ?? null,
      headers: record.headers ?? [],
    };
    const bodySize = recordBodySize(body);
    bodies.push(body);
    bodySizes.push(bodySize);
    recordsSize += bodySize + sizeOfVarint(bodySize);
  }
  if (options.timestampType === TIMESTAMP_TYPE.logAppendTime) {
    if (options.logAppendTime === undefined)
      throw new RangeError('a LogAppendTime batch needs logAppendTime');
    checkTimestamp(options.logAppendTime);
    maxTimestamp = options.logAppendTime;
  }
  const lastOffsetDelta = options.lastOffsetDelta ?? Math.max(previousDelta, 0);
  if (lastOffsetDelta < previousDelta) {
    throw new RangeError(`lastOffsetDelta ${lastOffsetDelta} is below the last record's ${previousDelta}`);
  }
  const attributes = attributesOf(options, codec);
  return { bodies, bodySizes, recordsSize, codec, attributes, baseTimestamp, maxTimestamp, lastOffsetDelta };
}

/** The records, encoded after `reserve` spare bytes at the start of a fresh buffer. */
function encodeRecords(plan: BatchPlan, reserve: number): Buffer {
  const buf = Buffer.allocUnsafe(reserve + plan.recordsSize);
  let pos = reserve;
  for (let i = 0; i < plan.bodies.length; i++) pos = writeRecord(buf, pos, plan.bodies[i], plan.bodySizes[i]);
  return buf;
}

/** Prepends room for the header to a compressed records section. */
function withHeaderRoom(payload: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
  payload.copy(buf, BATCH_HEADER_SIZE);
  return buf;
}

/** Fills every header field of `buf` (records already at byte 61) and its CRC. */
function sealBatch(buf: Buffer, options: BuildBatchOptions, plan: BatchPlan): Buffer {
  buf.writeBigInt64BE(options.baseOffset ?? 0n, OFFSET.baseOffset);
  buf.writeInt32BE(buf.length - BATCH_LOG_OVERHEAD, OFFSET.batchLength);
  buf.writeInt32BE(options.partitionLeaderEpoch ?? -1, OFFSET.partitionLeaderEpoch);
  buf.writeInt8(CURRENT_MAGIC, OFFSET.magic);
  buf.writeInt16BE(plan.attributes, OFFSET.attributes);
  buf.writeInt32BE(plan.lastOffsetDelta, OFFSET.lastOffsetDelta);
  buf.writeBigInt64BE(plan.baseTimestamp, OFFSET.baseTimestamp);
  buf.writeBigInt64BE(plan.maxTimestamp, OFFSET.maxTimestamp);
  buf.writeBigInt64BE(options.producerId ?? -1n, OFFSET.producerId);
  buf.writeInt16BE(options.producerEpoch ?? -1, OFFSET.producerEpoch);
  buf.writeInt32BE(options.baseSequence ?? -1, OFFSET.baseSequence);
  buf.writeInt32BE(plan.bodies.length, OFFSET.recordCount);
  updateCrc(buf);
  return buf;
}

function compressOptions(options: BuildBatchOptions): CompressOptions {
  return options.compressionLevel === undefined ? {} : { level: options.compressionLevel };
}

export function buildBatchSync(options: BuildBatchOptions): Buffer {
  const plan = planBatch(options);
  if (plan.codec === 0) return sealBatch(encodeRecords(plan, BATCH_HEADER_SIZE), options, plan);
  const payload = compressSync(plan.codec, encodeRecords(plan, 0), compressOptions(options));
  return sealBatch(withHeaderRoom(payload), options, plan);
}

export async function buildBatch(options: BuildBatchOptions): Promise<Buffer> {
  const plan = planBatch(options);
  if (plan.codec === 0) return sealBatch(encodeRecords(plan, BATCH_HEADER_SIZE), options, plan);
  const payload = await compress(plan.codec, encodeRecords(plan, 0), compressOptions(options));
  return sealBatch(withHeaderRoom(payload), options, plan);
}

/** Recomputes the CRC of the batch at `at` after a change to a field it covers. */
export function updateCrc(buf: Buffer, at = 0): void {
  const end = at + buf.readInt32BE(at + OFFSET.batchLength) + BATCH_LOG_OVERHEAD;
  buf.writeUInt32BE(crc32c(buf.subarray(at + CRC_START, end)), at + OFFSET.crc);
}

export function setLogAppendTime(buf: Buffer, timestamp: bigint, at = 0): void {
  const attributes = buf.readInt16BE(at + OFFSET.attributes);
  if (attributes & ATTR_TIMESTAMP_TYPE && buf.readBigInt64BE(at + OFFSET.maxTimestamp) === timestamp) return;
  buf.writeInt16BE(attributes | ATTR_TIMESTAMP_TYPE, at + OFFSET.attributes);
  buf.writeBigInt64BE(timestamp, at + OFFSET.maxTimestamp);
  updateCrc(buf, at);
}

interface CheckedBatch {
  header: BatchHeader;
  size: number;
  codec: number;
  body: Buffer;
}

function checkForParse(buf: Buffer, at: number): CheckedBatch {
  const { header, size } = checkBatch(buf, at, 'log');
  const body = buf.subarray(at + BATCH_HEADER_SIZE, at + size);
  return { header, size, codec: compressionOf(header.attributes), body };
}

function assemble(checked: CheckedBatch, data: Buffer): ParsedBatch {
  const { header, size, codec } = checked;
  const logAppend = (header.attributes & ATTR_TIMESTAMP_TYPE) !== 0;
  const records = decodeRecords(data, header.recordCount, {
    baseOffset: header.baseOffset,
    baseTimestamp: header.baseTimestamp,
    logAppendTime: logAppend ? header.maxTimestamp : null,
  });
  return {
    header,
    size,
    compression: codec,
    timestampType: logAppend ? TIMESTAMP_TYPE.logAppendTime : TIMESTAMP_TYPE.createTime,
    transactional: (header.attributes & ATTR_TRANSACTIONAL) !== 0,
    control: (header.attributes & ATTR_CONTROL) !== 0,
    records,
  };
}

/**
 * The records section when no decompression is needed: the batch body when uncompressed, nothing for a
 * compressed batch without records (Kafka does not decompress those either).
 */
function plainRecords(checked: CheckedBatch): Buffer | undefined {
  if (checked.codec === 0) return checked.body;
  return checked.header.recordCount === 0 ? EMPTY : undefined;
}

export function parseBatchSync(buf: Buffer, at = 0, options?: ParseOptions): ParsedBatch {
  const checked = checkForParse(buf, at);
  return assemble(checked, plainRecords(checked) ?? decompressSync(checked.codec, checked.body, options));
}

export async function parseBatch(buf: Buffer, at = 0, options?: ParseOptions): Promise<ParsedBatch> {
  const checked = checkForParse(buf, at);
  return assemble(checked, plainRecords(checked) ?? (await decompress(checked.codec, checked.body, options)));
}

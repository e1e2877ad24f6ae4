// One record of a magic-2 batch, encoded and decoded:
//   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint
//   | keyLength varint (-1 = null) key | valueLength varint (-1 = null) value
//   | headerCount varint | headers: keyLength varint, key UTF-8, valueLength varint (-1 = null), value
// `length` counts the bytes after itself. Offsets and timestamps are deltas from the batch header.
//
// Public API:
//   interface RecordHeader { key: string; value: Buffer | null }
//   interface RecordBody   { attributes, timestampDelta: bigint, offsetDelta, key, value, headers }
//   interface KafkaRecord extends RecordBody { offset: bigint; timestamp: bigint }
//   recordBodySize(r: RecordBody): number          bytes after the length prefix
//   writeRecord(buf, offset, r, bodySize): number  returns the offset after the record
//   encodeRecord(r: RecordBody): Buffer
//   decodeRecord(buf, offset?): { value: RecordBody; offset: number }
//   decodeRecords(data, count, context): KafkaRecord[]   exactly `count` records filling `data`
//   checkRecords(data, count): void                       same checks, nothing allocated
// Decoding throws RecordBatchError INVALID_RECORD with Kafka's wording (DefaultRecord.readFrom) and never
// reads outside a record's declared length. Decoded keys, values and header values are views into the
// input buffer, not copies.
import {
  type ByteCursor,
  type Decoded,
  sizeOfVarint,
  sizeOfVarlong,
  takeVarint,
  takeVarlong,
  writeVarint,
  writeVarlong,
} from '../primitives/varint.ts';
import { RecordBatchError } from './batch-error.ts';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface RecordBody {
  /** Unused by Kafka so far; written as 0. */
  attributes: number;
  timestampDelta: bigint;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** A decoded record with its absolute offset and timestamp. */
export interface KafkaRecord extends RecordBody {
  offset: bigint;
  /** The record's create time, or the batch's log-append time when the batch carries one. */
  timestamp: bigint;
}

/** What a record needs from its batch header to know its absolute offset and timestamp. */
export interface RecordContext {
  baseOffset: bigint;
  baseTimestamp: bigint;
  /** Set for LogAppendTime batches: every record's timestamp is the batch's maxTimestamp. */
  logAppendTime: bigint | null;
}

function sizeOfBytes(bytes: Buffer | null): number {
  return bytes === null ? 1 : sizeOfVarint(bytes.length) + bytes.length;
}

export function recordBodySize(r: RecordBody): number {
  let size =
    1 +
    sizeOfVarlong(r.timestampDelta) +
    sizeOfVarint(r.offsetDelta) +
    sizeOfBytes(r.key) +
    sizeOfBytes(r.value);
  size += sizeOfVarint(r.headers.length);
  for (const header of r.headers) {
    const keyLength = Buffer.byteLength(header.key, 'utf8');
    size += sizeOfVarint(keyLength) + keyLength + sizeOfBytes(header.value);
  }
  return size;
}

function writeBytes(buf: Buffer, bytes: Buffer | null, offset: number): number {
  if (bytes === null) return writeVarint(buf, -1, offset);
  const at = writeVarint(buf, bytes.length, offset);
  return at + bytes.copy(buf, at);
}

/** Writes the record (length prefix included) at `offset`; `bodySize` is recordBodySize(r). */
export function writeRecord(buf: Buffer, offset: number, r: RecordBody, bodySize: number): number {
  let pos = writeVarint(buf, bodySize, offset);
  pos = buf.writeInt8(r.attributes, pos);
  pos = writeVarlong(buf, r.timestampDelta, pos);
  pos = writeVarint(buf, r.offsetDelta, pos);
  pos = writeBytes(buf, r.key, pos);
  pos = writeBytes(buf, r.value, pos);
  pos = writeVarint(buf, r.headers.length, pos);
  for (const header of r.headers) {
    const keyLength = Buffer.byteLength(header.key, 'utf8');
    pos = writeVarint(buf, keyLength, pos);
    pos += buf.write(header.key, pos, keyLength, 'utf8');
    pos = writeBytes(buf, header.value, pos);
  }
  return pos;
}

export function encodeRecord(r: RecordBody): Buffer {
  const bodySize = recordBodySize(r);
  const buf = Buffer.allocUnsafe(sizeOfVarint(bodySize) + bodySize);
  writeRecord(buf, 0, r, bodySize);
  return buf;
}

function invalid(message: string): RecordBatchError {
  return new RecordBatchError('INVALID_RECORD', message);
}

/** Kafka reads any negative key or value length as null; only -1 is ever written. */
function takeNullableBytes(buf: Buffer, cur: ByteCursor, decode: boolean): Buffer | null {
  const length = takeVarint(buf, cur);
  if (length < 0) return null;
  const start = cur.pos;
  if (length > cur.end - start) throw new RangeError('bytes overrun the record');
  cur.pos = start + length;
  return decode ? buf.subarray(start, start + length) : null;
}

/**
 * Reads one record at `cur.pos` (below `cur.end`) and advances past it. With `decode` false it only
 * checks the structure and returns undefined, allocating nothing but the cursor.
 */
function takeRecord(buf: Buffer, cur: ByteCursor, decode: true): RecordBody;
function takeRecord(buf: Buffer, cur: ByteCursor, decode: false): undefined;
function takeRecord(buf: Buffer, cur: ByteCursor, decode: boolean): RecordBody | undefined {
  if (cur.pos >= cur.end) throw invalid('Incorrect declared batch size, premature EOF reached');
  let bodySize: number;
  try {
    bodySize = takeVarint(buf, cur);
  } catch {
    throw invalid('Found invalid record structure');
  }
  const start = cur.pos;
  if (bodySize < 0 || bodySize > cur.end - start) {
    throw invalid(
      `Invalid record size: expected ${bodySize} bytes in record payload, but instead the buffer has only ${cur.end - start} remaining bytes.`,
    );
  }
  const body = { pos: start, end: start + bodySize };
  try {
    if (bodySize === 0) throw new RangeError('empty record');
    const attributes = buf.readInt8(body.pos++);
    const timestampDelta = takeVarlong(buf, body);
    const offsetDelta = takeVarint(buf, body);
    const key = takeNullableBytes(buf, body, decode);
    const value = takeNullableBytes(buf, body, decode);
    const headerCount = takeVarint(buf, body);
    if (headerCount < 0) throw invalid(`Found invalid number of record headers ${headerCount}`);
    const headers: RecordHeader[] | null = decode ? [] : null;
    for (let i = 0; i < headerCount; i++) {
      const keyLength = takeVarint(buf, body);
      if (keyLength < 0) throw invalid(`Invalid negative header key size ${keyLength}`);
      if (keyLength > body.end - body.pos) throw new RangeError('header key overruns the record');
      const keyStart = body.pos;
      body.pos += keyLength;
      const headerValue = takeNullableBytes(buf, body, decode);
      if (headers)
        headers.push({ key: buf.toString('utf8', keyStart, keyStart + keyLength), value: headerValue });
    }
    if (body.pos !== body.end) {
      throw invalid(
        `Invalid record size: expected to read ${bodySize} bytes in record payload, but instead read ${body.pos - start}`,
      );
    }
    cur.pos = body.end;
    return headers ? { attributes, timestampDelta, offsetDelta, key, value, headers } : undefined;
  } catch (error) {
    if (error instanceof RecordBatchError) throw error;
    throw invalid('Found invalid record structure');
  }
}

export function decodeRecord(buf: Buffer, offset = 0): Decoded<RecordBody> {
  const cur = { pos: offset, end: buf.length };
  const value = takeRecord(buf, cur, true);
  return { value, offset: cur.pos };
}

function checkFullyRead(cur: ByteCursor): void {
  if (cur.pos !== cur.end) throw invalid('Incorrect declared batch size, records still remaining in file');
}

/** Decodes exactly `count` records that together fill `data`, with absolute offsets and timestamps. */
export function decodeRecords(data: Buffer, count: number, context: RecordContext): KafkaRecord[] {
  const cur = { pos: 0, end: data.length };
  const records: KafkaRecord[] = [];
  for (let i = 0; i < count; i++) {
    const body = takeRecord(data, cur, true) as KafkaRecord;
    body.offset = context.baseOffset + BigInt(body.offsetDelta);
    body.timestamp = context.logAppendTime ?? context.baseTimestamp + body.timestampDelta;
    records.push(body);
  }
  checkFullyRead(cur);
  return records;
}

/** Checks that exactly `count` well-formed records fill `data`; throws RecordBatchError otherwise. */
export function checkRecords(data: Buffer, count: number): void {
  const cur = { pos: 0, end: data.length };
  for (let i = 0; i < count; i++) takeRecord(data, cur, false);
  checkFullyRead(cur);
}

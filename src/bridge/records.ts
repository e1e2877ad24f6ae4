// Records of the HTTP API turned into Kafka messages, and produce results turned into the API's
// per-record offsets. Pure: keys and values are encoded by the request's embedded format (json: the
// JSON text, binary: base64, text: the string as UTF-8); header values are always base64.
import type { EmbeddedFormat } from './content-types.ts';
import { unprocessable } from './errors.ts';

/** A record as the API's ProducerRecord / ProducerRecordToPartition schemas describe it. */
export interface HttpProducerRecord {
  key?: unknown;
  value: unknown;
  partition?: number;
  timestamp?: number;
  headers?: { key: string; value: string }[];
}

/** A record ready for the producer; `partition` is the one the client asked for, if any. */
export interface KafkaRecord {
  key: Buffer | undefined;
  /** undefined = a null value (tombstone). */
  value: Buffer | undefined;
  partition: number | undefined;
  timestamp: bigint | undefined;
  headers: Map<Buffer, Buffer>;
}

/** What the API reports for one record: where it was written, or why it was not. */
export type RecordOutcome = { partition: number; offset: number } | { error_code: number; message: string };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function toKafkaRecord(
  record: HttpProducerRecord,
  format: EmbeddedFormat,
  pathPartition?: number,
): KafkaRecord {
  if (pathPartition !== undefined && record.partition !== undefined) {
    throw unprocessable('Partition specified in body and in request path');
  }
  return {
    key: record.key === undefined || record.key === null ? undefined : encode(record.key, format, 'key'),
    value:
      record.value === null || record.value === undefined ? undefined : encode(record.value, format, 'value'),
    partition: pathPartition ?? record.partition,
    timestamp: record.timestamp === undefined ? undefined : BigInt(record.timestamp),
    headers: new Map(
      (record.headers ?? []).map((header) => [
        Buffer.from(header.key),
        decodeBase64(header.value, 'header value'),
      ]),
    ),
  };
}

function encode(data: unknown, format: EmbeddedFormat, what: 'key' | 'value'): Buffer {
  switch (format) {
    case 'json':
      return Buffer.from(JSON.stringify(data));
    case 'text':
      if (typeof data !== 'string') {
        throw unprocessable(`Because the embedded format is 'text', the ${what} must be a string`);
      }
      return Buffer.from(data);
    case 'binary':
      if (typeof data !== 'string') {
        throw unprocessable(`Because the embedded format is 'binary', the ${what} must be a base64 string`);
      }
      return decodeBase64(data, what);
  }
}

/** Strict base64: Buffer.from(…, 'base64') would silently skip the characters it does not know. */
export function decodeBase64(text: string, what: string): Buffer {
  if (!BASE64.test(text)) throw unprocessable(`The ${what} is not valid base64: '${truncate(text)}'`);
  return Buffer.from(text, 'base64');
}

/**
 * Offsets for records sent together: `partitions[i]` is record i's partition, `baseOffsets` the offset of
 * the first record each partition received. Records of one partition are appended in request order,
 * so the n-th of them lands at base + n.
 */
export function recordOffsets(
  partitions: number[],
  baseOffsets: Map<number, bigint | number>,
): RecordOutcome[] {
  const seen = new Map<number, number>();
  return partitions.map((partition) => {
    const index = seen.get(partition) ?? 0;
    seen.set(partition, index + 1);
    const base = baseOffsets.get(partition);
    // No base offset: acks=0, where Kafka's producer reports offset -1 too.
    return { partition, offset: base === undefined || base < 0 ? -1 : Number(base) + index };
  });
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

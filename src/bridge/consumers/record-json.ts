// Fetched records as the API's ConsumerRecord JSON, in the instance's embedded format: json parses keys
// and values as JSON (a record that is not JSON fails the poll with 406, as in Strimzi), binary gives
// base64, text the UTF-8 string; header values are always base64. Pure.
import type { EmbeddedFormat } from '../content-types.ts';
import { BridgeHttpError, unprocessable } from '../errors.ts';
import type { FetchedRecord } from './positions.ts';

export interface ConsumerRecordJson {
  topic: string;
  key?: unknown;
  value: unknown;
  partition: number;
  offset: number;
  timestamp: number;
  headers?: { key: string; value: string }[];
}

export function toConsumerRecordJson(record: FetchedRecord, format: EmbeddedFormat): ConsumerRecordJson {
  const json: ConsumerRecordJson = {
    topic: record.topic,
    value: record.value === undefined ? null : decode(record.value, format),
    partition: record.partition,
    offset: Number(record.offset),
    timestamp: Number(record.timestamp),
  };
  // Strimzi writes "key": null, which the API's RecordKey does not admit: a record without a key has none.
  if (record.key !== undefined) json.key = decode(record.key, format);
  if (record.headers.length > 0) {
    json.headers = record.headers.map(([key, value]) => ({
      key: key.toString('utf8'),
      value: (value ?? Buffer.alloc(0)).toString('base64'),
    }));
  }
  return json;
}

/**
 * The body of a poll answer. As in Strimzi, `maxBytes` bounds the whole encoded answer; beyond it the
 * poll fails with 422 (its records are handed out all the same, as Strimzi's are).
 */
export function pollResponseBody(
  records: FetchedRecord[],
  format: EmbeddedFormat,
  maxBytes?: number,
): Buffer {
  const body = Buffer.from(JSON.stringify(records.map((record) => toConsumerRecordJson(record, format))));
  if (maxBytes !== undefined && body.length > maxBytes) {
    throw unprocessable('Response exceeds the maximum number of bytes the consumer can receive');
  }
  return body;
}

function decode(data: Buffer, format: EmbeddedFormat): unknown {
  switch (format) {
    case 'binary':
      return data.toString('base64');
    case 'text':
      return data.toString('utf8');
    case 'json':
      try {
        return JSON.parse(data.toString('utf8'));
      } catch (err) {
        throw new BridgeHttpError(406, `Failed to decode: ${(err as Error).message}`);
      }
  }
}

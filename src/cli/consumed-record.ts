// A record as `nagare consume` shows it, taken out of a fetched batch.
import type { RecordsBatch } from '@platformatic/kafka';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  /** Milliseconds since the epoch: the producer's time, or the broker's with LogAppendTime. */
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: [Buffer | null, Buffer | null][];
}

const TIMESTAMP_TYPE_LOG_APPEND = 0x08;
const CONTROL_BATCH = 0x20;

/** The offset after a batch, where the next fetch of its partition starts. */
export function offsetAfter(batch: RecordsBatch): bigint {
  return batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
}

/**
 * The data records of a batch at or after `fromOffset`: a fetch returns whole batches, so the first one
 * may begin before the requested offset. Control batches (transaction markers) hold no user data.
 */
export function batchRecords(
  topic: string,
  partition: number,
  batch: RecordsBatch,
  fromOffset: bigint,
): ConsumedRecord[] {
  if (batch.attributes & CONTROL_BATCH) return [];
  const logAppendTime = (batch.attributes & TIMESTAMP_TYPE_LOG_APPEND) !== 0;
  const records: ConsumedRecord[] = [];
  for (const record of batch.records) {
    const offset = batch.firstOffset + BigInt(record.offsetDelta);
    if (offset < fromOffset) continue;
    records.push({
      topic,
      partition,
      offset,
      // With LogAppendTime every record carries the broker's time, kept as the batch's max timestamp.
      timestamp: logAppendTime ? batch.maxTimestamp : batch.firstTimestamp + BigInt(record.timestampDelta),
      key: record.key,
      value: record.value,
      headers: record.headers,
    });
  }
  return records;
}

// Timestamp lookups narrow down to one batch using the indexes and batch headers; the record inside it
// is found by decoding the batch, as Kafka does for ListOffsets (findOffsetByTimestamp and
// offsetOfMaxTimestamp iterate the records). This is the only place the log decodes records.
import { parseBatch } from '../../protocol/records/batch.ts';

export interface TimestampAndOffset {
  timestamp: bigint;
  offset: bigint;
}

/**
 * The first record of `batch` whose timestamp is >= minTimestamp and offset >= minOffset (records of a
 * LogAppendTime batch all carry its max timestamp), or null when none qualifies.
 */
export async function firstRecordAtOrAfter(
  batch: Buffer,
  minTimestamp: bigint,
  minOffset: bigint,
): Promise<TimestampAndOffset | null> {
  const { records } = await parseBatch(batch);
  for (const record of records) {
    if (record.timestamp >= minTimestamp && record.offset >= minOffset) {
      return { timestamp: record.timestamp, offset: record.offset };
    }
  }
  return null;
}

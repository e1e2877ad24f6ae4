// The record batches a fetch returned for one partition, turned into records and the offset to fetch
// from next. Pure. Control batches (transaction markers) are skipped but still moved past; records
// before the requested offset (a compressed batch starts where it starts) are dropped. Aborted
// transactions' batches were already removed by the client library for read_committed fetches.
import { IS_CONTROL, type RecordsBatch } from '@platformatic/kafka';
import type { FetchedRecord } from './positions.ts';

/** Batch attribute bit: the broker stamped the batch with its own time (LogAppendTime). */
const LOG_APPEND_TIME = 0x08;

export function recordsOfBatches(
  topic: string,
  partition: number,
  requestedOffset: bigint,
  batches: RecordsBatch[],
): { records: FetchedRecord[]; nextFetchOffset: bigint } {
  const records: FetchedRecord[] = [];
  let nextFetchOffset = requestedOffset;
  for (const batch of batches) {
    const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    if (lastOffset + 1n > nextFetchOffset) nextFetchOffset = lastOffset + 1n;
    if (batch.attributes & IS_CONTROL) continue;
    const logAppendTime = (batch.attributes & LOG_APPEND_TIME) !== 0;
    for (const record of batch.records) {
      const offset = batch.firstOffset + BigInt(record.offsetDelta);
      if (offset < requestedOffset) continue;
      records.push({
        topic,
        partition,
        offset,
        timestamp: logAppendTime ? batch.maxTimestamp : batch.firstTimestamp + record.timestampDelta,
        key: record.key ?? undefined,
        value: record.value ?? undefined,
        headers: record.headers
          .filter((header): header is [Buffer, Buffer | null] => header[0] !== null)
          .map(([key, value]) => [key, value ?? undefined]),
      });
    }
  }
  return { records, nextFetchOffset };
}

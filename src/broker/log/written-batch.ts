// What a stored batch means to the producer state (txn/producer-state.ts): its header and, for a control
// batch, the end-transaction marker it carries. Control batches are never compressed and hold one
// record, so reading the marker costs next to nothing; every other batch is read by its header alone.
import { parseBatchSync } from '../../protocol/records/batch.ts';
import { readBatchHeader } from '../../protocol/records/batch-header.ts';
import {
  CONTROL_TYPE,
  type EndTxnMarker,
  parseControlKey,
  parseEndTxnMarker,
} from '../../protocol/records/control.ts';
import { isControl, type WrittenBatch } from '../txn/producer-state.ts';

/** The batch `buf[at, at + size)`, which must be whole when it is a control batch. */
export function writtenBatchAt(buf: Buffer, at: number, size: number): WrittenBatch {
  const header = readBatchHeader(buf, at);
  if (!isControl(header) || header.recordCount === 0) return { header, marker: null };
  return { header, marker: endTxnMarkerIn(buf.subarray(at, at + size)) };
}

/** The end-transaction marker of a control batch; null for another control type or an unreadable one. */
function endTxnMarkerIn(batch: Buffer): EndTxnMarker | null {
  try {
    const [record] = parseBatchSync(batch).records;
    if (!record) return null;
    const { type } = parseControlKey(record.key);
    if (type !== CONTROL_TYPE.abort && type !== CONTROL_TYPE.commit) return null;
    return parseEndTxnMarker(record);
  } catch {
    return null;
  }
}

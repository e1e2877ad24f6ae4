// The read path of one segment: from the position the offset index gives, find the batch containing
// the fetch offset (Kafka returns a whole batch even when the offset is inside it), then return whole
// batches up to a byte budget as one slice of one buffer, normally filled by a single file read.
import { BATCH_HEADER_SIZE, batchSize } from '../../protocol/records/batch-header.ts';
import { lastOffsetOf, wholeBatchesEnd } from './batch-scan.ts';
import type { PositionalReader } from './file-scan.ts';

export interface SegmentReadRequest {
  /** Position given by the offset index: at or before the batch containing fetchOffset. */
  startPosition: number;
  /** Bytes of the segment that hold whole, committed batches. */
  end: number;
  fetchOffset: bigint;
  maxBytes: number;
  minOneBatch: boolean;
  /** Batches whose last offset is >= this are not returned (the high watermark, or a stable offset). */
  maxOffset: bigint;
  /** Extra bytes read on the first read to cover the gap between the index entry and the batch. */
  slackBytes: number;
}

const EMPTY = Buffer.alloc(0);

/**
 * Returns the batches as a slice (possibly empty when a limit stops before the first batch), or null
 * when no batch of this segment reaches fetchOffset (the caller moves on to the next segment).
 */
export async function readSegmentBatches(
  read: PositionalReader,
  request: SegmentReadRequest,
): Promise<Buffer | null> {
  const { end, fetchOffset, maxOffset } = request;
  const budget = Math.max(request.maxBytes, 0);
  const firstReadLength = (from: number) =>
    Math.min(end - from, Math.max(budget, BATCH_HEADER_SIZE) + request.slackBytes);

  let position = request.startPosition;
  if (position >= end) return null;
  let buf = await read(position, firstReadLength(position));
  let at = 0;
  for (;;) {
    if (position + at >= end) return null;
    if (at + BATCH_HEADER_SIZE > buf.length) {
      position += at;
      buf = await read(position, firstReadLength(position));
      at = 0;
      if (buf.length < BATCH_HEADER_SIZE) return null;
    }
    if (lastOffsetOf(buf, at) >= fetchOffset) break;
    at += batchSize(buf, at);
  }

  if (lastOffsetOf(buf, at) >= maxOffset) return EMPTY;
  const available = end - (position + at);
  if (buf.length - at < Math.min(budget, available)) {
    position += at;
    buf = await read(position, Math.min(available, Math.max(budget, BATCH_HEADER_SIZE)));
    at = 0;
  }
  const stop = wholeBatchesEnd(buf, at, budget, maxOffset);
  if (stop > at || !request.minOneBatch) return buf.subarray(at, stop);
  // Kafka's minOneMessage: the first batch is returned whole even when it exceeds maxBytes.
  const size = batchSize(buf, at);
  if (at + size <= buf.length) return buf.subarray(at, at + size);
  return read(position + at, size);
}

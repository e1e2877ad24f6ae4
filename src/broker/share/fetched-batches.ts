// What a share fetch needs to know of the batches the log returned, read from their headers only: the
// offsets each covers, and whether its records may be delivered. Control batches (transaction markers)
// never are; under read_committed neither are the batches of aborted transactions, found as a
// read_committed consumer finds them: from an aborted transaction's first offset, a producer's
// transactional batches are aborted until its abort marker.
import {
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  OFFSET,
  readBatchHeader,
} from '../../protocol/records/batch-header.ts';
import { splitBatches } from '../../protocol/records/index.ts';
import type { FetchedBatch } from './share-partition.ts';

export interface AbortedTransactionRef {
  producerId: bigint;
  firstOffset: bigint;
}

export interface LogBatch extends FetchedBatch {
  bytes: Buffer;
}

/** The whole batches of `records` (a partial batch at the end is left out), classified. */
export function describeBatches(records: Buffer, aborted: readonly AbortedTransactionRef[] = []): LogBatch[] {
  const split = splitBatches(records, { allowPartialTail: true });
  if (!split.ok) return [];
  const pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1));
  const abortedProducers = new Set<bigint>();
  const out: LogBatch[] = [];
  for (const bytes of split.batches) {
    if (bytes.length < OFFSET.records) continue;
    const header = readBatchHeader(bytes);
    const firstOffset = header.baseOffset;
    const lastOffset = firstOffset + BigInt(header.lastOffsetDelta);
    while (pending.length > 0 && pending[0].firstOffset <= lastOffset) {
      abortedProducers.add(pending.shift()!.producerId);
    }
    const control = (header.attributes & ATTR_CONTROL) !== 0;
    const transactional = (header.attributes & ATTR_TRANSACTIONAL) !== 0;
    let deliverable = !control;
    if (transactional && abortedProducers.has(header.producerId)) {
      deliverable = false;
      // The marker closing the aborted transaction: later batches of the producer are a new one.
      if (control) abortedProducers.delete(header.producerId);
    }
    out.push({ bytes, firstOffset, lastOffset, deliverable });
  }
  return out;
}

// KIP-1226's share-partition lag: the records from the start offset (SPSO) up to the high watermark that
// are not yet delivered to completion. In-flight records already acknowledged or archived are complete.
import { RECORD_STATE, type StateBatch } from './share-partition.ts';

export function shareLag(highWatermark: bigint, startOffset: bigint, batches: readonly StateBatch[]): bigint {
  let complete = 0n;
  for (const batch of batches) {
    if (batch.deliveryState !== RECORD_STATE.acknowledged && batch.deliveryState !== RECORD_STATE.archived)
      continue;
    const first = batch.firstOffset > startOffset ? batch.firstOffset : startOffset;
    const last = batch.lastOffset < highWatermark - 1n ? batch.lastOffset : highWatermark - 1n;
    if (last >= first) complete += last - first + 1n;
  }
  const lag = highWatermark - startOffset - complete;
  return lag > 0n ? lag : 0n;
}

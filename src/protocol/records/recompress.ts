// Rewrites a record batch with another compression codec, keeping everything else a reader sees:
// offsets deltas, timestamps and their type, keys, values, headers, producer id/epoch/sequence and the
// transactional flag. Kafka does this when a topic's compression.type names a codec other than the one
// the producer used.
import { buildBatch, type ParsedBatch } from './batch.ts';

/** Builds `parsed` (from parseBatch) again with `codec`. */
export function recompressBatch(parsed: ParsedBatch, codec: number, level?: number): Promise<Buffer> {
  const { header } = parsed;
  return buildBatch({
    records: parsed.records.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      // The create time, also for a LogAppendTime batch, whose records report the append time instead.
      timestamp: header.baseTimestamp + r.timestampDelta,
      offsetDelta: r.offsetDelta,
    })),
    baseOffset: header.baseOffset,
    compression: codec,
    compressionLevel: level,
    timestampType: parsed.timestampType,
    logAppendTime: parsed.timestampType === 1 ? header.maxTimestamp : undefined,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    transactional: parsed.transactional,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    lastOffsetDelta: header.lastOffsetDelta,
  });
}

// What ShareFetch and ShareAcknowledge requests have in common: the partitions they name with their
// acknowledgement batches (a topic may appear more than once in a request; its partitions are merged),
// and the shape of a response refused as a whole.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';
import type { AcknowledgementBatch } from '../share/share-partition.ts';

export interface RequestedPartition {
  topicId: string;
  partition: number;
  batches: AcknowledgementBatch[];
}

export function requestedPartitions(topics: readonly Message[]): RequestedPartition[] {
  const byKey = new Map<string, RequestedPartition>();
  for (const t of topics) {
    for (const p of t.partitions as Message[]) {
      const key = `${t.topicId}:${p.partitionIndex}`;
      let requested = byKey.get(key);
      if (!requested) {
        requested = { topicId: t.topicId, partition: p.partitionIndex, batches: [] };
        byKey.set(key, requested);
      }
      for (const b of (p.acknowledgementBatches ?? []) as Message[]) {
        requested.batches.push({
          firstOffset: b.firstOffset,
          lastOffset: b.lastOffset,
          acknowledgeTypes: b.acknowledgeTypes as number[],
        });
      }
    }
  }
  return [...byKey.values()];
}

/** A response refusing the whole request with `error`. */
export function topLevelError(error: ErrorName, message: string | null = null): Message {
  return { throttleTimeMs: 0, errorCode: ERRORS[error].code, errorMessage: message, responses: [] };
}

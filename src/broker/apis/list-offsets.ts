// ListOffsets (key 2): offsets by special timestamp (latest -1, earliest -2, max timestamp -3, earliest
// local -4, earliest pending upload -5) or by time: the first offset whose timestamp is at or after it.
// At read_committed (isolation level 1) the latest offset is the last stable offset and a lookup by time
// finds nothing at or after it, as Kafka's fetchOffsetForTimestamp does.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { PartitionLog } from '../log/partition-log.ts';
import type { ApiDefinition } from './api.ts';

export const LATEST = -1n;
export const EARLIEST = -2n;
export const MAX_TIMESTAMP = -3n;
export const EARLIEST_LOCAL = -4n;
export const EARLIEST_PENDING_UPLOAD = -5n;

interface OffsetAnswer {
  errorCode: number;
  timestamp: bigint;
  offset: bigint;
}

const NOT_FOUND: OffsetAnswer = { errorCode: 0, timestamp: -1n, offset: -1n };
const READ_COMMITTED = 1;

export async function offsetFor(
  log: PartitionLog,
  timestamp: bigint,
  readCommitted = false,
): Promise<OffsetAnswer> {
  switch (timestamp) {
    case LATEST:
      return {
        errorCode: 0,
        timestamp: -1n,
        offset: readCommitted ? log.lastStableOffset : log.highWatermark,
      };
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { errorCode: 0, timestamp: -1n, offset: log.logStartOffset };
    case EARLIEST_PENDING_UPLOAD:
      // No tiered storage: nothing is pending upload.
      return NOT_FOUND;
    case MAX_TIMESTAMP: {
      const max = await log.maxTimestamp();
      return max ? { errorCode: 0, timestamp: max.timestamp, offset: max.offset } : NOT_FOUND;
    }
    default: {
      if (timestamp < 0n) return { ...NOT_FOUND, errorCode: ERRORS.INVALID_REQUEST.code };
      const found = await log.offsetForTimestamp(timestamp);
      if (!found || (readCommitted && found.offset >= log.lastStableOffset)) return NOT_FOUND;
      return { errorCode: 0, timestamp: found.timestamp, offset: found.offset };
    }
  }
}

export const listOffsetsApi: ApiDefinition = {
  key: API_KEYS.ListOffsets,
  minVersion: 0,
  maxVersion: 10,
  async handle(body, ctx) {
    const { broker } = ctx;
    const version = ctx.header.apiVersion;
    const topics: Message[] = [];
    for (const t of body.topics as Message[]) {
      const partitions: Message[] = [];
      for (const p of t.partitions as Message[]) {
        const log = broker.partitions.get(t.name, p.partitionIndex);
        const answer = log
          ? await offsetFor(log, p.timestamp, body.isolationLevel === READ_COMMITTED)
          : { ...NOT_FOUND, errorCode: ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code };
        partitions.push({
          partitionIndex: p.partitionIndex,
          errorCode: answer.errorCode,
          // v0 answers with a list of offsets; only the one asked for is meaningful on a single segment view.
          oldStyleOffsets:
            version === 0 && answer.errorCode === 0 && answer.offset >= 0n ? [answer.offset] : [],
          timestamp: answer.timestamp,
          offset: answer.offset,
          leaderEpoch: answer.offset >= 0n ? 0 : -1,
        });
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
};

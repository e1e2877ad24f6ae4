// Fetch (key 1): serves log bytes as stored, without decoding records. Long-polls up to max.wait.ms until
// min.bytes are available, honours the response max.bytes and per-partition max bytes (the first batch is
// always returned whole so a consumer can make progress, KIP-74), and keeps fetch sessions (KIP-227).
// At read_committed a fetch reads only up to the last stable offset and lists the aborted transactions of
// the range it returns, so that the consumer can skip their records (Kafka's FetchIsolation.TXN_COMMITTED).
import type { Message } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { BATCH_HEADER_SIZE, batchSize, OFFSET } from '../../protocol/records/batch-header.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import { partitionKey } from '../partition-manager.ts';
import type { AbortedTransaction } from '../txn/producer-state.ts';
import type { ApiDefinition } from './api.ts';
import type { FetchPartition } from './fetch-sessions.ts';

const READ_COMMITTED = 1;

interface PartitionResult {
  request: FetchPartition;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  records: Buffer[];
  bytes: number;
  /** At read_committed, the aborted transactions with data in what is returned; null otherwise. */
  abortedTransactions: AbortedTransaction[] | null;
}

/** The offset after the last batch of `records` (whole batches, as read from the log). */
function endOffsetOf(records: Buffer): bigint {
  let at = 0;
  let end = -1n;
  while (at + BATCH_HEADER_SIZE <= records.length) {
    end =
      records.readBigInt64BE(at + OFFSET.baseOffset) +
      BigInt(records.readInt32BE(at + OFFSET.lastOffsetDelta)) +
      1n;
    at += batchSize(records, at);
  }
  return end;
}

/** v13+ names topics by id; an unknown id gives '' (answered UNKNOWN_TOPIC_ID). */
function topicNameOf(broker: Broker, t: Message, version: number): string {
  return version >= 13 ? (broker.metadata.topicById(t.topicId)?.name ?? '') : (t.topic as string);
}

function requestedPartitions(broker: Broker, body: Message, version: number): FetchPartition[] {
  const out: FetchPartition[] = [];
  for (const t of body.topics as Message[]) {
    const topic = topicNameOf(broker, t, version);
    for (const p of t.partitions as Message[]) {
      out.push({
        topic,
        topicId: t.topicId,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        maxBytes: p.partitionMaxBytes,
      });
    }
  }
  return out;
}

function forgottenPartitions(broker: Broker, body: Message, version: number) {
  const out: { topic: string; topicId: string; partition: number }[] = [];
  for (const t of (body.forgottenTopicsData ?? []) as Message[]) {
    const topic = topicNameOf(broker, t, version);
    for (const partition of t.partitions as number[]) out.push({ topic, topicId: t.topicId, partition });
  }
  return out;
}

async function readAll(
  broker: Broker,
  partitions: FetchPartition[],
  maxBytes: number,
  version: number,
  readCommitted: boolean,
) {
  const results: PartitionResult[] = [];
  let remaining = maxBytes;
  let total = 0;
  for (const request of partitions) {
    const result: PartitionResult = {
      request,
      errorCode: 0,
      highWatermark: -1n,
      lastStableOffset: -1n,
      logStartOffset: -1n,
      records: [],
      bytes: 0,
      abortedTransactions: readCommitted ? [] : null,
    };
    results.push(result);
    const log = request.topic ? broker.partitions.get(request.topic, request.partition) : undefined;
    if (!log) {
      result.errorCode =
        version >= 13 && !request.topic
          ? ERRORS.UNKNOWN_TOPIC_ID.code
          : ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code;
      continue;
    }
    result.highWatermark = log.highWatermark;
    result.lastStableOffset = log.lastStableOffset;
    result.logStartOffset = log.logStartOffset;
    const limit = Math.min(request.maxBytes, remaining);
    if (limit <= 0 && total > 0) continue;
    const read = await log.read(request.fetchOffset, Math.max(limit, 0), {
      minOneBatch: total === 0,
      maxOffset: readCommitted ? result.lastStableOffset : result.highWatermark,
    });
    if ('error' in read) {
      // Kafka answers an out-of-range fetch with both offsets unknown; clients then reset by policy.
      result.errorCode = ERRORS.OFFSET_OUT_OF_RANGE.code;
      result.highWatermark = -1n;
      result.lastStableOffset = -1n;
      result.logStartOffset = -1n;
      continue;
    }
    if (read.records.length > 0) {
      if (readCommitted) {
        result.abortedTransactions = log.abortedTransactions(request.fetchOffset, endOffsetOf(read.records));
      }
      result.records = [read.records];
      result.bytes = read.records.length;
      remaining -= read.records.length;
      total += read.records.length;
    }
  }
  return { results, total };
}

export const fetchApi: ApiDefinition = {
  key: API_KEYS.Fetch,
  minVersion: 4,
  maxVersion: 17,
  async handle(body, ctx) {
    const { broker } = ctx;
    const version = ctx.header.apiVersion;
    const resolution = broker.fetchSessions.resolve(
      body.sessionId,
      body.sessionEpoch,
      requestedPartitions(broker, body, version),
      forgottenPartitions(broker, body, version),
      Date.now(),
    );
    if (resolution.error) {
      return { throttleTimeMs: 0, errorCode: ERRORS[resolution.error].code, sessionId: 0, responses: [] };
    }
    const maxBytes = body.maxBytes as number;
    const deadline = Date.now() + (body.maxWaitMs as number);
    const readCommitted = body.isolationLevel === READ_COMMITTED;
    let read = await readAll(broker, resolution.partitions, maxBytes, version, readCommitted);
    const keys = resolution.partitions.map((p) => partitionKey(p.topic, p.partition));
    while (
      read.total < (body.minBytes as number) &&
      !read.results.some((r) => r.errorCode !== 0) &&
      Date.now() < deadline &&
      !broker.stopping
    ) {
      await broker.partitions.waitForData(keys, deadline - Date.now());
      if (broker.stopping) break;
      // Woken by appends, and by transaction markers that move the last stable offset.
      read = await readAll(broker, resolution.partitions, maxBytes, version, readCommitted);
    }
    const byTopic = new Map<string, Message>();
    const responses: Message[] = [];
    for (const r of read.results) {
      const send = broker.fetchSessions.shouldSend(
        resolution.session,
        r.request,
        {
          highWatermark: r.highWatermark,
          logStartOffset: r.logStartOffset,
          hasRecords: r.bytes > 0,
          errorCode: r.errorCode,
        },
        resolution.incremental,
      );
      if (!send) continue;
      const topicKey = `${r.request.topicId}:${r.request.topic}`;
      let topic = byTopic.get(topicKey);
      if (!topic) {
        topic = { topic: r.request.topic, topicId: r.request.topicId, partitions: [] };
        byTopic.set(topicKey, topic);
        responses.push(topic);
      }
      topic.partitions.push({
        partitionIndex: r.request.partition,
        errorCode: r.errorCode,
        highWatermark: r.highWatermark,
        lastStableOffset: r.lastStableOffset,
        logStartOffset: r.logStartOffset,
        abortedTransactions: r.abortedTransactions,
        preferredReadReplica: -1,
        records: r.records,
      });
    }
    return { throttleTimeMs: 0, errorCode: 0, sessionId: resolution.sessionId, responses };
  },
};

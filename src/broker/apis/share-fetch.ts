// ShareFetch (key 78, v1, KIP-932): a share group member's fetch. Piggy-backed acknowledgements are applied
// first, then records are acquired from every partition of the member's share session, long-polling up to
// maxWaitMs until some are. The response carries the stored batches holding acquired
// records and the acquired offset ranges with their delivery counts; the consumer delivers only those.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import { partitionKey } from '../partition-manager.ts';
import type { ShareFetchPartitionResult, ShareFetchTarget } from '../share/share-partition-manager.ts';
import {
  INITIAL_EPOCH,
  type SessionPartition,
  ShareSessionCache,
  sessionPartitionKey,
} from '../share/share-sessions.ts';
import type { ApiDefinition } from './api.ts';
import { requestedPartitions, topLevelError } from './share-requests.ts';

/** A partition of the response: it had acknowledgements, or fetched records or an error. */
interface PartitionAnswer {
  target: ShareFetchTarget;
  ack?: ErrorName;
  fetch?: ShareFetchPartitionResult;
}

export const shareFetchApi: ApiDefinition = {
  key: API_KEYS.ShareFetch,
  minVersion: 1,
  maxVersion: 1,
  async handle(body, ctx) {
    const { broker } = ctx;
    const shares = broker.sharePartitions;
    const groupId = body.groupId as string | null;
    const memberId = body.memberId as string | null;
    const epoch = body.shareSessionEpoch as number;
    if (!groupId || !memberId) return fetchError('INVALID_REQUEST', 'GroupId and MemberId are required');
    const requested = requestedPartitions(body.topics as Message[]);
    const acknowledging = requested.filter((p) => p.batches.length > 0);
    if (epoch === INITIAL_EPOCH && acknowledging.length > 0) {
      return fetchError('INVALID_REQUEST', 'Acknowledge data present on initial share fetch request');
    }
    const forgotten: SessionPartition[] = (body.forgottenTopicsData as Message[]).flatMap((t) =>
      (t.partitions as number[]).map((partition) => ({ topicId: t.topicId as string, partition })),
    );
    const resolved = shares.sessions.forFetch(groupId, memberId, epoch, requested, forgotten);
    if ('error' in resolved) return fetchError(resolved.error);

    const answers = new Map<string, PartitionAnswer>();
    const answerFor = (target: ShareFetchTarget) => {
      const key = sessionPartitionKey(target);
      let answer = answers.get(key);
      if (!answer) {
        answer = { target };
        answers.set(key, answer);
      }
      return answer;
    };
    for (const p of acknowledging) {
      answerFor(p).ack = await shares.acknowledge(groupId, memberId, p, p.batches);
    }

    const settings = shares.settings(groupId);
    if (resolved.closing) {
      // The last request of the session: acknowledgements only, then the member's records go back.
      await shares.releaseMember(groupId, memberId, [...resolved.session.partitions.values()]);
    } else if ((body.maxRecords as number) > 0) {
      const targets = ShareSessionCache.fetchOrder(resolved.session);
      const results = await longPoll(ctx.broker, groupId, memberId, targets, body);
      results.forEach((fetch, i) => {
        if (fetch.error || fetch.acquired.length > 0) answerFor(targets[i]).fetch = fetch;
      });
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      acquisitionLockTimeoutMs: settings.recordLockDurationMs,
      responses: responseTopics([...answers.values()]),
      nodeEndpoints: [],
    };
  },
};

/**
 * Acquires until records are acquired, maxWaitMs has passed, or an error must be reported. Records once
 * acquired are answered at once even below minBytes: holding them back would keep them locked, unseen.
 */
async function longPoll(
  broker: Broker,
  groupId: string,
  memberId: string,
  targets: ShareFetchTarget[],
  body: Message,
): Promise<ShareFetchPartitionResult[]> {
  const limits = {
    maxRecords: body.maxRecords as number,
    maxBytes: body.maxBytes as number,
    minBytes: Math.max(1, body.minBytes as number),
  };
  const deadline = Date.now() + (body.maxWaitMs as number);
  const keys = targets.flatMap((t) => {
    const topic = broker.metadata.topicById(t.topicId);
    return topic ? [partitionKey(topic.name, t.partition)] : [];
  });
  for (;;) {
    const results = await broker.sharePartitions.acquire(groupId, memberId, targets, limits);
    const done = results.some((r) => r.error || r.acquired.length > 0);
    if (done || Date.now() >= deadline || broker.stopping || keys.length === 0) return results;
    await broker.partitions.waitForData(keys, deadline - Date.now());
    if (broker.stopping) return results;
  }
}

function responseTopics(answers: PartitionAnswer[]): Message[] {
  const byTopic = new Map<string, Message>();
  for (const a of answers) {
    let topic = byTopic.get(a.target.topicId);
    if (!topic) {
      topic = { topicId: a.target.topicId, partitions: [] };
      byTopic.set(a.target.topicId, topic);
    }
    topic.partitions.push({
      partitionIndex: a.target.partition,
      errorCode: a.fetch?.error ? ERRORS[a.fetch.error].code : 0,
      errorMessage: null,
      acknowledgeErrorCode: a.ack ? ERRORS[a.ack].code : 0,
      acknowledgeErrorMessage: null,
      currentLeader: { leaderId: -1, leaderEpoch: -1 },
      // Empty rather than null: librdkafka refuses a null record set, as Kafka never sends one.
      records: a.fetch?.records ?? [],
      acquiredRecords: (a.fetch?.acquired ?? []).map((r) => ({
        firstOffset: r.firstOffset,
        lastOffset: r.lastOffset,
        deliveryCount: r.deliveryCount,
      })),
    });
  }
  return [...byTopic.values()];
}

function fetchError(error: ErrorName, message: string | null = null): Message {
  return { ...topLevelError(error, message), acquisitionLockTimeoutMs: 0, nodeEndpoints: [] };
}

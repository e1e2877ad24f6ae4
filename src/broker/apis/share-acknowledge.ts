// ShareAcknowledge (key 79, v1, KIP-932): a share group member acknowledges records it acquired, outside a
// ShareFetch. The request belongs to the member's share session: its epoch must follow on (0 is refused,
// -1 closes the session, after which the member's remaining records become available again).
import type { Message } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';
import { requestedPartitions, topLevelError } from './share-requests.ts';

export const shareAcknowledgeApi: ApiDefinition = {
  key: API_KEYS.ShareAcknowledge,
  minVersion: 1,
  maxVersion: 1,
  async handle(body, ctx) {
    const shares = ctx.broker.sharePartitions;
    const groupId = body.groupId as string | null;
    const memberId = body.memberId as string | null;
    if (!groupId || !memberId)
      return withEndpoints(topLevelError('INVALID_REQUEST', 'GroupId and MemberId are required'));
    const resolved = shares.sessions.forAcknowledge(groupId, memberId, body.shareSessionEpoch as number);
    if ('error' in resolved) return withEndpoints(topLevelError(resolved.error));
    const byTopic = new Map<string, Message>();
    for (const p of requestedPartitions(body.topics as Message[])) {
      const error = await shares.acknowledge(groupId, memberId, p, p.batches);
      let topic = byTopic.get(p.topicId);
      if (!topic) {
        topic = { topicId: p.topicId, partitions: [] };
        byTopic.set(p.topicId, topic);
      }
      topic.partitions.push({
        partitionIndex: p.partition,
        errorCode: error ? ERRORS[error].code : 0,
        errorMessage: null,
        currentLeader: { leaderId: -1, leaderEpoch: -1 },
      });
    }
    if (resolved.closing) {
      await shares.releaseMember(groupId, memberId, [...resolved.session.partitions.values()]);
    }
    return withEndpoints({ ...topLevelError('NONE'), responses: [...byTopic.values()] });
  },
};

function withEndpoints(response: Message): Message {
  return { ...response, nodeEndpoints: [] };
}

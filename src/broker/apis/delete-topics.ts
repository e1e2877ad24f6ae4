// DeleteTopics (key 20): by name (v0-5) or by name or topic id (v6+), refused when
// delete.topic.enable=false.
import type { Message } from '../../protocol/codec.ts';
import { ZERO_UUID } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';

export const deleteTopicsApi: ApiDefinition = {
  key: API_KEYS.DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  async handle(body, ctx) {
    const { broker } = ctx;
    const requested: { name: string | null; topicId: string }[] =
      ctx.header.apiVersion >= 6
        ? (body.topics as Message[]).map((t) => ({ name: t.name, topicId: t.topicId }))
        : (body.topicNames as string[]).map((name) => ({ name, topicId: ZERO_UUID }));
    const responses = [];
    for (const { name, topicId } of requested) {
      const byId = name === null;
      const topic = byId ? broker.metadata.topicById(topicId) : broker.metadata.topic(name);
      const result = {
        name: topic?.name ?? name,
        topicId: topic?.id ?? topicId,
        errorCode: 0,
        errorMessage: null as string | null,
      };
      if (!broker.settings.deleteTopicEnable) {
        result.errorCode = ERRORS.TOPIC_DELETION_DISABLED.code;
        result.errorMessage = 'Topic deletion is disabled (delete.topic.enable=false)';
      } else if (!topic) {
        result.errorCode = byId ? ERRORS.UNKNOWN_TOPIC_ID.code : ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code;
        result.errorMessage = byId
          ? `Topic id ${topicId} does not exist`
          : 'This server does not host this topic-partition.';
      } else {
        await broker.deleteTopic(topic);
      }
      responses.push(result);
    }
    return { throttleTimeMs: 0, responses };
  },
};

// OffsetDelete (key 47): removes committed offsets of a group, except for topics its members consume
// (GROUP_SUBSCRIBED_TO_TOPIC); a classic group with members of another protocol type is NON_EMPTY_GROUP.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { RequestedTopic } from '../groups/coordinator.ts';
import type { ApiDefinition } from './api.ts';
import { codeOf, isKnownPartition } from './group-context.ts';

export const offsetDeleteApi: ApiDefinition = {
  key: API_KEYS.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(body, ctx) {
    const { broker } = ctx;
    const topics = body.topics as Message[];
    const known: RequestedTopic[] = topics.map((t) => ({
      name: t.name,
      partitions: (t.partitions as Message[])
        .map((p) => p.partitionIndex as number)
        .filter((partition) => isKnownPartition(ctx, t.name, partition)),
    }));
    const result = await broker.groups.deleteOffsets(body.groupId, known);
    if ('error' in result) return { errorCode: codeOf(result.error), throttleTimeMs: 0, topics: [] };
    const errors = new Map(result.partitions.map((p) => [`${p.topic}\u0000${p.partition}`, codeOf(p.error)]));
    return {
      errorCode: 0,
      throttleTimeMs: 0,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: (t.partitions as Message[]).map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode:
            errors.get(`${t.name}\u0000${p.partitionIndex}`) ?? ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code,
        })),
      })),
    };
  },
};

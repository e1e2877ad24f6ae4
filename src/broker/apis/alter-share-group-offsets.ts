// AlterShareGroupOffsets (key 91, v0): sets the start offset of share-partitions of an empty share group
// (kafka-share-groups --reset-offsets --execute). Each starts afresh there, nothing in flight, stored in
// __share_group_state so that a restart keeps it. As in Kafka, an unknown group id gets an empty group.
import { ZERO_UUID } from '../../protocol/codec.ts';
import type {
  AlterShareGroupOffsetsRequest,
  AlterShareGroupOffsetsResponse,
} from '../../protocol/schema/messages.generated.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';
import { codeOf } from './group-context.ts';
import { checkEmptyShareGroup, UNKNOWN_PARTITION } from './share-group-offsets.ts';

export const alterShareGroupOffsetsApi: ApiDefinition = {
  key: API_KEYS.AlterShareGroupOffsets,
  minVersion: 0,
  maxVersion: 0,
  async handle(body, ctx): Promise<AlterShareGroupOffsetsResponse> {
    const request = body as AlterShareGroupOffsetsRequest;
    const { groupId } = request;
    const failed =
      (await ctx.broker.shareGroups.createEmptyGroup(groupId)) ?? checkEmptyShareGroup(ctx, groupId);
    if (failed)
      return {
        throttleTimeMs: 0,
        errorCode: codeOf(failed.error),
        errorMessage: failed.message,
        responses: [],
      };
    // Kafka answers for the topics that do not exist first, then for the others, each in request order.
    const responses: AlterShareGroupOffsetsResponse['responses'] = [];
    const unknown = request.topics.filter((t) => !ctx.broker.metadata.topic(t.topicName));
    const known = request.topics.filter((t) => ctx.broker.metadata.topic(t.topicName));
    for (const topic of [...unknown, ...known]) {
      const info = ctx.broker.metadata.topic(topic.topicName);
      const partitions = [];
      for (const { partitionIndex, startOffset } of topic.partitions) {
        if (!info || partitionIndex < 0 || partitionIndex >= info.partitions) {
          partitions.push({ partitionIndex, ...UNKNOWN_PARTITION });
          continue;
        }
        await ctx.broker.sharePartitions.resetStartOffset(
          groupId,
          { topicId: info.id, partition: partitionIndex },
          startOffset,
        );
        partitions.push({ partitionIndex, errorCode: 0, errorMessage: null });
      }
      responses.push({ topicName: topic.topicName, topicId: info?.id ?? ZERO_UUID, partitions });
    }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, responses };
  },
};

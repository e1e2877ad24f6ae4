// DeleteShareGroupOffsets (key 92, v0): drops a share group's state for whole topics (kafka-share-groups
// --delete-offsets); the group starts afresh on them, at share.auto.offset.reset, when next assigned.
import { ZERO_UUID } from '../../protocol/codec.ts';
import type {
  DeleteShareGroupOffsetsRequest,
  DeleteShareGroupOffsetsResponse,
} from '../../protocol/schema/messages.generated.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';
import { codeOf } from './group-context.ts';
import { checkEmptyShareGroup, UNKNOWN_PARTITION } from './share-group-offsets.ts';

export const deleteShareGroupOffsetsApi: ApiDefinition = {
  key: API_KEYS.DeleteShareGroupOffsets,
  minVersion: 0,
  maxVersion: 0,
  async handle(body, ctx): Promise<DeleteShareGroupOffsetsResponse> {
    const request = body as DeleteShareGroupOffsetsRequest;
    const { groupId } = request;
    const failed = checkEmptyShareGroup(ctx, groupId);
    if (failed)
      return {
        throttleTimeMs: 0,
        errorCode: codeOf(failed.error),
        errorMessage: failed.message,
        responses: [],
      };
    const responses: DeleteShareGroupOffsetsResponse['responses'] = [];
    for (const { topicName } of request.topics) {
      const info = ctx.broker.metadata.topic(topicName);
      if (!info) {
        responses.push({ topicName, topicId: ZERO_UUID, ...UNKNOWN_PARTITION });
        continue;
      }
      await ctx.broker.sharePartitions.deleteTopicState(groupId, info.id);
      responses.push({ topicName, topicId: info.id, errorCode: 0, errorMessage: null });
    }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, responses };
  },
};

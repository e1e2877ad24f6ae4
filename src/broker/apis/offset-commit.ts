// OffsetCommit (key 8, v2–9 as Kafka 4 serves it): stores consumed positions. Partitions of unknown
// topics are refused here; the group checks the member and generation (or member epoch); the answer
// comes once the offsets are in __consumer_offsets.
import type { Message } from '../../protocol/codec.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';
import { readOffsetCommits } from './offset-commit-request.ts';

export const offsetCommitApi: ApiDefinition = {
  key: API_KEYS.OffsetCommit,
  minVersion: 2,
  maxVersion: 9,
  async handle(body, ctx) {
    const { broker } = ctx;
    const version = ctx.header.apiVersion;
    const request = readOffsetCommits(ctx, body.topics as Message[], 6);
    const errors =
      request.commits.length === 0
        ? []
        : await broker.groups.commitOffsets({
            groupId: body.groupId,
            identity: {
              memberId: body.memberId,
              groupInstanceId: version >= 7 ? body.groupInstanceId : null,
              generationIdOrMemberEpoch: body.generationIdOrMemberEpoch,
              apiVersion: version,
            },
            retentionTimeMs: version <= 4 ? Number(body.retentionTimeMs) : -1,
            offsets: request.commits,
          });
    return { throttleTimeMs: 0, topics: request.answer(errors) };
  },
};

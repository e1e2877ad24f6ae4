// OffsetCommit (key 8, v2–9 as Kafka 4 serves it): stores consumed positions. Partitions of unknown
// topics are refused here; the group checks the member and generation (or member epoch); the answer
// comes once the offsets are in __consumer_offsets.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { PartitionCommit } from '../groups/coordinator.ts';
import type { ApiDefinition } from './api.ts';
import { codeOf, isKnownPartition } from './group-context.ts';

export const offsetCommitApi: ApiDefinition = {
  key: API_KEYS.OffsetCommit,
  minVersion: 2,
  maxVersion: 9,
  async handle(body, ctx) {
    const { broker } = ctx;
    const version = ctx.header.apiVersion;
    const topics = body.topics as Message[];
    const commits: PartitionCommit[] = [];
    // Each partition's answer: an error code now, or the index of its commit.
    const answers: (number | { commit: number })[][] = topics.map((t) =>
      (t.partitions as Message[]).map((p) => {
        if (!isKnownPartition(ctx, t.name, p.partitionIndex)) return ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code;
        commits.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: version >= 6 ? p.committedLeaderEpoch : -1,
          metadata: p.committedMetadata,
        });
        return { commit: commits.length - 1 };
      }),
    );
    const errors =
      commits.length === 0
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
            offsets: commits,
          });
    return {
      throttleTimeMs: 0,
      topics: topics.map((t, i) => ({
        name: t.name,
        partitions: (t.partitions as Message[]).map((p, j) => {
          const answer = answers[i][j];
          return {
            partitionIndex: p.partitionIndex,
            errorCode: typeof answer === 'number' ? answer : codeOf(errors[answer.commit]),
          };
        }),
      })),
    };
  },
};

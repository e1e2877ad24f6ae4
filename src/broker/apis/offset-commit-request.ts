// What OffsetCommit and TxnOffsetCommit share: the same topics → partitions request and answer. As
// Kafka's handlers do, partitions of unknown topics are refused before the group sees the request; the
// others go to the group coordinator together, and each answers with the error of its own commit.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';
import type { PartitionCommit } from '../groups/coordinator.ts';
import type { ApiContext } from './api.ts';
import { codeOf, isKnownPartition } from './group-context.ts';

export interface OffsetCommitRequest {
  /** The offsets of known partitions, in request order. */
  readonly commits: PartitionCommit[];
  /** The answer's topics, given the coordinator's error for each commit. */
  answer(errors: readonly (ErrorName | undefined)[]): Message[];
}

/** Reads a request's topics; `leaderEpochSince` is the first version that carries committedLeaderEpoch. */
export function readOffsetCommits(
  ctx: ApiContext,
  topics: Message[],
  leaderEpochSince: number,
): OffsetCommitRequest {
  const commits: PartitionCommit[] = [];
  // Each partition's answer: an error code now, or the index of its commit.
  const answers: (number | { commit: number })[][] = topics.map((t) =>
    (t.partitions as Message[]).map((p) => {
      if (!isKnownPartition(ctx, t.name, p.partitionIndex)) return ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code;
      commits.push({
        topic: t.name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: ctx.header.apiVersion >= leaderEpochSince ? p.committedLeaderEpoch : -1,
        metadata: p.committedMetadata,
      });
      return { commit: commits.length - 1 };
    }),
  );
  return {
    commits,
    answer: (errors) =>
      topics.map((t, i) => ({
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
}

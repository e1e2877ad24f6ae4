// OffsetFetch (key 9, v1–9 as Kafka 4 serves it): committed offsets of one group (v1–7) or several
// (v8+), for the partitions asked for or, with topics null (v2+), every partition the group committed.
// Nothing committed reads as offset -1 without error, for unknown groups and topics too. With
// require_stable (v7+, read_committed consumers) a partition whose offset a transaction has pending
// answers UNSTABLE_OFFSET_COMMIT, which clients retry until the transaction ends.
import type { Message } from '../../protocol/codec.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { GroupCoordinator, RequestedTopic } from '../groups/coordinator.ts';
import type { OffsetFetchIdentity } from '../groups/group.ts';
import type { ApiDefinition } from './api.ts';
import { codeOf } from './group-context.ts';

interface GroupAnswer {
  errorCode: number;
  topics: Message[];
}

function fetchGroup(
  groups: GroupCoordinator,
  groupId: string,
  identity: OffsetFetchIdentity,
  requested: Message[] | null,
  requireStable: boolean,
): GroupAnswer {
  const topics = requested?.map((t): RequestedTopic => ({ name: t.name, partitions: t.partitionIndexes }));
  const result = groups.fetchOffsets(groupId, identity, topics ?? null, requireStable);
  if ('error' in result) return { errorCode: codeOf(result.error), topics: [] };
  const byTopic = new Map<string, Message[]>();
  for (const { topic, partition, committed, error } of result.offsets) {
    let partitions = byTopic.get(topic);
    if (!partitions) {
      partitions = [];
      byTopic.set(topic, partitions);
    }
    partitions.push({
      partitionIndex: partition,
      committedOffset: committed?.offset ?? -1n,
      committedLeaderEpoch: committed?.leaderEpoch ?? -1,
      metadata: committed?.metadata ?? '',
      errorCode: codeOf(error),
    });
  }
  return { errorCode: 0, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
}

const NO_MEMBER: OffsetFetchIdentity = { memberId: null, memberEpoch: -1 };

export const offsetFetchApi: ApiDefinition = {
  key: API_KEYS.OffsetFetch,
  minVersion: 1,
  maxVersion: 9,
  handle(body, ctx) {
    const { groups } = ctx.broker;
    const version = ctx.header.apiVersion;
    const requireStable = version >= 7 && body.requireStable === true;
    if (version >= 8) {
      return {
        throttleTimeMs: 0,
        groups: (body.groups as Message[]).map((g) => {
          const identity =
            version >= 9 ? { memberId: g.memberId ?? null, memberEpoch: g.memberEpoch } : NO_MEMBER;
          return { groupId: g.groupId, ...fetchGroup(groups, g.groupId, identity, g.topics, requireStable) };
        }),
      };
    }
    const answer = fetchGroup(groups, body.groupId, NO_MEMBER, body.topics, requireStable);
    if (version >= 2 || answer.errorCode === 0) return { throttleTimeMs: 0, ...answer };
    // v1 has no group-level error: every partition asked for carries it.
    return {
      throttleTimeMs: 0,
      topics: (body.topics as Message[]).map((t) => ({
        name: t.name,
        partitions: (t.partitionIndexes as number[]).map((partitionIndex) => ({
          partitionIndex,
          committedOffset: -1n,
          metadata: '',
          errorCode: answer.errorCode,
        })),
      })),
    };
  },
};

// DescribeShareGroupOffsets (key 90, v0-1): the start offset (SPSO) of each share-partition of a share
// group, and from v1 its lag (KIP-1226). Without topics, every partition of the topics the group has share
// state for; a partition without state is reported with -1s (as Kafka 4.3.1 does, leader epoch aside).
// The id of a group of another type describes as a share group without state, as in Kafka.
import { ZERO_UUID } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import type {
  DescribeShareGroupOffsetsRequest,
  DescribeShareGroupOffsetsResponse,
} from '../../protocol/schema/messages.generated.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import { shareLag } from '../share/share-lag.ts';
import type { ShareStartOffset } from '../share/share-partition-manager.ts';
import type { ApiContext, ApiDefinition } from './api.ts';
import { groupKind, UNKNOWN_PARTITION } from './share-group-offsets.ts';

type ResponseGroup = NonNullable<DescribeShareGroupOffsetsResponse['groups']>[number];
type ResponseTopic = ResponseGroup['topics'][number];
type ResponsePartition = ResponseTopic['partitions'][number];
type RequestGroup = DescribeShareGroupOffsetsRequest['groups'][number];

export const describeShareGroupOffsetsApi: ApiDefinition = {
  key: API_KEYS.DescribeShareGroupOffsets,
  minVersion: 0,
  maxVersion: 1,
  handle(body, ctx): DescribeShareGroupOffsetsResponse {
    const request = body as DescribeShareGroupOffsetsRequest;
    return { throttleTimeMs: 0, groups: request.groups.map((group) => describeGroup(ctx, group)) };
  },
};

function describeGroup(ctx: ApiContext, request: RequestGroup): ResponseGroup {
  const { groupId } = request;
  if (groupKind(ctx, groupId) === 'none') {
    const errorMessage = `Group ${groupId} not found.`;
    return { groupId, topics: [], errorCode: ERRORS.GROUP_ID_NOT_FOUND.code, errorMessage };
  }
  const states = new Map<string, ShareStartOffset>();
  for (const state of ctx.broker.sharePartitions.startOffsets(groupId))
    states.set(`${state.topicId}:${state.partition}`, state);
  const wanted = request.topics ?? everyStoredTopic(ctx, [...states.values()]);
  const topics = wanted.map((topic): ResponseTopic => {
    const info = ctx.broker.metadata.topic(topic.topicName);
    if (!info) {
      return {
        topicName: topic.topicName,
        topicId: ZERO_UUID,
        partitions: topic.partitions.map((partitionIndex) => ({
          ...noOffset(partitionIndex),
          ...UNKNOWN_PARTITION,
        })),
      };
    }
    return {
      topicName: info.name,
      topicId: info.id,
      partitions: topic.partitions.map((partitionIndex): ResponsePartition => {
        const state = states.get(`${info.id}:${partitionIndex}`);
        const log = ctx.broker.partitions.get(info.name, partitionIndex);
        if (!state || !log) return { ...noOffset(partitionIndex), leaderEpoch: 0 };
        return {
          partitionIndex,
          startOffset: state.startOffset,
          leaderEpoch: 0,
          lag: shareLag(log.highWatermark, state.startOffset, state.stateBatches),
          errorCode: 0,
          errorMessage: null,
        };
      }),
    };
  });
  return { groupId, topics, errorCode: 0, errorMessage: null };
}

/** The topics (by name, in order) the group has share state for, with all their partitions. */
function everyStoredTopic(ctx: ApiContext, states: readonly ShareStartOffset[]): RequestGroup['topics'] & {} {
  const names = new Set<string>();
  for (const state of states) {
    const info = ctx.broker.metadata.topicById(state.topicId);
    if (info) names.add(info.name);
  }
  return [...names].sort().map((topicName) => ({
    topicName,
    partitions: Array.from({ length: ctx.broker.metadata.topic(topicName)?.partitions ?? 0 }, (_, i) => i),
  }));
}

function noOffset(partitionIndex: number): ResponsePartition {
  return { partitionIndex, startOffset: -1n, leaderEpoch: -1, lag: -1n, errorCode: 0, errorMessage: null };
}

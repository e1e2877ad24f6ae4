// What ConsumerGroupHeartbeat and ShareGroupHeartbeat share: the request's origin as the coordinators
// take it, and the response, whose fields are the same in both APIs.
import type { RequestOrigin } from '../groups/consumer/coordinator.ts';
import { type GroupError, isGroupError } from '../groups/consumer/group-error.ts';
import type { TopicPartitionList } from '../groups/consumer/topic-partitions.ts';
import type { ApiContext } from './api.ts';
import { clientHostOf, clientIdOf, codeOf } from './group-context.ts';

export function requestOriginOf(ctx: ApiContext): RequestOrigin {
  return { clientId: clientIdOf(ctx), clientHost: clientHostOf(ctx), apiVersion: ctx.header.apiVersion };
}

/** What a coordinator answers a heartbeat with; a consumer group's leave has no interval nor assignment. */
export type HeartbeatResult =
  | { memberId: string; memberEpoch: number }
  | {
      memberId: string;
      memberEpoch: number;
      heartbeatIntervalMs: number;
      assignment: TopicPartitionList[] | null;
    };

export function heartbeatResponse(result: HeartbeatResult | GroupError) {
  if (isGroupError(result)) {
    return {
      throttleTimeMs: 0,
      errorCode: codeOf(result.error),
      errorMessage: result.message,
      memberId: null,
      memberEpoch: 0,
      heartbeatIntervalMs: 0,
      assignment: null,
    };
  }
  const joined = 'heartbeatIntervalMs' in result;
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    memberId: result.memberId,
    memberEpoch: result.memberEpoch,
    heartbeatIntervalMs: joined ? result.heartbeatIntervalMs : 0,
    assignment: joined && result.assignment ? { topicPartitions: result.assignment } : null,
  };
}

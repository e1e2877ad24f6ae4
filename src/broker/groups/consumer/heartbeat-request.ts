// ConsumerGroupHeartbeat as the coordinator reads it, and the checks Kafka makes on it before looking at
// any group (GroupCoordinatorService.throwIfConsumerGroupHeartbeatRequestIsInvalid), with its messages.
import { type GroupError, groupError } from './group-error.ts';
import { LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH } from './member.ts';
import type { TopicPartitionList } from './topic-partitions.ts';
import { compileTopicRegex, InvalidTopicRegexError } from './topic-regex.ts';

export interface HeartbeatRequest {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  /** -1: unchanged since the last heartbeat. */
  rebalanceTimeoutMs: number;
  /** null: unchanged since the last heartbeat (so are the three below). */
  subscribedTopicNames: string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  /** The partitions the member owns. */
  topicPartitions: TopicPartitionList[] | null;
}

/** From version 1 the consumer generates its member id (KIP-1082) and must always send it. */
const CONSUMER_GENERATED_MEMBER_ID_VERSION = 1;

function blank(value: string | null): boolean {
  return value !== null && value.trim() === '';
}

export function invalidHeartbeat(
  request: HeartbeatRequest,
  apiVersion: number,
  assignors: readonly string[],
): GroupError | undefined {
  const { memberEpoch } = request;
  const invalid = (message: string) => groupError('INVALID_REQUEST', message);
  if (
    (apiVersion >= CONSUMER_GENERATED_MEMBER_ID_VERSION ||
      memberEpoch > 0 ||
      memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) &&
    blank(request.memberId)
  ) {
    return invalid("MemberId can't be empty.");
  }
  if (blank(request.groupId)) return invalid("GroupId can't be empty.");
  if (blank(request.instanceId)) return invalid("InstanceId can't be empty.");
  if (blank(request.rackId)) return invalid("RackId can't be empty.");
  if (memberEpoch === 0) {
    if (request.rebalanceTimeoutMs === -1)
      return invalid('RebalanceTimeoutMs must be provided in first request.');
    if (request.topicPartitions === null || request.topicPartitions.length > 0) {
      return invalid('TopicPartitions must be empty when (re-)joining.');
    }
    // An empty list of names or an empty regex is accepted: a member of the group subscribed to nothing.
    if (request.subscribedTopicNames === null && request.subscribedTopicRegex === null) {
      return invalid(
        'Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.',
      );
    }
  } else if (memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    if (request.instanceId === null) return invalid("InstanceId can't be null.");
  } else if (memberEpoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    return invalid('MemberEpoch is invalid.');
  }
  if (request.serverAssignor !== null && !assignors.includes(request.serverAssignor)) {
    return groupError(
      'UNSUPPORTED_ASSIGNOR',
      `ServerAssignor ${request.serverAssignor} is not supported. Supported assignors: ${assignors.join(', ')}.`,
    );
  }
  return undefined;
}

/** A SubscribedTopicRegex RE2/J would not compile (see topic-regex.ts for what is supported). */
export function invalidRegex(regex: string | null): GroupError | undefined {
  if (!regex) return undefined;
  try {
    compileTopicRegex(regex);
    return undefined;
  } catch (err) {
    if (!(err instanceof InvalidTopicRegexError)) throw err;
    return groupError(
      'INVALID_REGULAR_EXPRESSION',
      `SubscribedTopicRegex \`${regex}\` is not a valid regular expression: ${err.message}.`,
    );
  }
}

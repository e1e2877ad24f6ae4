// What ConsumerGroupDescribe and ShareGroupDescribe have in common: each asked group id answered in order,
// with Kafka's errors for an empty id and for an id that is missing or belongs to another group type, and
// assignments shown with topic names (partitions of deleted topics left out, as Kafka does).
import { ERRORS } from '../../protocol/errors.ts';
import type { TopicCatalog } from './consumer/subscriptions.ts';
import { type TopicPartitions, toList } from './consumer/topic-partitions.ts';
import { ALL_GROUP_OPERATIONS } from './group.ts';

/** The bitfield Kafka sends when authorized operations were not asked for. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/** A group that could not be described: its error and Kafka's message, every other field empty. */
export interface UndescribedGroup {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  groupState: '';
  groupEpoch: 0;
  assignmentEpoch: 0;
  assignorName: '';
  members: never[];
  authorizedOperations: number;
}

export function undescribedGroup(
  groupId: string,
  errorCode: number,
  message: string | null,
): UndescribedGroup {
  return {
    errorCode,
    errorMessage: message,
    groupId,
    groupState: '',
    groupEpoch: 0,
    assignmentEpoch: 0,
    assignorName: '',
    members: [],
    authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

/** The groups of one type, as the describe APIs look them up. */
export interface DescribableGroups<Group> {
  /** 'consumer' or 'share', for Kafka's "is not a … group" message. */
  type: string;
  find(groupId: string): Group | undefined;
  /** Whether a group of another type has this id. */
  isOtherType(groupId: string): boolean;
}

/** Each group id described, or answered with Kafka's error: INVALID_GROUP_ID or GROUP_ID_NOT_FOUND. */
export function describeGroups<Group, Described>(
  groupIds: readonly string[],
  includeAuthorizedOperations: boolean,
  groups: DescribableGroups<Group>,
  describe: (group: Group, authorizedOperations: number) => Described,
): (Described | UndescribedGroup)[] {
  return groupIds.map((groupId) => {
    if (!groupId) return undescribedGroup(groupId ?? '', ERRORS.INVALID_GROUP_ID.code, null);
    const group = groups.find(groupId);
    if (!group) {
      const message = groups.isOtherType(groupId)
        ? `Group ${groupId} is not a ${groups.type} group.`
        : `Group ${groupId} not found.`;
      return undescribedGroup(groupId, ERRORS.GROUP_ID_NOT_FOUND.code, message);
    }
    return describe(
      group,
      includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
    );
  });
}

/** A described group's first fields: no error, its id, state and epochs. */
export function describedGroupHeader<State extends string>(group: {
  readonly groupId: string;
  readonly state: State;
  readonly groupEpoch: number;
  readonly assignmentEpoch: number;
}) {
  return {
    errorCode: 0,
    errorMessage: null,
    groupId: group.groupId,
    groupState: group.state,
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
  };
}

/** A member's partitions with their topic names, as the describe responses list them. */
export function namedTopicPartitions(partitions: TopicPartitions, catalog: TopicCatalog) {
  return {
    topicPartitions: toList(partitions).flatMap(({ topicId, partitions }) => {
      const topic = catalog.topicById(topicId);
      return topic ? [{ topicId, topicName: topic.name, partitions }] : [];
    }),
  };
}

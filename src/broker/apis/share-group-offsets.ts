// What the share group offset APIs (DescribeShareGroupOffsets, AlterShareGroupOffsets,
// DeleteShareGroupOffsets) share: which group an id names, and Kafka 4.3.1's errors and messages.
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';
import type { ApiContext } from './api.ts';

export interface ShareGroupOffsetsError {
  error: ErrorName;
  message: string;
}

export type GroupKind = 'share' | 'other' | 'none';

/** Whether the id is a share group, a group of another type (classic or consumer), or no group. */
export function groupKind(ctx: ApiContext, groupId: string): GroupKind {
  const { broker } = ctx;
  if (broker.shareGroups.groupType(groupId) === 'share') return 'share';
  if (broker.groups.classicGroupStatus(groupId) !== 'none' || broker.consumerGroups.groupType(groupId))
    return 'other';
  return 'none';
}

/** Altering or deleting offsets: only of an empty share group. */
export function checkEmptyShareGroup(ctx: ApiContext, groupId: string): ShareGroupOffsetsError | undefined {
  switch (groupKind(ctx, groupId)) {
    case 'none':
      return { error: 'GROUP_ID_NOT_FOUND', message: `Group ${groupId} not found.` };
    case 'other':
      return { error: 'GROUP_ID_NOT_FOUND', message: `Group ${groupId} is not a share group.` };
    default:
      if (ctx.broker.shareGroups.isEmpty(groupId)) return undefined;
      return { error: 'NON_EMPTY_GROUP', message: 'The group is not empty.' };
  }
}

/** A topic or partition that does not exist, with Kafka's message for it. */
export const UNKNOWN_PARTITION = {
  errorCode: ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code,
  errorMessage: 'This server does not host this topic-partition.',
};

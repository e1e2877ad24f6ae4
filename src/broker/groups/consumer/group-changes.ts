// What operations on a consumer group share: their inputs besides the request (clock, settings,
// topics) and the way they change the group (../server-group-changes.ts: records applied to it at once
// and kept for persistence).
import { ServerGroupChanges } from '../server-group-changes.ts';
import type { ConsumerGroupConfig } from './config.ts';
import type { ConsumerGroup } from './consumer-group.ts';
import type { MemberAssignmentState, MemberSubscription } from './member.ts';
import type { TopicCatalog } from './subscriptions.ts';

export interface OperationContext {
  now: number;
  config: ConsumerGroupConfig;
  catalog: TopicCatalog;
}

export class GroupChanges extends ServerGroupChanges<
  MemberSubscription,
  MemberAssignmentState,
  ConsumerGroup
> {}

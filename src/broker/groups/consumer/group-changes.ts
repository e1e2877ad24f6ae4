// What operations on a consumer group share: their inputs besides the request (clock, settings,
// topics) and the way they change the group, by emitting records applied to it at once and kept for
// persistence.
import type { ConsumerGroupConfig } from './config.ts';
import type { ConsumerGroup } from './consumer-group.ts';
import type { ConsumerGroupRecord } from './records.ts';
import { groupTopics, metadataHash, type TopicCatalog } from './subscriptions.ts';

export interface OperationContext {
  now: number;
  config: ConsumerGroupConfig;
  catalog: TopicCatalog;
}

export class GroupChanges {
  readonly group: ConsumerGroup;
  readonly records: ConsumerGroupRecord[] = [];

  constructor(group: ConsumerGroup) {
    this.group = group;
  }

  emit(...records: ConsumerGroupRecord[]): void {
    for (const record of records) {
      this.group.replay(record);
      this.records.push(record);
    }
  }

  /** Bumps the group epoch (a new target assignment is due), recording the current topics' hash. */
  bumpGroupEpoch(catalog: TopicCatalog): void {
    const { group } = this;
    const hash = metadataHash(groupTopics(group.members.values(), catalog).values());
    this.emit({
      kind: 'group-epoch',
      groupId: group.groupId,
      value: { epoch: group.groupEpoch + 1, metadataHash: hash },
    });
  }
}

// How operations on a consumer or share group change it: by emitting records that are applied to the
// group at once and kept for persistence, so that a live change and its replay at start-up are one path;
// plus the group epoch bump both kinds of group make when their subscriptions or topics change.
import { groupTopics, metadataHash, type Subscription, type TopicCatalog } from './consumer/subscriptions.ts';
import type { ServerGroupRecord } from './server-group-records.ts';

/** What the changes need of a group: its id, epoch, members' subscriptions and a way to apply records. */
export interface RecordedGroup<Record> {
  readonly groupId: string;
  readonly groupEpoch: number;
  readonly members: ReadonlyMap<string, Subscription>;
  replay(record: Record): void;
}

/** The hash of the metadata of the topics the group's members subscribe to. */
export function groupMetadataHash(
  group: { readonly members: ReadonlyMap<string, Subscription> },
  catalog: TopicCatalog,
): bigint {
  return metadataHash(groupTopics(group.members.values(), catalog).values());
}

export class ServerGroupChanges<
  MemberSubscription,
  MemberAssignment,
  Group extends RecordedGroup<ServerGroupRecord<MemberSubscription, MemberAssignment>>,
> {
  readonly group: Group;
  readonly records: ServerGroupRecord<MemberSubscription, MemberAssignment>[] = [];

  constructor(group: Group) {
    this.group = group;
  }

  emit(...records: ServerGroupRecord<MemberSubscription, MemberAssignment>[]): void {
    for (const record of records) {
      this.group.replay(record);
      this.records.push(record);
    }
  }

  /** Bumps the group epoch (a new target assignment is due), recording the current topics' hash. */
  bumpGroupEpoch(catalog: TopicCatalog): void {
    const { group } = this;
    this.emit({
      kind: 'group-epoch',
      groupId: group.groupId,
      value: { epoch: group.groupEpoch + 1, metadataHash: groupMetadataHash(group, catalog) },
    });
  }
}

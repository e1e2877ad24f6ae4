// The groups of one kind (consumer or share) as their coordinator keeps them: by id, each with one timer
// for its members' earliest deadline, their records appended to __consumer_offsets after every change
// and replayed from there at start-up.
import type { ConsumerGroupPersistence } from './consumer/coordinator.ts';
import { type GroupError, groupError } from './consumer/group-error.ts';
import type { Subscription as TopicSubscription } from './consumer/subscriptions.ts';
import type { CoordinatorRecord } from './group.ts';
import { GroupDeadlineTimers } from './group-deadline-timers.ts';
import type { ServerGroup } from './server-group.ts';
import { ServerGroupChanges } from './server-group-changes.ts';
import { groupDeletionRecords, type ServerGroupRecord } from './server-group-records.ts';

export interface ServerGroupStoreOptions<Subscription, Assignment, Group> {
  now: () => number;
  /** A new, empty group of this kind. */
  create(groupId: string): Group;
  encode(record: ServerGroupRecord<Subscription, Assignment>): CoordinatorRecord;
  /** The group record a __consumer_offsets record holds, or undefined when it is of another kind. */
  decode(key: Buffer, value: Buffer | null): ServerGroupRecord<Subscription, Assignment> | undefined;
  /** Runs when the group's earliest deadline has passed (the group is still the stored one). */
  expire(group: Group): void;
}

export class ServerGroupStore<
  Subscription,
  Assignment,
  Group extends ServerGroup<TopicSubscription, Subscription, Assignment>,
> {
  private readonly options: ServerGroupStoreOptions<Subscription, Assignment, Group>;
  private readonly groups = new Map<string, Group>();
  private readonly timers: GroupDeadlineTimers;
  /** Where records go; until the group coordinator connects it, changes stay in memory. */
  persistence: ConsumerGroupPersistence | undefined;

  constructor(options: ServerGroupStoreOptions<Subscription, Assignment, Group>) {
    this.options = options;
    this.timers = new GroupDeadlineTimers(options.now);
  }

  get(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  has(groupId: string): boolean {
    return this.groups.has(groupId);
  }

  set(groupId: string, group: Group): void {
    this.groups.set(groupId, group);
  }

  values(): IterableIterator<Group> {
    return this.groups.values();
  }

  /** Stores what an operation emitted and re-arms the group's timer. */
  async settle(changes: {
    group: Group;
    records: ServerGroupRecord<Subscription, Assignment>[];
  }): Promise<void> {
    const { group, records } = changes;
    this.schedule(group);
    if (records.length > 0 && this.persistence) {
      await this.persistence.append(group.groupId, records.map(this.options.encode));
    }
  }

  /** One timer per group, for its earliest deadline; none for a group that is no longer stored. */
  schedule(group: Group): void {
    const next = this.groups.get(group.groupId) === group ? group.nextDeadline() : undefined;
    this.timers.arm(group.groupId, next, () => {
      if (this.groups.get(group.groupId) === group) this.options.expire(group);
    });
  }

  /** DeleteGroups: an Empty group is deleted, its records tombstoned. */
  async deleteEmpty(groupId: string): Promise<GroupError | undefined> {
    const group = this.groups.get(groupId);
    if (!group) return groupError('GROUP_ID_NOT_FOUND', `Group ${groupId} not found.`);
    if (!group.isEmpty()) return groupError('NON_EMPTY_GROUP', 'The group is not empty.');
    const changes = new ServerGroupChanges<Subscription, Assignment, Group>(group);
    changes.emit(...groupDeletionRecords(groupId));
    this.groups.delete(groupId);
    await this.settle(changes);
    return undefined;
  }

  /** One __consumer_offsets record at start-up; records of other kinds are ignored. */
  replay(key: Buffer, value: Buffer | null): void {
    const record = this.options.decode(key, value);
    if (!record) return;
    let group = this.groups.get(record.groupId);
    if (!group) {
      group = this.options.create(record.groupId);
      this.groups.set(record.groupId, group);
    }
    group.replay(record);
    if (group.deleted) this.groups.delete(record.groupId);
  }

  /** Cancels the timers (the broker is stopping). */
  stop(): void {
    this.timers.stop();
  }
}

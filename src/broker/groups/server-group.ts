// What a consumer group and a share group hold alike: epochs, members, target assignment and session
// deadlines, all changed by replaying records (./server-group-records.ts), live and at start-up alike.
// The group-level records apply the same way to both; each type applies its member records its own way.
// Deadlines are not in records: they are re-armed when the group is loaded.
import { type GroupError, groupError } from './consumer/group-error.ts';
import { NO_PARTITIONS, type TopicPartitions } from './consumer/topic-partitions.ts';
import type { ServerGroupRecord } from './server-group-records.ts';

export abstract class ServerGroup<Member, Subscription, Assignment> {
  readonly groupId: string;
  groupEpoch: number;
  metadataHash = 0n;
  assignmentEpoch = 0;
  /** Set once the group's epoch record is tombstoned (DeleteGroups): the coordinator forgets it. */
  deleted = false;
  readonly members = new Map<string, Member>();
  private readonly targets = new Map<string, TopicPartitions>();
  readonly sessionDeadlines = new Map<string, number>();

  constructor(groupId: string, initialEpoch: number) {
    this.groupId = groupId;
    this.groupEpoch = initialEpoch;
  }

  isEmpty(): boolean {
    return this.members.size === 0;
  }

  target(memberId: string): TopicPartitions {
    return this.targets.get(memberId) ?? NO_PARTITIONS;
  }

  unknownMember(memberId: string | null): GroupError {
    return groupError('UNKNOWN_MEMBER_ID', `Member ${memberId} is not a member of group ${this.groupId}.`);
  }

  /** The earliest session deadline, if any member has one. */
  nextDeadline(): number | undefined {
    return earliestDeadline(this.sessionDeadlines.values());
  }

  replay(record: ServerGroupRecord<Subscription, Assignment>): void {
    switch (record.kind) {
      case 'group-epoch':
        if (record.value) {
          this.groupEpoch = record.value.epoch;
          this.metadataHash = record.value.metadataHash;
        } else {
          this.deleted = true;
        }
        return;
      case 'member':
        this.replayMember(record.memberId, record.value);
        return;
      case 'target-epoch':
        this.assignmentEpoch = record.value?.assignmentEpoch ?? 0;
        return;
      case 'target-member':
        if (record.value) this.targets.set(record.memberId, record.value);
        else this.targets.delete(record.memberId);
        return;
      case 'current-assignment':
        this.replayAssignment(record.memberId, record.value);
        return;
    }
  }

  /** A member's subscription; null removes the member. */
  protected abstract replayMember(memberId: string, subscription: Subscription | null): void;

  /** Where a member stands; null before the member's removal. */
  protected abstract replayAssignment(memberId: string, assignment: Assignment | null): void;
}

/** The earliest of the deadlines, if there is one. */
export function earliestDeadline(deadlines: Iterable<number>): number | undefined {
  let next: number | undefined;
  for (const at of deadlines) if (next === undefined || at < next) next = at;
  return next;
}

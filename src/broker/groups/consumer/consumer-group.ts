// One consumer group's state: its epochs, members, target assignment and who holds which partition.
// It changes only by applying records (replay), live and at start-up alike. Session and rebalance
// deadlines are kept here too, but not in records: they are re-armed when the group is loaded. It also
// answers, as Kafka's ConsumerGroup does, whether its members may commit and fetch offsets.
import { type GroupError, groupError } from './group-error.ts';
import {
  type ConsumerGroupMember,
  INITIAL_ASSIGNMENT_STATE,
  isReconciledTo,
  type MemberAssignmentState,
  newMember,
} from './member.ts';
import type { ConsumerGroupRecord } from './records.ts';
import { subscribedTopics, type TopicCatalog } from './subscriptions.ts';
import { NO_PARTITIONS, type TopicPartitions } from './topic-partitions.ts';

/** Kafka's ConsumerGroupState names, as ListGroups and ConsumerGroupDescribe report them. */
export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable';

interface RebalanceDeadline {
  /** The epoch the member was in when asked to revoke: it is fenced only if still there. */
  epoch: number;
  at: number;
}

export interface OffsetCommitter {
  memberId: string;
  /** The request's GenerationIdOrMemberEpoch. */
  memberEpoch: number;
  apiVersion: number;
  transactional: boolean;
}

export class ConsumerGroup {
  readonly groupId: string;
  private readonly catalog: TopicCatalog;
  /** Kafka 4.3 starts a group at epoch 1, so that its first member gets epoch 2. */
  groupEpoch = 1;
  metadataHash = 0n;
  assignmentEpoch = 0;
  /** Set once the group's epoch record is tombstoned (DeleteGroups): the coordinator forgets it. */
  deleted = false;
  readonly members = new Map<string, ConsumerGroupMember>();
  private readonly targets = new Map<string, TopicPartitions>();
  /** Per topic id and partition, the epoch of the member holding it (assigned or pending revocation). */
  private readonly partitionEpochs = new Map<string, Map<number, number>>();
  private readonly staticMembers = new Map<string, string>();
  readonly sessionDeadlines = new Map<string, number>();
  readonly rebalanceDeadlines = new Map<string, RebalanceDeadline>();

  constructor(groupId: string, catalog: TopicCatalog) {
    this.groupId = groupId;
    this.catalog = catalog;
  }

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const member of this.members.values()) {
      if (!isReconciledTo(member, this.assignmentEpoch)) return 'Reconciling';
    }
    return 'Stable';
  }

  /** The member id of the static member with this instance id. */
  staticMemberId(instanceId: string): string | undefined {
    return this.staticMembers.get(instanceId);
  }

  target(memberId: string): TopicPartitions {
    return this.targets.get(memberId) ?? NO_PARTITIONS;
  }

  /** The epoch of the member holding a partition, or -1 when no member holds it. */
  partitionEpoch(topicId: string, partition: number): number {
    return this.partitionEpochs.get(topicId)?.get(partition) ?? -1;
  }

  /**
   * The server assignor the group uses: the one most members asked for (ties: the name first in
   * `assignors`, group.consumer.assignors), or the first of `assignors`, the default, when none asked.
   */
  assignorName(assignors: readonly string[]): string {
    const counts = new Map<string, number>();
    for (const member of this.members.values()) {
      if (member.serverAssignor)
        counts.set(member.serverAssignor, (counts.get(member.serverAssignor) ?? 0) + 1);
    }
    let best: string | undefined;
    for (const name of assignors) {
      if ((counts.get(name) ?? 0) > (best === undefined ? 0 : counts.get(best)!)) best = name;
    }
    return best ?? assignors[0];
  }

  /** The earliest session or rebalance deadline, if any member has one. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const at of this.sessionDeadlines.values()) if (next === undefined || at < next) next = at;
    for (const { at } of this.rebalanceDeadlines.values()) if (next === undefined || at < next) next = at;
    return next;
  }

  isEmpty(): boolean {
    return this.members.size === 0;
  }

  /** Whether a member subscribes to the topic, by name or through its regex. */
  isSubscribedToTopic(topic: string): boolean {
    for (const member of this.members.values()) {
      if (subscribedTopics(member, this.catalog).some((t) => t.name === topic)) return true;
    }
    return false;
  }

  /** Kafka's ConsumerGroup.validateOffsetCommit: members commit in their current epoch, with v9+. */
  validateOffsetCommit(commit: OffsetCommitter): GroupError | undefined {
    // The admin client, or a consumer without group management, may commit while the group is empty.
    if (commit.memberEpoch < 0 && this.isEmpty()) return undefined;
    const member = this.members.get(commit.memberId);
    if (!member) return this.unknownMember(commit.memberId);
    if (!commit.transactional && commit.apiVersion < 9) {
      return groupError(
        'UNSUPPORTED_VERSION',
        'OffsetCommit version 9 or above must be used by members using the modern group protocol',
      );
    }
    return staleEpoch(commit.memberEpoch, member.memberEpoch);
  }

  /** Kafka's ConsumerGroup.validateOffsetFetch: without a member (admin, old versions) anyone may fetch. */
  validateOffsetFetch(memberId: string | null, memberEpoch: number): GroupError | undefined {
    if (memberId === null && memberEpoch < 0) return undefined;
    const member = memberId === null ? undefined : this.members.get(memberId);
    if (!member) return this.unknownMember(memberId);
    return staleEpoch(memberEpoch, member.memberEpoch);
  }

  unknownMember(memberId: string | null): GroupError {
    return groupError('UNKNOWN_MEMBER_ID', `Member ${memberId} is not a member of group ${this.groupId}.`);
  }

  // --- Records ---------------------------------------------------------------------------------------

  replay(record: ConsumerGroupRecord): void {
    switch (record.kind) {
      case 'group-epoch':
        if (record.value) {
          this.groupEpoch = record.value.epoch;
          this.metadataHash = record.value.metadataHash;
        } else {
          this.deleted = true;
        }
        return;
      case 'member': {
        const existing = this.members.get(record.memberId);
        if (existing?.instanceId) this.staticMembers.delete(existing.instanceId);
        if (!record.value) {
          if (existing) this.releasePartitions(existing);
          this.members.delete(record.memberId);
          this.sessionDeadlines.delete(record.memberId);
          this.rebalanceDeadlines.delete(record.memberId);
          return;
        }
        const member = { ...(existing ?? newMember(record.memberId)), ...record.value };
        this.members.set(record.memberId, member);
        if (member.instanceId) this.staticMembers.set(member.instanceId, member.memberId);
        return;
      }
      case 'target-epoch':
        this.assignmentEpoch = record.value?.assignmentEpoch ?? 0;
        return;
      case 'target-member':
        if (record.value) this.targets.set(record.memberId, record.value);
        else this.targets.delete(record.memberId);
        return;
      case 'current-assignment': {
        const existing = this.members.get(record.memberId) ?? newMember(record.memberId);
        this.releasePartitions(existing);
        const state: MemberAssignmentState = record.value ?? INITIAL_ASSIGNMENT_STATE;
        const member = { ...existing, ...state };
        this.members.set(record.memberId, member);
        this.holdPartitions(member);
        return;
      }
    }
  }

  private releasePartitions(member: ConsumerGroupMember): void {
    for (const partitions of [member.assignedPartitions, member.partitionsPendingRevocation]) {
      for (const [topicId, set] of partitions) {
        const epochs = this.partitionEpochs.get(topicId);
        if (!epochs) continue;
        for (const partition of set) epochs.delete(partition);
        if (epochs.size === 0) this.partitionEpochs.delete(topicId);
      }
    }
  }

  private holdPartitions(member: ConsumerGroupMember): void {
    for (const partitions of [member.assignedPartitions, member.partitionsPendingRevocation]) {
      for (const [topicId, set] of partitions) {
        let epochs = this.partitionEpochs.get(topicId);
        if (!epochs) {
          epochs = new Map();
          this.partitionEpochs.set(topicId, epochs);
        }
        for (const partition of set) epochs.set(partition, member.memberEpoch);
      }
    }
  }
}

function staleEpoch(received: number, expected: number): GroupError | undefined {
  if (received === expected) return undefined;
  return groupError(
    'STALE_MEMBER_EPOCH',
    `The received member epoch ${received} does not match the expected member epoch ${expected}.`,
  );
}

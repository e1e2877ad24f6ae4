// One consumer group's state: its epochs, members, target assignment and who holds which partition,
// changed only by applying records (../server-group.ts), with its session and rebalance deadlines. It
// also answers, as Kafka's ConsumerGroup does, whether its members may commit and fetch offsets.
import { earliestDeadline, ServerGroup } from '../server-group.ts';
import { type GroupError, groupError } from './group-error.ts';
import {
  type ConsumerGroupMember,
  INITIAL_ASSIGNMENT_STATE,
  isReconciledTo,
  type MemberAssignmentState,
  type MemberSubscription,
  newMember,
} from './member.ts';
import { subscribedTopics, type TopicCatalog } from './subscriptions.ts';

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

export class ConsumerGroup extends ServerGroup<
  ConsumerGroupMember,
  MemberSubscription,
  MemberAssignmentState
> {
  private readonly catalog: TopicCatalog;
  /** Per topic id and partition, the epoch of the member holding it (assigned or pending revocation). */
  private readonly partitionEpochs = new Map<string, Map<number, number>>();
  private readonly staticMembers = new Map<string, string>();
  readonly rebalanceDeadlines = new Map<string, RebalanceDeadline>();

  constructor(groupId: string, catalog: TopicCatalog) {
    // Kafka 4.3 starts a group at epoch 1, so that its first member gets epoch 2.
    super(groupId, 1);
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
  override nextDeadline(): number | undefined {
    const rebalances = [...this.rebalanceDeadlines.values()].map(({ at }) => at);
    return earliestDeadline([...this.sessionDeadlines.values(), ...rebalances]);
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

  // --- Records ---------------------------------------------------------------------------------------

  protected replayMember(memberId: string, subscription: MemberSubscription | null): void {
    const existing = this.members.get(memberId);
    if (existing?.instanceId) this.staticMembers.delete(existing.instanceId);
    if (!subscription) {
      if (existing) this.releasePartitions(existing);
      this.members.delete(memberId);
      this.sessionDeadlines.delete(memberId);
      this.rebalanceDeadlines.delete(memberId);
      return;
    }
    const member = { ...(existing ?? newMember(memberId)), ...subscription };
    this.members.set(memberId, member);
    if (member.instanceId) this.staticMembers.set(member.instanceId, member.memberId);
  }

  protected replayAssignment(memberId: string, assignment: MemberAssignmentState | null): void {
    const existing = this.members.get(memberId) ?? newMember(memberId);
    this.releasePartitions(existing);
    const member = { ...existing, ...(assignment ?? INITIAL_ASSIGNMENT_STATE) };
    this.members.set(memberId, member);
    this.holdPartitions(member);
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

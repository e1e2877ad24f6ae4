// One share group's state: its epochs, members and target assignment (KIP-932), changed only by applying
// records (../server-group.ts), with its session deadlines. Unlike consumer groups, a partition may be
// assigned to several members at once, and members never revoke: they move to the target at once.
import { NO_PARTITIONS } from '../consumer/topic-partitions.ts';
import { ServerGroup } from '../server-group.ts';
import type { ShareMemberAssignment, ShareMemberSubscription } from './records.ts';

/** Kafka's ShareGroupState names, as ListGroups and ShareGroupDescribe report them. */
export type ShareGroupState = 'Empty' | 'Stable';

export interface ShareGroupMember extends ShareMemberSubscription, ShareMemberAssignment {
  memberId: string;
}

export function newShareMember(memberId: string): ShareGroupMember {
  return {
    memberId,
    rackId: null,
    clientId: '',
    clientHost: '',
    subscribedTopicNames: [],
    memberEpoch: 0,
    previousMemberEpoch: 0,
    assignedPartitions: NO_PARTITIONS,
  };
}

export function subscriptionOf(member: ShareGroupMember): ShareMemberSubscription {
  const { rackId, clientId, clientHost, subscribedTopicNames } = member;
  return { rackId, clientId, clientHost, subscribedTopicNames };
}

export class ShareGroup extends ServerGroup<
  ShareGroupMember,
  ShareMemberSubscription,
  ShareMemberAssignment
> {
  constructor(groupId: string) {
    super(groupId, 0);
  }

  /** Kafka's share group states: Empty without members, Stable otherwise (no rebalance phases). */
  get state(): ShareGroupState {
    return this.members.size === 0 ? 'Empty' : 'Stable';
  }

  isSubscribedToTopic(topic: string): boolean {
    for (const member of this.members.values()) if (member.subscribedTopicNames.includes(topic)) return true;
    return false;
  }

  protected replayMember(memberId: string, subscription: ShareMemberSubscription | null): void {
    if (!subscription) {
      this.members.delete(memberId);
      this.sessionDeadlines.delete(memberId);
      return;
    }
    const existing = this.members.get(memberId) ?? newShareMember(memberId);
    this.members.set(memberId, { ...existing, ...subscription });
  }

  protected replayAssignment(memberId: string, assignment: ShareMemberAssignment | null): void {
    const existing = this.members.get(memberId);
    // A tombstone comes before the member's removal; an assignment of a removed member is stale.
    if (!existing) return;
    this.members.set(memberId, {
      ...existing,
      ...(assignment ?? { memberEpoch: 0, previousMemberEpoch: 0, assignedPartitions: NO_PARTITIONS }),
    });
  }
}

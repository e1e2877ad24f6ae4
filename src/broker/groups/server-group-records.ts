// The records of the groups whose assignment the coordinator computes: KIP-848 consumer groups and KIP-932
// share groups write the same five kinds to __consumer_offsets (under their own record types), and differ
// only in what a member's subscription and current assignment hold. A null value is a tombstone.
import type { TopicPartitions } from './consumer/topic-partitions.ts';

export type ServerGroupRecord<Subscription, Assignment> =
  /** The group epoch and the hash of its topics' metadata; its tombstone deletes the group. */
  | { kind: 'group-epoch'; groupId: string; value: { epoch: number; metadataHash: bigint } | null }
  /** A member's subscription; its tombstone removes the member. */
  | { kind: 'member'; groupId: string; memberId: string; value: Subscription | null }
  /** The epoch of the target assignment. */
  | { kind: 'target-epoch'; groupId: string; value: { assignmentEpoch: number } | null }
  /** A member's target assignment. */
  | { kind: 'target-member'; groupId: string; memberId: string; value: TopicPartitions | null }
  /** Where a member stands: its epochs and partitions. */
  | { kind: 'current-assignment'; groupId: string; memberId: string; value: Assignment | null };

/** The records that remove a member (Kafka's order: current assignment, target, subscription). */
export function memberRemovalRecords(groupId: string, memberId: string): ServerGroupRecord<never, never>[] {
  return [
    { kind: 'current-assignment', groupId, memberId, value: null },
    { kind: 'target-member', groupId, memberId, value: null },
    { kind: 'member', groupId, memberId, value: null },
  ];
}

/** The records that delete an empty group: its target assignment epoch, then its group epoch. */
export function groupDeletionRecords(groupId: string): ServerGroupRecord<never, never>[] {
  return [
    { kind: 'target-epoch', groupId, value: null },
    { kind: 'group-epoch', groupId, value: null },
  ];
}

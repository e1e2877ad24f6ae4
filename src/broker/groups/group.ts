// Values the group coordinator's modules, the consumer protocol and the group APIs share: committed
// offsets, who asks for them, described groups, the operations allowed on a group and the records of
// __consumer_offsets.
import type { DescribeGroupsResponse } from '../../protocol/schema/messages.generated.ts';

/** A committed offset as OffsetCommit stores it and OffsetFetch returns it. */
export interface CommittedOffset {
  offset: bigint;
  /** -1 when the client gave none. */
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** Only from OffsetCommit v2–4 with a retention time: the offset expires at this time. */
  expireTimestampMs?: number;
  /**
   * Where its record is in __consumer_offsets, once written: when a transaction commits, its offsets
   * replace only those whose records are older than theirs (Kafka's rule for mixed commits).
   */
  recordOffset?: bigint;
}

/** Who sends an OffsetCommit, as the request identifies itself. */
export interface OffsetCommitIdentity {
  memberId: string;
  groupInstanceId: string | null;
  /** The classic generation id, or the consumer protocol's member epoch; -1 for a commit outside a group. */
  generationIdOrMemberEpoch: number;
  apiVersion: number;
  /** TxnOffsetCommit: Kafka relaxes some checks (no member needed, commits during a rebalance). */
  transactional?: boolean;
}

/** Who sends an OffsetFetch (v9+ carries the member; earlier versions send null and -1). */
export interface OffsetFetchIdentity {
  memberId: string | null;
  memberEpoch: number;
}

/**
 * A group as DescribeGroups (the classic API) reports it: its entry in the response, but for the group
 * id, error code and authorized operations, which the API adds.
 */
export type DescribedGroup = Omit<
  NonNullable<DescribeGroupsResponse['groups']>[number],
  'groupId' | 'errorCode' | 'authorizedOperations'
>;

/** Kafka's ACL operation codes that apply to a group. */
const GROUP_OPERATIONS = { READ: 3, DELETE: 6, DESCRIBE: 8, DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11 };

/**
 * Every operation on a group, as the bit set DescribeGroups and ConsumerGroupDescribe report on request:
 * without an authorizer (as on a Kafka broker without authorizer.class.name) all are allowed.
 */
export const ALL_GROUP_OPERATIONS = Object.values(GROUP_OPERATIONS).reduce((bits, op) => bits | (1 << op), 0);

/** A record of __consumer_offsets: Kafka's coordinator key and value (null: a tombstone). */
export interface CoordinatorRecord {
  key: Buffer;
  value: Buffer | null;
}

// Values the group coordinator's modules, the consumer protocol and the group APIs share: committed
// offsets, who asks for them, described groups and the records of __consumer_offsets.

/** A committed offset as OffsetCommit stores it and OffsetFetch returns it. */
export interface CommittedOffset {
  offset: bigint;
  /** -1 when the client gave none. */
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** Only from OffsetCommit v2–4 with a retention time: the offset expires at this time. */
  expireTimestampMs?: number;
}

/** Who sends an OffsetCommit, as the request identifies itself. */
export interface OffsetCommitIdentity {
  memberId: string;
  groupInstanceId: string | null;
  /** The classic generation id, or the consumer protocol's member epoch; -1 for a commit outside a group. */
  generationIdOrMemberEpoch: number;
  apiVersion: number;
}

/** Who sends an OffsetFetch (v9+ carries the member; earlier versions send null and -1). */
export interface OffsetFetchIdentity {
  memberId: string | null;
  memberEpoch: number;
}

/** One member as DescribeGroups reports it. */
export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

/** A group as DescribeGroups (the classic API) reports it. */
export interface DescribedGroup {
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribedMember[];
}

/** A record of __consumer_offsets: Kafka's coordinator key and value (null: a tombstone). */
export interface CoordinatorRecord {
  key: Buffer;
  value: Buffer | null;
}

// Kafka's own records of offsets and classic groups in __consumer_offsets, so that Kafka's tools can read
// what Nagare writes and the other way round. Key record types 0 and 1 are offset commits, 2 group
// metadata (3+ belong to the consumer protocol, consumer/record-codec.ts). The field layouts below are
// those of Kafka's OffsetCommitKey/Value and GroupMetadataKey/Value definitions, framed as
// coordinator-record-format.ts writes every record.
import type { Message } from '../../protocol/codec.ts';
import type { MessageSchema } from '../../protocol/schema/types.ts';
import { ALL_VERSIONS, decodeVersioned, encodeVersioned, field } from './coordinator-record-format.ts';
import type { CommittedOffset, CoordinatorRecord } from './group.ts';

export const RECORD_TYPE = {
  /** Kafka's LegacyOffsetCommitKey: same key as type 1, written by brokers before 0.10. */
  legacyOffsetCommit: 0,
  offsetCommit: 1,
  groupMetadata: 2,
} as const;

const offsetCommitKeySchema: MessageSchema = {
  name: 'OffsetCommitKey',
  validVersions: [0, 1],
  flexibleVersions: null,
  fields: [field('group', 'string'), field('topic', 'string'), field('partition', 'int32')],
};

const offsetCommitValueSchema: MessageSchema = {
  name: 'OffsetCommitValue',
  validVersions: [0, 4],
  flexibleVersions: [4, 0x7fff],
  fields: [
    field('offset', 'int64'),
    field('leaderEpoch', 'int32', { versions: [3, 0x7fff], default: -1 }),
    field('metadata', 'string'),
    field('commitTimestamp', 'int64'),
    field('expireTimestamp', 'int64', { versions: [1, 1], default: '-1' }),
    field('topicId', 'uuid', { versions: [4, 0x7fff], tag: 0, tagged: [4, 0x7fff] }),
  ],
};

const groupMetadataKeySchema: MessageSchema = {
  name: 'GroupMetadataKey',
  validVersions: [2, 2],
  flexibleVersions: null,
  fields: [field('group', 'string')],
};

const groupMetadataValueSchema: MessageSchema = {
  name: 'GroupMetadataValue',
  validVersions: [0, 4],
  flexibleVersions: [4, 0x7fff],
  fields: [
    field('protocolType', 'string'),
    field('generation', 'int32'),
    field('protocol', 'string', { nullable: ALL_VERSIONS }),
    field('leader', 'string', { nullable: ALL_VERSIONS }),
    field('currentStateTimestamp', 'int64', { versions: [2, 0x7fff], default: '-1' }),
    field('members', 'struct', {
      array: true,
      fields: [
        field('memberId', 'string'),
        field('groupInstanceId', 'string', { versions: [3, 0x7fff], nullable: [3, 0x7fff], default: null }),
        field('clientId', 'string'),
        field('clientHost', 'string'),
        field('rebalanceTimeout', 'int32', { versions: [1, 0x7fff], default: -1 }),
        field('sessionTimeout', 'int32'),
        field('subscription', 'bytes'),
        field('assignment', 'bytes'),
      ],
    }),
  ],
};

/** Versions Kafka 4 writes: v3 values, v1 for an offset with an explicit expire timestamp. */
const OFFSET_VALUE_VERSION = 3;
const OFFSET_VALUE_VERSION_WITH_EXPIRY = 1;
const GROUP_VALUE_VERSION = 3;

// ---- offset commits ----

export interface OffsetCommitKey {
  group: string;
  topic: string;
  partition: number;
}

export function encodeOffsetCommitKey(key: OffsetCommitKey): Buffer {
  return encodeVersioned(RECORD_TYPE.offsetCommit, offsetCommitKeySchema, key);
}

export function decodeOffsetCommitKey(key: Buffer): OffsetCommitKey {
  const { message } = decodeVersioned(key, offsetCommitKeySchema);
  return { group: message.group, topic: message.topic, partition: message.partition };
}

export function encodeOffsetCommitValue(offset: CommittedOffset): Buffer {
  const expiring = offset.expireTimestampMs !== undefined;
  const version = expiring ? OFFSET_VALUE_VERSION_WITH_EXPIRY : OFFSET_VALUE_VERSION;
  return encodeVersioned(version, offsetCommitValueSchema, {
    offset: offset.offset,
    leaderEpoch: offset.leaderEpoch,
    metadata: offset.metadata,
    commitTimestamp: BigInt(offset.commitTimestampMs),
    expireTimestamp: BigInt(offset.expireTimestampMs ?? -1),
  });
}

export function decodeOffsetCommitValue(value: Buffer): CommittedOffset {
  const { version, message } = decodeVersioned(value, offsetCommitValueSchema);
  const decoded: CommittedOffset = {
    offset: message.offset,
    leaderEpoch: message.leaderEpoch,
    metadata: message.metadata,
    commitTimestampMs: Number(message.commitTimestamp),
  };
  if (version === OFFSET_VALUE_VERSION_WITH_EXPIRY && message.expireTimestamp !== -1n) {
    decoded.expireTimestampMs = Number(message.expireTimestamp);
  }
  return decoded;
}

/** The record of a committed offset, or its tombstone (null). */
export function offsetCommitRecord(key: OffsetCommitKey, offset: CommittedOffset | null): CoordinatorRecord {
  return { key: encodeOffsetCommitKey(key), value: offset && encodeOffsetCommitValue(offset) };
}

// ---- group metadata (classic groups) ----

export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface StoredGroupMetadata {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  /** -1 when unknown (records before v2). */
  currentStateTimestampMs: number;
  members: StoredMember[];
}

export function encodeGroupMetadataKey(groupId: string): Buffer {
  return encodeVersioned(RECORD_TYPE.groupMetadata, groupMetadataKeySchema, { group: groupId });
}

export function decodeGroupMetadataKey(key: Buffer): string {
  return decodeVersioned(key, groupMetadataKeySchema).message.group;
}

export function encodeGroupMetadataValue(group: StoredGroupMetadata): Buffer {
  return encodeVersioned(GROUP_VALUE_VERSION, groupMetadataValueSchema, {
    protocolType: group.protocolType,
    generation: group.generation,
    protocol: group.protocol,
    leader: group.leader,
    currentStateTimestamp: BigInt(group.currentStateTimestampMs),
    members: group.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: m.subscription,
      assignment: m.assignment,
    })),
  });
}

export function decodeGroupMetadataValue(value: Buffer): StoredGroupMetadata {
  const { message } = decodeVersioned(value, groupMetadataValueSchema);
  return {
    protocolType: message.protocolType,
    generation: message.generation,
    protocol: message.protocol,
    leader: message.leader,
    currentStateTimestampMs: Number(message.currentStateTimestamp),
    members: (message.members as Message[]).map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      // Records before v1 have no rebalance timeout: Kafka then uses the session timeout.
      rebalanceTimeoutMs: m.rebalanceTimeout === -1 ? m.sessionTimeout : m.rebalanceTimeout,
      sessionTimeoutMs: m.sessionTimeout,
      subscription: m.subscription,
      assignment: m.assignment,
    })),
  };
}

/** The record of a classic group, or its tombstone (null). */
export function groupMetadataRecord(groupId: string, group: StoredGroupMetadata | null): CoordinatorRecord {
  return { key: encodeGroupMetadataKey(groupId), value: group && encodeGroupMetadataValue(group) };
}

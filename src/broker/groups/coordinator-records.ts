// Kafka's own record formats in __consumer_offsets, so that Kafka's tools can read what Nagare writes
// and the other way round. A record key starts with an int16 naming the record type (0 and 1 offset
// commits, 2 group metadata; 3+ belong to the consumer protocol), a value with an int16 version. The
// field layouts below are those of Kafka's OffsetCommitKey/Value and GroupMetadataKey/Value definitions;
// the generic protocol codec encodes and decodes them.
import { decodeMessage, encodeMessage, type Message } from '../../protocol/codec.ts';
import { Reader } from '../../protocol/primitives/reader.ts';
import { Writer } from '../../protocol/primitives/writer.ts';
import type { FieldSchema, MessageSchema } from '../../protocol/schema/types.ts';
import type { CommittedOffset } from './group.ts';

export const RECORD_TYPE = {
  /** Kafka's LegacyOffsetCommitKey: same key as type 1, written by brokers before 0.10. */
  legacyOffsetCommit: 0,
  offsetCommit: 1,
  groupMetadata: 2,
} as const;

const ANY: [number, number] = [0, 0x7fff];
const field = (name: string, type: string, versions: [number, number], extra: Partial<FieldSchema> = {}) =>
  ({ name, type, versions, ...extra }) as FieldSchema;

const offsetCommitKeySchema: MessageSchema = {
  name: 'OffsetCommitKey',
  validVersions: [0, 1],
  flexibleVersions: null,
  fields: [field('group', 'string', ANY), field('topic', 'string', ANY), field('partition', 'int32', ANY)],
};

const offsetCommitValueSchema: MessageSchema = {
  name: 'OffsetCommitValue',
  validVersions: [0, 4],
  flexibleVersions: [4, 0x7fff],
  fields: [
    field('offset', 'int64', ANY),
    field('leaderEpoch', 'int32', [3, 0x7fff], { default: -1 }),
    field('metadata', 'string', ANY),
    field('commitTimestamp', 'int64', ANY),
    field('expireTimestamp', 'int64', [1, 1], { default: '-1' }),
    field('topicId', 'uuid', [4, 0x7fff], { tag: 0, tagged: [4, 0x7fff] }),
  ],
};

const groupMetadataKeySchema: MessageSchema = {
  name: 'GroupMetadataKey',
  validVersions: [2, 2],
  flexibleVersions: null,
  fields: [field('group', 'string', ANY)],
};

const groupMetadataValueSchema: MessageSchema = {
  name: 'GroupMetadataValue',
  validVersions: [0, 4],
  flexibleVersions: [4, 0x7fff],
  fields: [
    field('protocolType', 'string', ANY),
    field('generation', 'int32', ANY),
    field('protocol', 'string', ANY, { nullable: ANY }),
    field('leader', 'string', ANY, { nullable: ANY }),
    field('currentStateTimestamp', 'int64', [2, 0x7fff], { default: '-1' }),
    field('members', 'struct', ANY, {
      array: true,
      fields: [
        field('memberId', 'string', ANY),
        field('groupInstanceId', 'string', [3, 0x7fff], { nullable: [3, 0x7fff], default: null }),
        field('clientId', 'string', ANY),
        field('clientHost', 'string', ANY),
        field('rebalanceTimeout', 'int32', [1, 0x7fff], { default: -1 }),
        field('sessionTimeout', 'int32', ANY),
        field('subscription', 'bytes', ANY),
        field('assignment', 'bytes', ANY),
      ],
    }),
  ],
};

/** Versions Kafka 4 writes: v3 values, v1 for an offset with an explicit expire timestamp. */
const OFFSET_VALUE_VERSION = 3;
const OFFSET_VALUE_VERSION_WITH_EXPIRY = 1;
const GROUP_VALUE_VERSION = 3;

function encode(schema: MessageSchema, version: number, value: Message): Buffer {
  const w = new Writer();
  w.int16(version);
  return encodeMessage(schema, version, value, w).toBuffer();
}

/** The record type of a key (its leading int16). */
export function recordTypeOf(key: Buffer): number {
  return key.readInt16BE(0);
}

function versioned(schema: MessageSchema, buf: Buffer): Message {
  const r = new Reader(buf);
  const version = r.int16();
  const [min, max] = schema.validVersions!;
  if (version < min || version > max) throw new Error(`${schema.name} version ${version} is not known`);
  return decodeMessage(schema, version, r);
}

// ---- offset commits ----

export interface OffsetCommitKey {
  group: string;
  topic: string;
  partition: number;
}

export function encodeOffsetCommitKey(key: OffsetCommitKey): Buffer {
  return encode(offsetCommitKeySchema, RECORD_TYPE.offsetCommit, key);
}

export function decodeOffsetCommitKey(key: Buffer): OffsetCommitKey {
  const message = versioned(offsetCommitKeySchema, key);
  return { group: message.group, topic: message.topic, partition: message.partition };
}

export function encodeOffsetCommitValue(offset: CommittedOffset): Buffer {
  const expiring = offset.expireTimestampMs !== undefined;
  return encode(offsetCommitValueSchema, expiring ? OFFSET_VALUE_VERSION_WITH_EXPIRY : OFFSET_VALUE_VERSION, {
    offset: offset.offset,
    leaderEpoch: offset.leaderEpoch,
    metadata: offset.metadata,
    commitTimestamp: BigInt(offset.commitTimestampMs),
    expireTimestamp: BigInt(offset.expireTimestampMs ?? -1),
  });
}

export function decodeOffsetCommitValue(value: Buffer): CommittedOffset {
  const version = value.readInt16BE(0);
  const message = versioned(offsetCommitValueSchema, value);
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
  return encode(groupMetadataKeySchema, RECORD_TYPE.groupMetadata, { group: groupId });
}

export function decodeGroupMetadataKey(key: Buffer): string {
  return versioned(groupMetadataKeySchema, key).group;
}

export function encodeGroupMetadataValue(group: StoredGroupMetadata): Buffer {
  return encode(groupMetadataValueSchema, GROUP_VALUE_VERSION, {
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
  const message = versioned(groupMetadataValueSchema, value);
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

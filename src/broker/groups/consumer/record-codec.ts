// Consumer group records in __consumer_offsets, in Kafka's own format: a key made of an int16 record
// type (3, 5, 6, 7, 8) and that type's key struct (not flexible), and a value made of an int16 version (0)
// and the value struct (flexible, with tagged fields). The field layouts below are those of Kafka 4.3's
// coordinator record definitions (ConsumerGroupMetadataKey/Value and the others), written as schemas for
// the project's generic codec. Nagare reads back what it wrote; values are also readable by Kafka's tools.
import { decodeMessage, encodeMessage } from '../../../protocol/codec.ts';
import { MalformedMessageError, Reader } from '../../../protocol/primitives/reader.ts';
import { Writer } from '../../../protocol/primitives/writer.ts';
import type { FieldSchema, MessageSchema } from '../../../protocol/schema/types.ts';
import { MEMBER_STATES, memberStateFromValue } from './member.ts';
import type { ConsumerGroupRecord } from './records.ts';
import { fromList, type TopicPartitionList, toList } from './topic-partitions.ts';

const ALL: [number, number] = [0, 32767];

function field(name: string, type: string, extra: Partial<FieldSchema> = {}): FieldSchema {
  return { name, type, versions: ALL, ...extra };
}

function schema(name: string, flexible: boolean, fields: FieldSchema[]): MessageSchema {
  return { name, validVersions: [0, 0], flexibleVersions: flexible ? ALL : null, fields };
}

const nullable = { nullable: ALL };
const groupKey = schema('GroupKey', false, [field('groupId', 'string')]);
const memberKey = schema('MemberKey', false, [field('groupId', 'string'), field('memberId', 'string')]);
const topicPartitions = (extra: FieldSchema[] = []) =>
  field('topicPartitions', 'struct', {
    array: true,
    fields: [field('topicId', 'uuid'), field('partitions', 'int32', { array: true }), ...extra],
  });

const RECORD_TYPES = {
  'group-epoch': 3,
  member: 5,
  'target-epoch': 6,
  'target-member': 7,
  'current-assignment': 8,
} as const;

const KEYS: Record<number, MessageSchema> = {
  3: groupKey,
  5: memberKey,
  6: groupKey,
  7: memberKey,
  8: memberKey,
};

const VALUES: Record<number, MessageSchema> = {
  3: schema('ConsumerGroupMetadataValue', true, [
    field('epoch', 'int32'),
    field('metadataHash', 'int64', { tag: 0, tagged: ALL, default: '0' }),
  ]),
  5: schema('ConsumerGroupMemberMetadataValue', true, [
    field('instanceId', 'string', nullable),
    field('rackId', 'string', nullable),
    field('clientId', 'string'),
    field('clientHost', 'string'),
    field('subscribedTopicNames', 'string', { array: true }),
    field('subscribedTopicRegex', 'string', nullable),
    field('rebalanceTimeoutMs', 'int32', { default: -1 }),
    field('serverAssignor', 'string', nullable),
    field('classicMemberMetadata', 'struct', {
      ...nullable,
      tag: 0,
      tagged: ALL,
      default: null,
      fields: [
        field('sessionTimeoutMs', 'int32'),
        field('supportedProtocols', 'struct', {
          array: true,
          fields: [field('name', 'string'), field('metadata', 'bytes')],
        }),
      ],
    }),
  ]),
  6: schema('ConsumerGroupTargetAssignmentMetadataValue', true, [
    field('assignmentEpoch', 'int32'),
    field('assignmentTimestamp', 'int64', { tag: 0, tagged: ALL, default: '0' }),
  ]),
  7: schema('ConsumerGroupTargetAssignmentMemberValue', true, [topicPartitions()]),
  8: schema('ConsumerGroupCurrentMemberAssignmentValue', true, [
    field('memberEpoch', 'int32'),
    field('previousMemberEpoch', 'int32'),
    field('state', 'int8'),
    field('assignedPartitions', 'struct', {
      array: true,
      fields: [
        field('topicId', 'uuid'),
        field('partitions', 'int32', { array: true }),
        field('assignmentEpochs', 'int32', { array: true, ...nullable, tag: 0, tagged: ALL, default: null }),
      ],
    }),
    field('partitionsPendingRevocation', 'struct', {
      array: true,
      fields: [
        field('topicId', 'uuid'),
        field('partitions', 'int32', { array: true }),
        field('assignmentEpochs', 'int32', { array: true, ...nullable, tag: 0, tagged: ALL, default: null }),
      ],
    }),
  ]),
};

/** Record types (key versions) of consumer groups in __consumer_offsets, 16 (regexes) included. */
export const CONSUMER_GROUP_RECORD_TYPES: ReadonlySet<number> = new Set([3, 4, 5, 6, 7, 8, 16]);

export interface EncodedRecord {
  key: Buffer;
  /** null: a tombstone. */
  value: Buffer | null;
}

function encodeVersioned(
  version: number,
  messageSchema: MessageSchema,
  body: Record<string, unknown>,
): Buffer {
  const writer = new Writer();
  writer.int16(version);
  encodeMessage(messageSchema, 0, body, writer);
  return writer.toBuffer();
}

export function encodeConsumerGroupRecord(record: ConsumerGroupRecord): EncodedRecord {
  const type = RECORD_TYPES[record.kind];
  const key = encodeVersioned(type, KEYS[type], {
    groupId: record.groupId,
    memberId: 'memberId' in record ? record.memberId : undefined,
  });
  if (record.value === null) return { key, value: null };
  return { key, value: encodeVersioned(0, VALUES[type], valueBody(record)) };
}

function valueBody(record: ConsumerGroupRecord): Record<string, unknown> {
  switch (record.kind) {
    case 'group-epoch':
      return { epoch: record.value!.epoch, metadataHash: record.value!.metadataHash };
    case 'member': {
      const v = record.value!;
      return { ...v, subscribedTopicNames: [...v.subscribedTopicNames], classicMemberMetadata: null };
    }
    case 'target-epoch':
      return { assignmentEpoch: record.value!.assignmentEpoch, assignmentTimestamp: 0n };
    case 'target-member':
      return { topicPartitions: toList(record.value!) };
    case 'current-assignment': {
      const v = record.value!;
      return {
        memberEpoch: v.memberEpoch,
        previousMemberEpoch: v.previousMemberEpoch,
        state: MEMBER_STATES[v.state],
        assignedPartitions: withEpochs(toList(v.assignedPartitions)),
        partitionsPendingRevocation: withEpochs(toList(v.partitionsPendingRevocation)),
      };
    }
  }
}

function withEpochs(list: TopicPartitionList[]) {
  return list.map((entry) => ({ ...entry, assignmentEpochs: null }));
}

/**
 * The consumer group record a __consumer_offsets record holds, or undefined when it is of another kind
 * (offsets, classic groups) or a consumer group kind Nagare does not keep (4: partition metadata, replaced
 * by the metadata hash; 16: resolved regexes, recomputed).
 */
export function decodeConsumerGroupRecord(
  key: Buffer,
  value: Buffer | null,
): ConsumerGroupRecord | undefined {
  const keyReader = new Reader(key);
  const type = keyReader.int16();
  const keySchema = KEYS[type];
  if (!keySchema) return undefined;
  const { groupId, memberId } = decodeMessage(keySchema, 0, keyReader);
  const body = value === null ? null : decodeValue(type, value);
  switch (type) {
    case 3:
      return {
        kind: 'group-epoch',
        groupId,
        value: body && { epoch: body.epoch, metadataHash: body.metadataHash },
      };
    case 5:
      return {
        kind: 'member',
        groupId,
        memberId,
        value: body && {
          instanceId: body.instanceId,
          rackId: body.rackId,
          clientId: body.clientId,
          clientHost: body.clientHost,
          subscribedTopicNames: body.subscribedTopicNames,
          subscribedTopicRegex: body.subscribedTopicRegex,
          rebalanceTimeoutMs: body.rebalanceTimeoutMs,
          serverAssignor: body.serverAssignor,
        },
      };
    case 6:
      return { kind: 'target-epoch', groupId, value: body && { assignmentEpoch: body.assignmentEpoch } };
    case 7:
      return { kind: 'target-member', groupId, memberId, value: body && fromList(body.topicPartitions) };
    default:
      return {
        kind: 'current-assignment',
        groupId,
        memberId,
        value: body && {
          memberEpoch: body.memberEpoch,
          previousMemberEpoch: body.previousMemberEpoch,
          state: memberStateFromValue(body.state),
          assignedPartitions: fromList(body.assignedPartitions),
          partitionsPendingRevocation: fromList(body.partitionsPendingRevocation),
        },
      };
  }
}

function decodeValue(type: number, value: Buffer) {
  const reader = new Reader(value);
  const version = reader.int16();
  // Later value versions only add tagged fields so far; a reader of version 0 skips them.
  if (version < 0)
    throw new MalformedMessageError(`consumer group record type ${type}: value version ${version}`);
  return decodeMessage(VALUES[type], 0, reader);
}

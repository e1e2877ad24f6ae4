// The __consumer_offsets format of the records of consumer and share groups (./server-group-records.ts),
// in Kafka's coordinator record format (./coordinator-record-format.ts): a key of the kind's record type
// with a group or member key struct (not flexible), and a value of version 0 with the value struct
// (flexible). The two group types use their own record types and Kafka's names ConsumerGroup*Value and
// ShareGroup*Value; the target assignment's values are laid out alike, and each type says how its group
// epoch, member subscription and current assignment values look.
import type { Message } from '../../protocol/codec.ts';
import type { FieldSchema, MessageSchema } from '../../protocol/schema/types.ts';
import { fromList, toList } from './consumer/topic-partitions.ts';
import {
  ALL_VERSIONS,
  decodeVersioned,
  encodeVersioned,
  field,
  recordTypeOf,
} from './coordinator-record-format.ts';
import type { CoordinatorRecord } from './group.ts';
import type { ServerGroupRecord } from './server-group-records.ts';

/** The struct version Nagare writes and reads (later versions only add tagged fields so far). */
const STRUCT_VERSION = 0;

type Kind = ServerGroupRecord<unknown, unknown>['kind'];

/** How one value struct is laid out, written from a record's value and read back into one. */
export interface ValueLayout<Value> {
  fields: FieldSchema[];
  encode(value: Value): Message;
  decode(body: Message): Value;
}

export interface ServerGroupRecordLayout<Subscription, Assignment> {
  /** The prefix of Kafka's value struct names: 'ConsumerGroup' or 'ShareGroup'. */
  name: string;
  /** The key record type of each kind of record. */
  recordTypes: Readonly<Record<Kind, number>>;
  /** The group epoch value's fields (its metadata hash is tagged in one type, not in the other). */
  groupEpochFields: FieldSchema[];
  member: ValueLayout<Subscription>;
  currentAssignment: ValueLayout<Assignment>;
}

export interface ServerGroupRecordCodec<Subscription, Assignment> {
  encode(record: ServerGroupRecord<Subscription, Assignment>): CoordinatorRecord;
  /** The group's record a __consumer_offsets record holds, or undefined when it is of another kind. */
  decode(key: Buffer, value: Buffer | null): ServerGroupRecord<Subscription, Assignment> | undefined;
}

export function structSchema(name: string, flexible: boolean, fields: FieldSchema[]): MessageSchema {
  return { name, validVersions: [0, 0], flexibleVersions: flexible ? ALL_VERSIONS : null, fields };
}

/** A list of topic ids with their partitions; `extra` adds fields to each entry. */
export function topicPartitionsField(name: string, extra: FieldSchema[] = []): FieldSchema {
  return field(name, 'struct', {
    array: true,
    fields: [field('topicId', 'uuid'), field('partitions', 'int32', { array: true }), ...extra],
  });
}

const groupKey = structSchema('GroupKey', false, [field('groupId', 'string')]);
const memberKey = structSchema('MemberKey', false, [field('groupId', 'string'), field('memberId', 'string')]);

export function serverGroupRecordCodec<Subscription, Assignment>(
  layout: ServerGroupRecordLayout<Subscription, Assignment>,
): ServerGroupRecordCodec<Subscription, Assignment> {
  type GroupRecord = ServerGroupRecord<Subscription, Assignment>;
  const { name, recordTypes, member, currentAssignment } = layout;
  const kinds = new Map<number, Kind>(
    Object.entries(recordTypes).map(([kind, type]) => [type, kind as Kind]),
  );
  const keys: Record<Kind, MessageSchema> = {
    'group-epoch': groupKey,
    member: memberKey,
    'target-epoch': groupKey,
    'target-member': memberKey,
    'current-assignment': memberKey,
  };
  const values: Record<Kind, MessageSchema> = {
    'group-epoch': structSchema(`${name}MetadataValue`, true, layout.groupEpochFields),
    member: structSchema(`${name}MemberMetadataValue`, true, member.fields),
    'target-epoch': structSchema(`${name}TargetAssignmentMetadataValue`, true, [
      field('assignmentEpoch', 'int32'),
      field('assignmentTimestamp', 'int64', { tag: 0, tagged: ALL_VERSIONS, default: '0' }),
    ]),
    'target-member': structSchema(`${name}TargetAssignmentMemberValue`, true, [
      topicPartitionsField('topicPartitions'),
    ]),
    'current-assignment': structSchema(`${name}CurrentMemberAssignmentValue`, true, currentAssignment.fields),
  };

  function valueBody(record: GroupRecord): Message {
    switch (record.kind) {
      case 'group-epoch':
        return { epoch: record.value!.epoch, metadataHash: record.value!.metadataHash };
      case 'member':
        return member.encode(record.value!);
      case 'target-epoch':
        return { assignmentEpoch: record.value!.assignmentEpoch, assignmentTimestamp: 0n };
      case 'target-member':
        return { topicPartitions: toList(record.value!) };
      case 'current-assignment':
        return currentAssignment.encode(record.value!);
    }
  }

  return {
    encode(record) {
      const type = recordTypes[record.kind];
      const memberId = 'memberId' in record ? record.memberId : undefined;
      const key = encodeVersioned(
        type,
        keys[record.kind],
        { groupId: record.groupId, memberId },
        STRUCT_VERSION,
      );
      if (record.value === null) return { key, value: null };
      return { key, value: encodeVersioned(STRUCT_VERSION, values[record.kind], valueBody(record)) };
    },

    decode(key, value) {
      const kind = kinds.get(recordTypeOf(key));
      if (!kind) return undefined;
      const { groupId, memberId } = decodeVersioned(key, keys[kind], STRUCT_VERSION).message;
      // A later value version is read as version 0, skipping the tagged fields it adds.
      const body = value === null ? null : decodeVersioned(value, values[kind], STRUCT_VERSION).message;
      switch (kind) {
        case 'group-epoch':
          return {
            kind,
            groupId,
            value: body && { epoch: body.epoch, metadataHash: body.metadataHash },
          };
        case 'member':
          return { kind, groupId, memberId, value: body && member.decode(body) };
        case 'target-epoch':
          return { kind, groupId, value: body && { assignmentEpoch: body.assignmentEpoch } };
        case 'target-member':
          return { kind, groupId, memberId, value: body && fromList(body.topicPartitions) };
        case 'current-assignment':
          return { kind, groupId, memberId, value: body && currentAssignment.decode(body) };
      }
    },
  };
}

// Consumer group records in __consumer_offsets, in Kafka's own format (coordinator-record-format.ts): a
// key of record type 3, 5, 6, 7 or 8 and that type's key struct (not flexible), and a value of version 0
// with the value struct (flexible, with tagged fields). The field layouts below are those of Kafka 4.3's
// coordinator record definitions (ConsumerGroupMetadataKey/Value and the others). Nagare reads back what
// it wrote; values are also readable by Kafka's tools.
import type { FieldSchema, MessageSchema } from '../../../protocol/schema/types.ts';
import {
  ALL_VERSIONS,
  decodeVersioned,
  encodeVersioned,
  field,
  recordTypeOf,
} from '../coordinator-record-format.ts';
import type { CoordinatorRecord } from '../group.ts';
import { MEMBER_STATES, memberStateFromValue } from './member.ts';
import type { ConsumerGroupRecord } from './records.ts';
import { fromList, type TopicPartitionList, toList } from './topic-partitions.ts';

/** The struct version Nagare writes and reads (later versions only add tagged fields so far). */
const STRUCT_VERSION = 0;

function schema(name: string, flexible: boolean, fields: FieldSchema[]): MessageSchema {
  return { name, validVersions: [0, 0], flexibleVersions: flexible ? ALL_VERSIONS : null, fields };
}

const nullable = { nullable: ALL_VERSIONS };
const groupKey = schema('GroupKey', false, [field('groupId', 'string')]);
const memberKey = schema('MemberKey', false, [field('groupId', 'string'), field('memberId', 'string')]);
/** A list of topic ids with partitions; the current assignment's lists add tagged fields. */
const topicPartitions = (name: string, extra: FieldSchema[] = []) =>
  field(name, 'struct', {
    array: true,
    fields: [field('topicId', 'uuid'), field('partitions', 'int32', { array: true }), ...extra],
  });
const assignmentEpochs = field('assignmentEpochs', 'int32', {
  array: true,
  ...nullable,
  tag: 0,
  tagged: ALL_VERSIONS,
  default: null,
});

/** The key record type of each kind of record. */
const RECORD_TYPES = {
  'group-epoch': 3,
  member: 5,
  'target-epoch': 6,
  'target-member': 7,
  'current-assignment': 8,
} as const;

const KEYS: Record<number, MessageSchema> = {
  [RECORD_TYPES['group-epoch']]: groupKey,
  [RECORD_TYPES.member]: memberKey,
  [RECORD_TYPES['target-epoch']]: groupKey,
  [RECORD_TYPES['target-member']]: memberKey,
  [RECORD_TYPES['current-assignment']]: memberKey,
};

const VALUES: Record<number, MessageSchema> = {
  [RECORD_TYPES['group-epoch']]: schema('ConsumerGroupMetadataValue', true, [
    field('epoch', 'int32'),
    field('metadataHash', 'int64', { tag: 0, tagged: ALL_VERSIONS, default: '0' }),
  ]),
  [RECORD_TYPES.member]: schema('ConsumerGroupMemberMetadataValue', true, [
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
      tagged: ALL_VERSIONS,
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
  [RECORD_TYPES['target-epoch']]: schema('ConsumerGroupTargetAssignmentMetadataValue', true, [
    field('assignmentEpoch', 'int32'),
    field('assignmentTimestamp', 'int64', { tag: 0, tagged: ALL_VERSIONS, default: '0' }),
  ]),
  [RECORD_TYPES['target-member']]: schema('ConsumerGroupTargetAssignmentMemberValue', true, [
    topicPartitions('topicPartitions'),
  ]),
  [RECORD_TYPES['current-assignment']]: schema('ConsumerGroupCurrentMemberAssignmentValue', true, [
    field('memberEpoch', 'int32'),
    field('previousMemberEpoch', 'int32'),
    field('state', 'int8'),
    topicPartitions('assignedPartitions', [assignmentEpochs]),
    topicPartitions('partitionsPendingRevocation', [assignmentEpochs]),
  ]),
};

export function encodeConsumerGroupRecord(record: ConsumerGroupRecord): CoordinatorRecord {
  const type = RECORD_TYPES[record.kind];
  const key = encodeVersioned(
    type,
    KEYS[type],
    { groupId: record.groupId, memberId: 'memberId' in record ? record.memberId : undefined },
    STRUCT_VERSION,
  );
  if (record.value === null) return { key, value: null };
  return { key, value: encodeVersioned(STRUCT_VERSION, VALUES[type], valueBody(record)) };
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
  const type = recordTypeOf(key);
  const keySchema = KEYS[type];
  if (!keySchema) return undefined;
  const { groupId, memberId } = decodeVersioned(key, keySchema, STRUCT_VERSION).message;
  // A later value version is read as version 0, skipping the tagged fields it adds.
  const body = value === null ? null : decodeVersioned(value, VALUES[type], STRUCT_VERSION).message;
  switch (type) {
    case RECORD_TYPES['group-epoch']:
      return {
        kind: 'group-epoch',
        groupId,
        value: body && { epoch: body.epoch, metadataHash: body.metadataHash },
      };
    case RECORD_TYPES.member:
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
    case RECORD_TYPES['target-epoch']:
      return { kind: 'target-epoch', groupId, value: body && { assignmentEpoch: body.assignmentEpoch } };
    case RECORD_TYPES['target-member']:
      return { kind: 'target-member', groupId, memberId, value: body && fromList(body.topicPartitions) };
    default: // RECORD_TYPES['current-assignment'], the only type KEYS has left
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

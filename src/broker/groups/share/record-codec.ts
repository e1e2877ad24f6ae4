// Share group records in __consumer_offsets, in Kafka's coordinator record format
// (../server-group-record-codec.ts): key record types 10 to 14, with the field layouts of Kafka 4.3's
// ShareGroup* coordinator record definitions. ShareGroupStatePartitionMetadata (15), which tracks the
// initialisation of Kafka's share-group state topic, is not written: Nagare keeps share state next to the
// partitions (src/broker/share), and Kafka's records of that type are ignored when read.
import { fromList, toList } from '../consumer/topic-partitions.ts';
import { ALL_VERSIONS, field } from '../coordinator-record-format.ts';
import type { CoordinatorRecord } from '../group.ts';
import { serverGroupRecordCodec, topicPartitionsField } from '../server-group-record-codec.ts';
import type { ShareGroupRecord, ShareMemberAssignment, ShareMemberSubscription } from './records.ts';

/** ShareGroupCurrentMemberAssignmentValue.state: Kafka's MemberState.STABLE, the only state of a share member. */
const STABLE = 0;

const codec = serverGroupRecordCodec<ShareMemberSubscription, ShareMemberAssignment>({
  name: 'ShareGroup',
  recordTypes: {
    member: 10,
    'group-epoch': 11,
    'target-epoch': 12,
    'target-member': 13,
    'current-assignment': 14,
  },
  groupEpochFields: [field('epoch', 'int32'), field('metadataHash', 'int64')],
  member: {
    fields: [
      field('rackId', 'string', { nullable: ALL_VERSIONS }),
      field('clientId', 'string'),
      field('clientHost', 'string'),
      field('subscribedTopicNames', 'string', { array: true }),
    ],
    encode: (v) => ({ ...v, subscribedTopicNames: [...v.subscribedTopicNames] }),
    decode: (body) => ({
      rackId: body.rackId,
      clientId: body.clientId,
      clientHost: body.clientHost,
      subscribedTopicNames: body.subscribedTopicNames,
    }),
  },
  currentAssignment: {
    fields: [
      field('memberEpoch', 'int32'),
      field('previousMemberEpoch', 'int32'),
      field('state', 'int8'),
      topicPartitionsField('assignedPartitions'),
    ],
    encode: (v) => ({
      memberEpoch: v.memberEpoch,
      previousMemberEpoch: v.previousMemberEpoch,
      state: STABLE,
      assignedPartitions: toList(v.assignedPartitions),
    }),
    decode: (body) => ({
      memberEpoch: body.memberEpoch,
      previousMemberEpoch: body.previousMemberEpoch,
      assignedPartitions: fromList(body.assignedPartitions),
    }),
  },
});

export function encodeShareGroupRecord(record: ShareGroupRecord): CoordinatorRecord {
  return codec.encode(record);
}

/** The share group record a __consumer_offsets record holds, or undefined when it is of another kind. */
export function decodeShareGroupRecord(key: Buffer, value: Buffer | null): ShareGroupRecord | undefined {
  return codec.decode(key, value);
}

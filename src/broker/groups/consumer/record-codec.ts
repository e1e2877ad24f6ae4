// Consumer group records in __consumer_offsets, in Kafka's own format (../server-group-record-codec.ts):
// key record types 3, 5, 6, 7 and 8, with the field layouts of Kafka 4.3's coordinator record definitions
// (ConsumerGroupMetadataKey/Value and the others). Nagare reads back what it wrote; values are also
// readable by Kafka's tools. Consumer group kinds Nagare does not keep are not decoded (4: partition
// metadata, replaced by the metadata hash; 16: resolved regexes, recomputed), nor are offsets and classic
// groups.
import { ALL_VERSIONS, field } from '../coordinator-record-format.ts';
import type { CoordinatorRecord } from '../group.ts';
import { serverGroupRecordCodec, topicPartitionsField } from '../server-group-record-codec.ts';
import {
  MEMBER_STATES,
  type MemberAssignmentState,
  type MemberSubscription,
  memberStateFromValue,
} from './member.ts';
import type { ConsumerGroupRecord } from './records.ts';
import { fromList, type TopicPartitionList, toList } from './topic-partitions.ts';

const nullable = { nullable: ALL_VERSIONS };
/** The current assignment's partition lists add the assignment epochs, which Nagare does not keep. */
const assignmentEpochs = field('assignmentEpochs', 'int32', {
  array: true,
  ...nullable,
  tag: 0,
  tagged: ALL_VERSIONS,
  default: null,
});

function withEpochs(list: TopicPartitionList[]) {
  return list.map((entry) => ({ ...entry, assignmentEpochs: null }));
}

const codec = serverGroupRecordCodec<MemberSubscription, MemberAssignmentState>({
  name: 'ConsumerGroup',
  recordTypes: {
    'group-epoch': 3,
    member: 5,
    'target-epoch': 6,
    'target-member': 7,
    'current-assignment': 8,
  },
  groupEpochFields: [
    field('epoch', 'int32'),
    field('metadataHash', 'int64', { tag: 0, tagged: ALL_VERSIONS, default: '0' }),
  ],
  member: {
    fields: [
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
    ],
    encode: (v) => ({ ...v, subscribedTopicNames: [...v.subscribedTopicNames], classicMemberMetadata: null }),
    decode: (body) => ({
      instanceId: body.instanceId,
      rackId: body.rackId,
      clientId: body.clientId,
      clientHost: body.clientHost,
      subscribedTopicNames: body.subscribedTopicNames,
      subscribedTopicRegex: body.subscribedTopicRegex,
      rebalanceTimeoutMs: body.rebalanceTimeoutMs,
      serverAssignor: body.serverAssignor,
    }),
  },
  currentAssignment: {
    fields: [
      field('memberEpoch', 'int32'),
      field('previousMemberEpoch', 'int32'),
      field('state', 'int8'),
      topicPartitionsField('assignedPartitions', [assignmentEpochs]),
      topicPartitionsField('partitionsPendingRevocation', [assignmentEpochs]),
    ],
    encode: (v) => ({
      memberEpoch: v.memberEpoch,
      previousMemberEpoch: v.previousMemberEpoch,
      state: MEMBER_STATES[v.state],
      assignedPartitions: withEpochs(toList(v.assignedPartitions)),
      partitionsPendingRevocation: withEpochs(toList(v.partitionsPendingRevocation)),
    }),
    decode: (body) => ({
      memberEpoch: body.memberEpoch,
      previousMemberEpoch: body.previousMemberEpoch,
      state: memberStateFromValue(body.state),
      assignedPartitions: fromList(body.assignedPartitions),
      partitionsPendingRevocation: fromList(body.partitionsPendingRevocation),
    }),
  },
});

export function encodeConsumerGroupRecord(record: ConsumerGroupRecord): CoordinatorRecord {
  return codec.encode(record);
}

/** The consumer group record a __consumer_offsets record holds, or undefined when it is of another kind. */
export function decodeConsumerGroupRecord(
  key: Buffer,
  value: Buffer | null,
): ConsumerGroupRecord | undefined {
  return codec.decode(key, value);
}

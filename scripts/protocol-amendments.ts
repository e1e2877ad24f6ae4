// Nagare's amendments to the message definitions in ../shared/kafka-protocol/messages, applied by
// scripts/generate-protocol.ts. The shared snapshot stops at the early-access v0 of the KIP-932 share
// APIs; Kafka 4.1 removed v0 and made v1 the stable version, which is what librdkafka 2.15 and the Java
// 4.3 clients speak. Each entry states facts about Kafka's wire format (version ranges, fields added or
// retired in a version), checked against the schemas compiled into kafka-clients 4.3.1. Later versions
// (v2: KIP-1206/KIP-1222) are deliberately left out until we serve them.

/** A field in the shape of Kafka's message definitions (names in PascalCase, versions like "1+"). */
export interface AmendedField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  default?: string | number | boolean;
  /** The fields of a struct or an array of structs. */
  fields?: AmendedField[];
}

export interface MessageAmendment {
  /** The versions Kafka serves for this message now. */
  validVersions: string;
  /** Fields added by a later version, each placed right after an existing field (a dot path). */
  addFields?: { after: string; field: AmendedField }[];
  /** Existing fields whose version range changed, by dot path (e.g. a field retired after v0). */
  fieldVersions?: Record<string, string>;
}

export const AMENDMENTS: Record<string, MessageAmendment> = {
  // v1 of the heartbeat and describe APIs has exactly the v0 fields.
  ShareGroupHeartbeatRequest: { validVersions: '1' },
  ShareGroupHeartbeatResponse: { validVersions: '1' },
  ShareGroupDescribeRequest: { validVersions: '1' },
  ShareGroupDescribeResponse: { validVersions: '1' },
  ShareFetchRequest: {
    validVersions: '1',
    addFields: [
      { after: 'MaxBytes', field: { name: 'MaxRecords', type: 'int32', versions: '1+' } },
      { after: 'MaxRecords', field: { name: 'BatchSize', type: 'int32', versions: '1+' } },
    ],
    fieldVersions: { 'Topics.Partitions.PartitionMaxBytes': '0' },
  },
  ShareFetchResponse: {
    validVersions: '1',
    addFields: [
      { after: 'ErrorMessage', field: { name: 'AcquisitionLockTimeoutMs', type: 'int32', versions: '1+' } },
    ],
  },
  ShareAcknowledgeRequest: { validVersions: '1' },
  ShareAcknowledgeResponse: { validVersions: '1' },
  // Transactions (KIP-890 part 2): Produce v12 and TxnOffsetCommit v5 have exactly the fields of v11 and
  // v4; a client sends them when it uses transaction.version 2, so that the broker adds the partition to
  // the transaction itself. (Produce v13, with topic ids, is left out until we serve it.)
  ProduceRequest: { validVersions: '0-12' },
  ProduceResponse: { validVersions: '0-12' },
  TxnOffsetCommitRequest: { validVersions: '0-5' },
  TxnOffsetCommitResponse: { validVersions: '0-5' },
};

/** A whole message the shared snapshot lacks (an API added after it), in the shape of Kafka's JSON files. */
export interface AddedMessage {
  apiKey: number;
  type: 'request' | 'response';
  name: string;
  listeners?: string[];
  validVersions: string;
  flexibleVersions: string;
  fields: AmendedField[];
}

const f = (name: string, type: string, versions = '0+', extra: Partial<AmendedField> = {}): AmendedField => ({
  name,
  type,
  versions,
  ...extra,
});
const nullableMessage = (name: string) =>
  f(name, 'string', '0+', { nullableVersions: '0+', default: 'null' });

// KIP-932's offset administration APIs (Kafka 4.1+; DescribeShareGroupOffsets v1 adds Lag, KIP-1226),
// as the schemas compiled into kafka-clients 4.3.1 define them. All versions are flexible.
export const ADDED_MESSAGES: AddedMessage[] = [
  {
    apiKey: 90,
    type: 'request',
    name: 'DescribeShareGroupOffsetsRequest',
    listeners: ['broker'],
    validVersions: '0-1',
    flexibleVersions: '0+',
    fields: [
      f('Groups', '[]DescribeShareGroupOffsetsRequestGroup', '0+', {
        fields: [
          f('GroupId', 'string'),
          f('Topics', '[]DescribeShareGroupOffsetsRequestTopic', '0+', {
            nullableVersions: '0+',
            fields: [f('TopicName', 'string'), f('Partitions', '[]int32')],
          }),
        ],
      }),
    ],
  },
  {
    apiKey: 90,
    type: 'response',
    name: 'DescribeShareGroupOffsetsResponse',
    validVersions: '0-1',
    flexibleVersions: '0+',
    fields: [
      f('ThrottleTimeMs', 'int32'),
      f('Groups', '[]DescribeShareGroupOffsetsResponseGroup', '0+', {
        fields: [
          f('GroupId', 'string'),
          f('Topics', '[]DescribeShareGroupOffsetsResponseTopic', '0+', {
            fields: [
              f('TopicName', 'string'),
              f('TopicId', 'uuid'),
              f('Partitions', '[]DescribeShareGroupOffsetsResponsePartition', '0+', {
                fields: [
                  f('PartitionIndex', 'int32'),
                  f('StartOffset', 'int64'),
                  f('LeaderEpoch', 'int32'),
                  f('Lag', 'int64', '1+', { default: -1 }),
                  f('ErrorCode', 'int16'),
                  nullableMessage('ErrorMessage'),
                ],
              }),
            ],
          }),
          f('ErrorCode', 'int16'),
          nullableMessage('ErrorMessage'),
        ],
      }),
    ],
  },
  {
    apiKey: 91,
    type: 'request',
    name: 'AlterShareGroupOffsetsRequest',
    listeners: ['broker'],
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      f('GroupId', 'string'),
      f('Topics', '[]AlterShareGroupOffsetsRequestTopic', '0+', {
        fields: [
          f('TopicName', 'string'),
          f('Partitions', '[]AlterShareGroupOffsetsRequestPartition', '0+', {
            fields: [f('PartitionIndex', 'int32'), f('StartOffset', 'int64')],
          }),
        ],
      }),
    ],
  },
  {
    apiKey: 91,
    type: 'response',
    name: 'AlterShareGroupOffsetsResponse',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      f('ThrottleTimeMs', 'int32'),
      f('ErrorCode', 'int16'),
      nullableMessage('ErrorMessage'),
      f('Responses', '[]AlterShareGroupOffsetsResponseTopic', '0+', {
        fields: [
          f('TopicName', 'string'),
          f('TopicId', 'uuid'),
          f('Partitions', '[]AlterShareGroupOffsetsResponsePartition', '0+', {
            fields: [f('PartitionIndex', 'int32'), f('ErrorCode', 'int16'), nullableMessage('ErrorMessage')],
          }),
        ],
      }),
    ],
  },
  {
    apiKey: 92,
    type: 'request',
    name: 'DeleteShareGroupOffsetsRequest',
    listeners: ['broker'],
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      f('GroupId', 'string'),
      f('Topics', '[]DeleteShareGroupOffsetsRequestTopic', '0+', { fields: [f('TopicName', 'string')] }),
    ],
  },
  {
    apiKey: 92,
    type: 'response',
    name: 'DeleteShareGroupOffsetsResponse',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      f('ThrottleTimeMs', 'int32'),
      f('ErrorCode', 'int16'),
      nullableMessage('ErrorMessage'),
      f('Responses', '[]DeleteShareGroupOffsetsResponseTopic', '0+', {
        fields: [
          f('TopicName', 'string'),
          f('TopicId', 'uuid'),
          f('ErrorCode', 'int16'),
          nullableMessage('ErrorMessage'),
        ],
      }),
    ],
  },
];

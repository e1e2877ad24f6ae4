// Share group records survive their trip through __consumer_offsets: Kafka's key types 10–14, value
// version 0, and records of other kinds are left to their own decoders.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordTypeOf } from '../../../../src/broker/groups/coordinator-record-format.ts';
import {
  decodeShareGroupRecord,
  encodeShareGroupRecord,
} from '../../../../src/broker/groups/share/record-codec.ts';
import type { ShareGroupRecord } from '../../../../src/broker/groups/share/records.ts';

const topicId = 'AAAAAAAAAAAAAAAAAAAAAQ';
const records: ShareGroupRecord[] = [
  {
    kind: 'member',
    groupId: 'g',
    memberId: 'm',
    value: { rackId: null, clientId: 'c', clientHost: '/127.0.0.1', subscribedTopicNames: ['t'] },
  },
  { kind: 'group-epoch', groupId: 'g', value: { epoch: 3, metadataHash: -5n } },
  { kind: 'target-epoch', groupId: 'g', value: { assignmentEpoch: 3 } },
  { kind: 'target-member', groupId: 'g', memberId: 'm', value: new Map([[topicId, new Set([0, 2])]]) },
  {
    kind: 'current-assignment',
    groupId: 'g',
    memberId: 'm',
    value: { memberEpoch: 3, previousMemberEpoch: 2, assignedPartitions: new Map([[topicId, new Set([1])]]) },
  },
  { kind: 'member', groupId: 'g', memberId: 'm', value: null },
];

describe('share group record codec', () => {
  it('round-trips every kind, tombstones included, under Kafka key types 10 to 14', () => {
    for (const record of records) {
      const { key, value } = encodeShareGroupRecord(record);
      assert.deepEqual(decodeShareGroupRecord(key, value), record);
    }
    const types = records.map((r) => recordTypeOf(encodeShareGroupRecord(r).key));
    assert.deepEqual(types, [10, 11, 12, 13, 14, 10]);
  });

  it('leaves consumer group and offset records alone', () => {
    const key = Buffer.from([0, 3, 0, 1, 0x67]);
    assert.equal(decodeShareGroupRecord(key, null), undefined);
  });
});

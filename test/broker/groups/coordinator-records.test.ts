import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coordinatorPartitionFor, javaStringHashCode } from '../../../src/broker/coordinator-partition.ts';
import { recordTypeOf } from '../../../src/broker/groups/coordinator-record-format.ts';
import {
  decodeGroupMetadataKey,
  decodeGroupMetadataValue,
  decodeOffsetCommitKey,
  decodeOffsetCommitValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  RECORD_TYPE,
  type StoredGroupMetadata,
} from '../../../src/broker/groups/coordinator-records.ts';

describe('__consumer_offsets records', () => {
  it('writes an offset commit key as Kafka does: type 1, group, topic, partition', () => {
    const key = encodeOffsetCommitKey({ group: 'g', topic: 't', partition: 7 });
    assert.equal(key.toString('hex'), '0001' + '000167' + '000174' + '00000007');
    assert.equal(recordTypeOf(key), RECORD_TYPE.offsetCommit);
    assert.deepEqual(decodeOffsetCommitKey(key), { group: 'g', topic: 't', partition: 7 });
  });

  it('writes offset values as v3 (leader epoch), or v1 with an expire timestamp', () => {
    const v3 = encodeOffsetCommitValue({
      offset: 42n,
      leaderEpoch: 5,
      metadata: 'm',
      commitTimestampMs: 1000,
    });
    assert.equal(
      v3.toString('hex'),
      `0003${'000000000000002a'}${'00000005'}${'00016d'}${'00000000000003e8'}`,
    );
    assert.deepEqual(decodeOffsetCommitValue(v3), {
      offset: 42n,
      leaderEpoch: 5,
      metadata: 'm',
      commitTimestampMs: 1000,
    });
    const expiring = {
      offset: 1n,
      leaderEpoch: -1,
      metadata: '',
      commitTimestampMs: 1000,
      expireTimestampMs: 5000,
    };
    const v1 = encodeOffsetCommitValue(expiring);
    assert.equal(v1.readInt16BE(0), 1);
    assert.deepEqual(decodeOffsetCommitValue(v1), expiring);
  });

  it('reads the legacy v0 offset value of old brokers', () => {
    const v0 = Buffer.from(`0000${'0000000000000009'}${'0000'}${'0000000000000064'}`, 'hex');
    assert.deepEqual(decodeOffsetCommitValue(v0), {
      offset: 9n,
      leaderEpoch: -1,
      metadata: '',
      commitTimestampMs: 100,
    });
  });

  it('round-trips group metadata (v3) with static and dynamic members', () => {
    const group: StoredGroupMetadata = {
      protocolType: 'consumer',
      generation: 4,
      protocol: 'range',
      leader: 'a-1',
      currentStateTimestampMs: 123,
      members: [
        {
          memberId: 'a-1',
          groupInstanceId: 'instance-a',
          clientId: 'a',
          clientHost: '/127.0.0.1',
          rebalanceTimeoutMs: 300_000,
          sessionTimeoutMs: 45_000,
          subscription: Buffer.from('sub'),
          assignment: Buffer.from('assign'),
        },
        {
          memberId: 'b-2',
          groupInstanceId: null,
          clientId: 'b',
          clientHost: '/127.0.0.2',
          rebalanceTimeoutMs: 1000,
          sessionTimeoutMs: 1000,
          subscription: Buffer.alloc(0),
          assignment: Buffer.alloc(0),
        },
      ],
    };
    const key = encodeGroupMetadataKey('my-group');
    assert.equal(recordTypeOf(key), RECORD_TYPE.groupMetadata);
    assert.equal(decodeGroupMetadataKey(key), 'my-group');
    const value = encodeGroupMetadataValue(group);
    assert.equal(value.readInt16BE(0), 3);
    assert.deepEqual(decodeGroupMetadataValue(value), group);
  });

  it('places a group in the partition Kafka picks: abs(String.hashCode) mod count', () => {
    assert.equal(javaStringHashCode('hello'), 99162322);
    assert.equal(javaStringHashCode(''), 0);
    // Java's famous string whose hash is Integer.MIN_VALUE: Kafka's Utils.abs maps it to 0.
    assert.equal(javaStringHashCode('polygenelubricants'), -2147483648);
    assert.equal(coordinatorPartitionFor('polygenelubricants', 50), 0);
    assert.equal(coordinatorPartitionFor('hello', 50), 99162322 % 50);
    assert.equal(coordinatorPartitionFor('groupé', 7), Math.abs(javaStringHashCode('groupé')) % 7);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RECORD_STATE } from '../../../src/broker/share/share-partition.ts';
import {
  applyShareUpdate,
  decodeShareRecord,
  encodeShareKey,
  encodeShareSnapshotValue,
  type ShareStateValue,
} from '../../../src/broker/share/share-state-records.ts';

const key = { groupId: 'g', topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partition: 3 };
const value: ShareStateValue = {
  snapshotEpoch: 7,
  stateEpoch: 0,
  leaderEpoch: 0,
  startOffset: 10n,
  createTimestamp: 1000n,
  writeTimestamp: 2000n,
  stateBatches: [
    { firstOffset: 10n, lastOffset: 11n, deliveryState: RECORD_STATE.available, deliveryCount: 2 },
    { firstOffset: 12n, lastOffset: 12n, deliveryState: RECORD_STATE.acknowledged, deliveryCount: 1 },
  ],
};

describe('__share_group_state records', () => {
  it("writes Kafka's ShareSnapshot key and value layout", () => {
    const k = encodeShareKey(key);
    // int16 record type 0, then GroupId (int16 length + bytes), TopicId (16 bytes), Partition (int32).
    assert.equal(k.readInt16BE(0), 0);
    assert.equal(k.readInt16BE(2), 1);
    assert.equal(k.length, 2 + 2 + 1 + 16 + 4);
    assert.equal(k.readInt32BE(k.length - 4), 3);
    const v = encodeShareSnapshotValue(value);
    assert.equal(v.readInt16BE(0), 0, 'value version 0');
    assert.equal(v.readInt32BE(2), 7, 'SnapshotEpoch first');
    assert.deepEqual(decodeShareRecord(k, v), { type: 'snapshot', key, value });
  });

  it('reads a tombstone as a deletion and skips unknown record types', () => {
    assert.deepEqual(decodeShareRecord(encodeShareKey(key), null), { type: 'deleted', key });
    const other = Buffer.from(encodeShareKey(key));
    other.writeInt16BE(5, 0);
    assert.equal(decodeShareRecord(other, null), undefined);
  });

  it('merges an update over a snapshot as the share coordinator does', () => {
    const merged = applyShareUpdate(value, {
      ...value,
      startOffset: 11n,
      stateBatches: [
        { firstOffset: 11n, lastOffset: 13n, deliveryState: RECORD_STATE.archived, deliveryCount: 3 },
      ],
    });
    assert.equal(merged.startOffset, 11n);
    assert.deepEqual(merged.stateBatches, [
      { firstOffset: 11n, lastOffset: 13n, deliveryState: RECORD_STATE.archived, deliveryCount: 3 },
    ]);
    assert.equal(applyShareUpdate(value, { ...value, startOffset: -1n, stateBatches: [] }).startOffset, 10n);
  });
});

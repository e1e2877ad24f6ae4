import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBatch } from '../../../src/protocol/records/batch.ts';
import { RecordBatchError } from '../../../src/protocol/records/batch-error.ts';
import {
  buildEndTxnMarkerBatch,
  CONTROL_TYPE,
  endTxnMarkerRecord,
  parseControlKey,
  parseEndTxnMarker,
} from '../../../src/protocol/records/control.ts';
import { validateBatch } from '../../../src/protocol/records/validate.ts';

const hex = (s: string) => Buffer.from(s.replaceAll(' ', ''), 'hex');

function invalidRecord(message: string) {
  return (error: unknown) =>
    error instanceof RecordBatchError && error.code === 'INVALID_RECORD' && error.message === message;
}

describe('end-transaction markers', () => {
  test('types as Kafka numbers them', () => {
    assert.deepEqual(CONTROL_TYPE, { abort: 0, commit: 1 });
  });

  test('key and value bytes', () => {
    const commit = endTxnMarkerRecord({ commit: true, coordinatorEpoch: 0x01020304 }, 5n);
    assert.deepEqual(commit.key, hex('0000 0001'), 'key version 0, type COMMIT');
    assert.deepEqual(commit.value, hex('0000 01020304'), 'value version 0, coordinator epoch');
    assert.deepEqual(endTxnMarkerRecord({ commit: false, coordinatorEpoch: 0 }, 5n).key, hex('0000 0000'));
  });

  for (const commit of [true, false]) {
    test(`a ${commit ? 'commit' : 'abort'} marker batch reads back as Kafka writes it`, async () => {
      const batch = buildEndTxnMarkerBatch({
        commit,
        coordinatorEpoch: 12,
        producerId: 4000n,
        producerEpoch: 3,
        baseOffset: 50n,
        partitionLeaderEpoch: 2,
        timestamp: 1700000000000n,
      });
      const parsed = await parseBatch(batch);
      assert.equal(parsed.control, true);
      assert.equal(parsed.transactional, true);
      assert.deepEqual(
        [
          parsed.header.producerId,
          parsed.header.producerEpoch,
          parsed.header.baseSequence,
          parsed.header.baseOffset,
        ],
        [4000n, 3, -1, 50n],
      );
      assert.equal(parsed.records.length, 1);
      assert.equal(parsed.records[0].timestamp, 1700000000000n);
      assert.deepEqual(parseEndTxnMarker(parsed.records[0]), { commit, coordinatorEpoch: 12 });
      assert.ok(validateBatch(batch, 0, { origin: 'log' }).ok);
      assert.equal(validateBatch(batch).ok, false, 'a client may not write control batches');
    });
  }
});

describe('parsing control keys and marker values', () => {
  test('a newer key version is read as version 0; an unknown type is reported as is', () => {
    assert.deepEqual(parseControlKey(hex('0001 0001 ffff')), { version: 1, type: 1 });
    assert.deepEqual(parseControlKey(hex('0000 0003')), { version: 0, type: 3 });
  });

  test('a null or short key, and a negative version, are INVALID_RECORD', () => {
    assert.throws(
      () => parseControlKey(null),
      invalidRecord(
        'Invalid value size found for control record key. Must have at least 4 bytes, but found a null key',
      ),
    );
    assert.throws(
      () => parseControlKey(hex('0000 00')),
      invalidRecord(
        'Invalid value size found for control record key. Must have at least 4 bytes, but found only 3',
      ),
    );
    assert.throws(
      () => parseControlKey(hex('ffff 0001')),
      invalidRecord('Invalid version found for control record: -1'),
    );
  });

  test('a marker needs an abort or commit type and a 6-byte value of a known version', () => {
    const value = hex('0000 00000007');
    assert.throws(
      () => parseEndTxnMarker({ key: hex('0000 0002'), value }),
      invalidRecord('Invalid control record type for end transaction marker: 2'),
    );
    assert.throws(
      () => parseEndTxnMarker({ key: hex('0000 0001'), value: hex('0000 0000') }),
      invalidRecord(
        'Invalid value size found for end transaction marker. Must have at least 6 bytes, but found only 4',
      ),
    );
    assert.throws(
      () => parseEndTxnMarker({ key: hex('0000 0001'), value: hex('8000 00000007') }),
      invalidRecord('Invalid version found for end transaction marker: -32768'),
    );
    assert.deepEqual(parseEndTxnMarker({ key: hex('0000 0000'), value: hex('0005 00000007 ff') }), {
      commit: false,
      coordinatorEpoch: 7,
    });
  });
});

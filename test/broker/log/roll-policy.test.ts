import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shouldRoll } from '../../../src/broker/log/roll-policy.ts';
import { classifyPartitionFiles, segmentFileName } from '../../../src/broker/log/segment-files.ts';

const segment = {
  size: 500,
  firstBatchTimestamp: 10_000n,
  createdMs: 0,
  indexFull: false,
  canHold: (offset: bigint) => offset < 1000n,
};
const append = { bytes: 100, maxTimestamp: 10_500n, lastOffset: 10n };
const config = { segmentBytes: 1000, segmentMs: 1000 };

test('shouldRoll follows Kafka: size, record-time age, index room, relative offset range', () => {
  assert.equal(shouldRoll(segment, append, config, 0), false);
  assert.equal(shouldRoll(segment, { ...append, bytes: 500 }, config, 0), false, 'exactly full is allowed');
  assert.equal(shouldRoll(segment, { ...append, bytes: 501 }, config, 0), true);
  assert.equal(shouldRoll(segment, { ...append, maxTimestamp: 11_001n }, config, 0), true);
  assert.equal(shouldRoll(segment, append, config, 99_999_999), false, 'record time, not the clock');
  assert.equal(shouldRoll({ ...segment, indexFull: true }, append, config, 0), true);
  assert.equal(shouldRoll(segment, { ...append, lastOffset: 1000n }, config, 0), true);
  assert.equal(
    shouldRoll({ ...segment, size: 0 }, { ...append, bytes: 5000 }, config, 0),
    false,
    'never an empty one',
  );
});

test('without a first-batch timestamp the segment ages by the clock from its creation', () => {
  const untimed = { ...segment, firstBatchTimestamp: -1n, createdMs: 5000 };
  assert.equal(shouldRoll(untimed, append, config, 6000), false);
  assert.equal(shouldRoll(untimed, append, config, 6001), true);
});

test('partition files: segments sorted with their index status, leftovers and orphans marked for removal', () => {
  const names = [
    segmentFileName(200n, '.log'),
    segmentFileName(200n, '.index'),
    segmentFileName(0n, '.timeindex'),
    segmentFileName(0n, '.index'),
    segmentFileName(0n, '.log'),
    segmentFileName(300n, '.index'),
    segmentFileName(200n, '.txnindex'),
    segmentFileName(300n, '.txnindex'),
    segmentFileName(200n, '.snapshot'),
    `${segmentFileName(300n, '.snapshot')}.tmp`,
    `${segmentFileName(200n, '.index')}.tmp`,
    'log-start-offset.tmp',
    'leader-epoch-checkpoint',
    'something.tmp',
  ];
  const { segments, garbage } = classifyPartitionFiles(names);
  assert.deepEqual(segments, [
    { baseOffset: 0n, hasIndexes: true, hasTxnIndex: false },
    { baseOffset: 200n, hasIndexes: false, hasTxnIndex: true },
  ]);
  assert.deepEqual(garbage.sort(), [
    '00000000000000000200.index.tmp',
    '00000000000000000300.index',
    '00000000000000000300.snapshot.tmp',
    '00000000000000000300.txnindex',
    'log-start-offset.tmp',
  ]);
  assert.equal(segmentFileName(12345678901234567890n, '.log'), '12345678901234567890.log');
});

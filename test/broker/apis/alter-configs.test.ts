import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyIncremental, OPERATION } from '../../../src/broker/apis/alter-configs.ts';

const defaults = (name: string) => (name === 'cleanup.policy' ? 'delete' : undefined);

test('SET and DELETE change single overrides and leave the others', () => {
  const next = applyIncremental(
    { 'retention.ms': '1000', 'segment.ms': '2000' },
    [
      { name: 'retention.ms', configOperation: OPERATION.SET, value: '5000' },
      { name: 'segment.ms', configOperation: OPERATION.DELETE, value: null },
    ],
    defaults,
  );
  assert.deepEqual(next, { 'retention.ms': '5000' });
});

test('APPEND and SUBTRACT work on list configs, starting from the default when unset', () => {
  const appended = applyIncremental(
    {},
    [{ name: 'cleanup.policy', configOperation: OPERATION.APPEND, value: 'compact' }],
    defaults,
  );
  assert.deepEqual(appended, { 'cleanup.policy': 'delete,compact' });
  const again = applyIncremental(
    appended as Record<string, string>,
    [{ name: 'cleanup.policy', configOperation: OPERATION.APPEND, value: 'compact' }],
    defaults,
  );
  assert.deepEqual(again, { 'cleanup.policy': 'delete,compact' }, 'no duplicates');
  const subtracted = applyIncremental(
    appended as Record<string, string>,
    [{ name: 'cleanup.policy', configOperation: OPERATION.SUBTRACT, value: 'delete' }],
    defaults,
  );
  assert.deepEqual(subtracted, { 'cleanup.policy': 'compact' });
});

test('misuse is an error message: APPEND on a non-list, SET to null, the same key twice, unknown operation', () => {
  const cases = [
    [{ name: 'retention.ms', configOperation: OPERATION.APPEND, value: '1' }],
    [{ name: 'retention.ms', configOperation: OPERATION.SET, value: null }],
    [
      { name: 'retention.ms', configOperation: OPERATION.SET, value: '1' },
      { name: 'retention.ms', configOperation: OPERATION.DELETE, value: null },
    ],
    [{ name: 'retention.ms', configOperation: 9, value: '1' }],
  ];
  for (const ops of cases)
    assert.equal(typeof applyIncremental({}, ops, defaults), 'string', JSON.stringify(ops));
  assert.match(
    applyIncremental({}, cases[0], defaults) as string,
    /append is not allowed for config key: retention\.ms/,
  );
});

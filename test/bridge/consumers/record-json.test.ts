import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FetchedRecord } from '../../../src/bridge/consumers/positions.ts';
import { pollResponseBody, toConsumerRecordJson } from '../../../src/bridge/consumers/record-json.ts';
import { BridgeHttpError } from '../../../src/bridge/errors.ts';

const record = (key: string | undefined, value: string | undefined): FetchedRecord => ({
  topic: 't',
  partition: 2,
  offset: 41n,
  timestamp: 1700000000000n,
  key: key === undefined ? undefined : Buffer.from(key),
  value: value === undefined ? undefined : Buffer.from(value),
  headers: [[Buffer.from('h'), Buffer.from('v')]],
});

test('each format renders keys and values its way; headers are base64 in all of them', () => {
  const json = toConsumerRecordJson(record('{"id":1}', '[1,"two"]'), 'json');
  assert.deepEqual(json, {
    topic: 't',
    key: { id: 1 },
    value: [1, 'two'],
    partition: 2,
    offset: 41,
    timestamp: 1700000000000,
    headers: [{ key: 'h', value: Buffer.from('v').toString('base64') }],
  });
  assert.equal(toConsumerRecordJson(record('k', 'v'), 'binary').value, Buffer.from('v').toString('base64'));
  assert.equal(toConsumerRecordJson(record('k', '"v"'), 'text').value, '"v"');
});

test('a tombstone has a null value, and a record without a key no key', () => {
  const json = toConsumerRecordJson(record(undefined, undefined), 'text');
  assert.equal(json.value, null);
  assert.equal('key' in json, false);
});

test('a record that is not JSON fails a json poll with 406, as in Strimzi', () => {
  assert.throws(
    () => toConsumerRecordJson(record(undefined, 'not json'), 'json'),
    (err: unknown) =>
      err instanceof BridgeHttpError && err.status === 406 && err.message.startsWith('Failed to decode'),
  );
});

test('max_bytes bounds the whole answer: beyond it the poll is 422', () => {
  const records = [record('k', 'v')];
  const body = pollResponseBody(records, 'text');
  assert.deepEqual(JSON.parse(body.toString()), [toConsumerRecordJson(records[0], 'text')]);
  assert.equal(pollResponseBody(records, 'text', body.length).length, body.length);
  assert.throws(
    () => pollResponseBody(records, 'text', body.length - 1),
    (err: unknown) =>
      err instanceof BridgeHttpError &&
      err.status === 422 &&
      err.message === 'Response exceeds the maximum number of bytes the consumer can receive',
  );
});

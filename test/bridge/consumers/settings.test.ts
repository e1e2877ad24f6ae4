import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consumerFormat, consumerSettings } from '../../../src/bridge/consumers/settings.ts';
import { BridgeHttpError } from '../../../src/bridge/errors.ts';

const refused = (fn: () => unknown, status: number, message: string) =>
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof BridgeHttpError);
    assert.equal(err.status, status);
    assert.equal(err.message, message);
    return true;
  });

test('without a body and without properties, an instance has Kafka consumer defaults and the binary format', () => {
  const settings = consumerSettings({}, {});
  assert.equal(settings.format, 'binary');
  assert.equal(settings.autoOffsetReset, 'latest');
  assert.equal(settings.enableAutoCommit, true);
  assert.equal(settings.isolationLevel, 'read_uncommitted');
  assert.equal(settings.fetchMinBytes, 1);
  assert.equal(settings.maxPollRecords, 500);
  assert.equal(settings.requestTimeoutMs, 30000);
});

test('the request body wins over kafka.consumer.* properties, which win over the defaults', () => {
  const settings = consumerSettings(
    { 'auto.offset.reset': 'earliest', 'max.poll.records': '7', 'enable.auto.commit': 'false' },
    {
      format: 'json',
      'enable.auto.commit': true,
      'fetch.min.bytes': 512,
      'consumer.request.timeout.ms': 1000,
      'isolation.level': 'read_committed',
    },
  );
  assert.equal(settings.format, 'json');
  assert.equal(settings.autoOffsetReset, 'earliest');
  assert.equal(settings.maxPollRecords, 7);
  assert.equal(settings.enableAutoCommit, true);
  assert.equal(settings.fetchMinBytes, 512);
  assert.equal(settings.requestTimeoutMs, 1000);
  assert.equal(settings.isolationLevel, 'read_committed');
});

test('invalid values are 422 with the messages Strimzi relays from Kafka', () => {
  refused(() => consumerFormat({ format: 'avro' }), 422, 'Invalid format type.');
  refused(
    () => consumerSettings({}, { 'isolation.level': 'foo' }),
    422,
    'Invalid value foo for configuration isolation.level: String must be one of: read_committed, read_uncommitted',
  );
  refused(
    () => consumerSettings({}, { 'auto.offset.reset': 'foo' }),
    422,
    "Invalid value foo for configuration auto.offset.reset: Invalid value `foo` for configuration auto.offset.reset. The value must be either 'earliest', 'latest', 'none' or of the format 'by_duration:<PnDTnHnMn.nS.>'.",
  );
  refused(
    () => consumerSettings({}, { 'fetch.min.bytes': -1 }),
    422,
    'Invalid value -1 for configuration fetch.min.bytes: Value must be at least 0',
  );
  refused(
    () => consumerSettings({ 'max.poll.records': 'many' }, {}),
    422,
    'Invalid value many for configuration max.poll.records: Not a number of type INT',
  );
});

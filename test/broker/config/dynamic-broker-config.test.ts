import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBrokerConfig } from '../../../src/broker/config/broker-config.ts';
import {
  brokerResourceLevel,
  liveBrokerConfig,
  withDynamicConfigs,
  withStoredDynamicConfigs,
} from '../../../src/broker/config/dynamic-broker-config.ts';
import { ConfigError } from '../../../src/common/config-error.ts';

const base = parseBrokerConfig({ listeners: 'PLAINTEXT://:9092', 'log.dirs': '/data' }).config;

test("a broker resource name is the cluster default, this node, or refused in Kafka's words", () => {
  assert.equal(brokerResourceLevel('', 1), 'default');
  assert.equal(brokerResourceLevel('1', 1), 'broker');
  assert.equal(
    (brokerResourceLevel('2', 1) as ConfigError).message,
    'Unexpected broker id, expected 1, but received 2',
  );
  assert.equal(
    (brokerResourceLevel('one', 1) as ConfigError).message,
    'Node id must be an integer, but it is: one',
  );
});

test('replacing one level keeps the other', () => {
  const withDefault = withDynamicConfigs(base, 'default', { 'log.retention.ms': '1000' });
  const both = withDynamicConfigs(withDefault, 'broker', { 'message.max.bytes': '500' });
  assert.deepEqual(both.layers.dynamicDefault, { 'log.retention.ms': '1000' });
  assert.equal(both.topicDefaults.retentionMs, 1000);
  assert.equal(both.messageMaxBytes, 500);
  assert.equal(withDynamicConfigs(both, 'default', {}).topicDefaults.retentionMs, 604800000);
  assert.throws(() => withDynamicConfigs(base, 'broker', { 'log.dirs': '/x' }), ConfigError);
});

test('a running broker takes everything from a new config but its listeners', () => {
  const next = withDynamicConfigs(base, 'broker', {
    listeners: 'PLAINTEXT://:9999',
    'log.retention.ms': '5',
  });
  const live = liveBrokerConfig(base, next);
  assert.equal(live.listeners[0].port, 9092);
  assert.equal(live.topicDefaults.retentionMs, 5);
  assert.deepEqual(live.layers.dynamicBroker, { listeners: 'PLAINTEXT://:9999', 'log.retention.ms': '5' });
});

test('stored configs that are no longer valid are dropped with a warning, the others kept', () => {
  const warnings: string[] = [];
  const loaded = withStoredDynamicConfigs(
    base,
    {
      default: { 'log.retention.ms': '1000', 'num.partitions': '3' },
      broker: { 'message.max.bytes': 'many', 'custom.key': 'kept' },
    },
    (message) => warnings.push(message),
  );
  assert.deepEqual(loaded.layers.dynamicDefault, { 'log.retention.ms': '1000' });
  assert.deepEqual(loaded.layers.dynamicBroker, { 'custom.key': 'kept' });
  assert.deepEqual(warnings, [
    'Dynamic cluster-default config num.partitions is invalid and ignored: Cannot update these configs dynamically: [num.partitions]',
    'Dynamic per-broker config message.max.bytes is invalid and ignored: Invalid value many for configuration message.max.bytes: Not a number of type INT',
  ]);
});

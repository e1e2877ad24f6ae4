// The group coordinator configs as a Kafka user meets them: what a broker starts with and what it refuses,
// in Kafka 4.3.1's words (each message below is what KafkaConfig.fromProps of the 4.3.1 jars throws for
// the same properties), and which dynamic changes AlterConfigs takes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBrokerConfig } from '../../../src/broker/config/broker-config.ts';
import { withDynamicConfigs } from '../../../src/broker/config/dynamic-broker-config.ts';
import { serverAssignor } from '../../../src/broker/groups/consumer/assignors/registry.ts';
import { consumerGroupConfig } from '../../../src/broker/groups/consumer/config.ts';
import { ConfigError } from '../../../src/common/config-error.ts';

/** Kafka's message starts the ConfigError's; Nagare may add how to fix it after "; ". */
function refusal(props: Record<string, string>): string {
  try {
    parseBrokerConfig(props);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message.split('; ')[0];
  }
  assert.fail(`accepted ${JSON.stringify(props)}`);
}

const lowered = {
  'group.consumer.min.session.timeout.ms': '1000',
  'group.consumer.min.heartbeat.interval.ms': '100',
};

describe('group.consumer.* settings', () => {
  test("Kafka's defaults, with no unknown-configuration warnings for the group.consumer.* keys", () => {
    const { config, warnings } = parseBrokerConfig({
      'group.consumer.session.timeout.ms': '50000',
      'group.consumer.heartbeat.interval.ms': '6000',
      'group.consumer.max.size': '10',
    });
    assert.deepEqual(warnings, []);
    assert.deepEqual(consumerGroupConfig(config), {
      enabled: true,
      sessionTimeoutMs: 50000,
      heartbeatIntervalMs: 6000,
      maxSize: 10,
      assignors: ['uniform', 'range'],
    });
    assert.deepEqual(consumerGroupConfig(parseBrokerConfig({}).config), {
      enabled: true,
      sessionTimeoutMs: 45000,
      heartbeatIntervalMs: 5000,
      maxSize: 2147483647,
      assignors: ['uniform', 'range'],
    });
  });

  test('a session timeout and heartbeat interval below the minimums need the minimums lowered', () => {
    const settings = consumerGroupConfig(
      parseBrokerConfig({
        ...lowered,
        'group.consumer.session.timeout.ms': '2000',
        'group.consumer.heartbeat.interval.ms': '400',
      }).config,
    );
    assert.equal(settings.sessionTimeoutMs, 2000);
    assert.equal(settings.heartbeatIntervalMs, 400);
  });

  const refusals: [string, Record<string, string>, string][] = [
    [
      'session timeout below its minimum',
      { 'group.consumer.session.timeout.ms': '30000' },
      'group.consumer.session.timeout.ms must be greater than or equal to group.consumer.min.session.timeout.ms',
    ],
    [
      'session timeout above its maximum',
      { 'group.consumer.session.timeout.ms': '70000' },
      'group.consumer.session.timeout.ms must be less than or equal to group.consumer.max.session.timeout.ms',
    ],
    [
      'maximum session timeout below the minimum',
      { 'group.consumer.max.session.timeout.ms': '10000' },
      'group.consumer.max.session.timeout.ms must be greater than or equal to group.consumer.min.session.timeout.ms',
    ],
    [
      'heartbeat interval below its minimum',
      { 'group.consumer.heartbeat.interval.ms': '3000' },
      'group.consumer.heartbeat.interval.ms must be greater than or equal to group.consumer.min.heartbeat.interval.ms',
    ],
    [
      'heartbeat interval above its maximum',
      { 'group.consumer.heartbeat.interval.ms': '20000' },
      'group.consumer.heartbeat.interval.ms must be less than or equal to group.consumer.max.heartbeat.interval.ms',
    ],
    [
      'maximum heartbeat interval below the minimum (checked first)',
      { 'group.consumer.max.heartbeat.interval.ms': '1000', 'group.consumer.session.timeout.ms': '1' },
      'group.consumer.max.heartbeat.interval.ms must be greater than or equal to group.consumer.min.heartbeat.interval.ms',
    ],
    [
      'heartbeat interval not below the session timeout',
      { ...lowered, 'group.consumer.session.timeout.ms': '5000' },
      'group.consumer.heartbeat.interval.ms must be less than group.consumer.session.timeout.ms',
    ],
    [
      'assignment interval above its maximum',
      { 'group.consumer.assignment.interval.ms': '20000' },
      'group.consumer.assignment.interval.ms must be less than or equal to group.consumer.max.assignment.interval.ms',
    ],
    [
      'assignment interval below its minimum',
      { 'group.consumer.min.assignment.interval.ms': '2000' },
      'group.consumer.assignment.interval.ms must be greater than or equal to group.consumer.min.assignment.interval.ms',
    ],
    [
      'an assignor Kafka cannot load (before any bound)',
      { 'group.consumer.assignors': 'foo', 'group.consumer.session.timeout.ms': '1' },
      'Class foo cannot be found',
    ],
    [
      'no assignor',
      { 'group.consumer.assignors': '' },
      "Configuration 'group.consumer.assignors' must not be empty. Valid values include: any non-empty value",
    ],
    [
      'an empty assignor name',
      { 'group.consumer.assignors': 'range,,uniform' },
      "Configuration 'group.consumer.assignors' values must not be empty.",
    ],
    [
      'an unknown migration policy',
      { 'group.consumer.migration.policy': 'x' },
      'Invalid value x for configuration group.consumer.migration.policy: String must be one of (case insensitive): DISABLED, DOWNGRADE, UPGRADE, BIDIRECTIONAL',
    ],
  ];
  for (const [what, props, message] of refusals) {
    test(`refuses ${what}`, () => assert.equal(refusal(props), message));
  }

  test('assignors by name or Kafka class name, repeats dropped; each has an implementation', () => {
    const assignors = (value: string) =>
      consumerGroupConfig(parseBrokerConfig({ 'group.consumer.assignors': value }).config).assignors;
    assert.deepEqual(assignors('range'), ['range']);
    assert.deepEqual(assignors('range,range'), ['range']);
    assert.deepEqual(
      assignors(
        'org.apache.kafka.coordinator.group.assignor.RangeAssignor, org.apache.kafka.coordinator.group.assignor.UniformAssignor',
      ),
      ['range', 'uniform'],
    );
    for (const name of assignors('uniform,range')) assert.ok(serverAssignor(name), name);
  });

  test('the migration policy in any case, kept as written', () => {
    const { config } = parseBrokerConfig({ 'group.consumer.migration.policy': 'Upgrade' });
    assert.equal(config.values.get('group.consumer.migration.policy'), 'Upgrade');
  });
});

describe('group.coordinator.rebalance.protocols', () => {
  test('without consumer, KIP-848 groups are off; Kafka warns that the config is deprecated', () => {
    const { config, warnings } = parseBrokerConfig({ 'group.coordinator.rebalance.protocols': 'classic' });
    assert.equal(consumerGroupConfig(config).enabled, false);
    assert.deepEqual(warnings, [
      'The config `group.coordinator.rebalance.protocols` is deprecated and will be removed in Kafka 5.0. The following protocol(s) are currently disabled: consumer, streams. In Kafka 5.0, all protocols will always be enabled and controlled solely by feature versions (group.version, streams.version, share.version) via kafka-features.sh. Please remove the configuration, which will restore all protocols to the default enabled state, to prepare for the upgrade.',
    ]);
  });

  test('share is deprecated there too; with every default protocol on, the warning is the short one', () => {
    const { warnings } = parseBrokerConfig({
      'group.coordinator.rebalance.protocols': 'classic,consumer,streams,share',
    });
    assert.deepEqual(warnings, [
      "'share' in `group.coordinator.rebalance.protocols` is deprecated. Share groups are controlled by the 'share.version' feature. This config will be removed in Kafka 5.0.",
      'The config `group.coordinator.rebalance.protocols` is deprecated and will be removed in Kafka 5.0. Please remove the configuration to prepare for the upgrade.',
    ]);
  });

  test('refuses leaving out classic (after the group.consumer.* bounds), nothing, or an unknown protocol', () => {
    const protocols = (value: string, more: Record<string, string> = {}) =>
      refusal({ 'group.coordinator.rebalance.protocols': value, ...more });
    assert.equal(protocols('consumer'), "Disabling the 'classic' protocol is not supported.");
    assert.equal(
      protocols('consumer', { 'group.consumer.session.timeout.ms': '1' }),
      'group.consumer.session.timeout.ms must be greater than or equal to group.consumer.min.session.timeout.ms',
    );
    assert.equal(
      protocols(''),
      "Configuration 'group.coordinator.rebalance.protocols' must not be empty. Valid values include: [consumer, classic, share, streams]",
    );
    assert.equal(
      protocols('foo'),
      'Invalid value foo for configuration group.coordinator.rebalance.protocols: String must be one of: consumer, classic, share, streams',
    );
  });
});

describe('dynamic changes (answers of Kafka 4.3.1 to IncrementalAlterConfigs)', () => {
  const base = parseBrokerConfig({}).config;
  const alter = (configs: Record<string, string>) => {
    try {
      withDynamicConfigs(base, 'default', configs);
      return 'accepted';
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.message;
    }
  };

  test('the assignment interval is cluster-wide, within its bounds', () => {
    assert.equal(alter({ 'group.consumer.assignment.interval.ms': '0' }), 'accepted');
    assert.equal(
      alter({ 'group.consumer.assignment.interval.ms': '20000' }),
      'group.consumer.assignment.interval.ms must be less than or equal to group.consumer.max.assignment.interval.ms',
    );
  });

  test('the session timeout is read-only; the cached buffer size has a minimum', () => {
    assert.equal(
      alter({ 'group.consumer.session.timeout.ms': '50000' }),
      'Cannot update these configs dynamically: [group.consumer.session.timeout.ms]',
    );
    assert.equal(
      alter({ 'group.coordinator.cached.buffer.max.bytes': '100' }),
      'Invalid value 100 for configuration group.coordinator.cached.buffer.max.bytes: Value must be at least 524288',
    );
  });
});

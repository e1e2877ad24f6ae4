// Expected entries are what Kafka's ConfigHelper (4.0.0, and 4.3.1 for internal.segment.bytes, lists and
// types) returned for the same static, dynamic and topic settings (written as "source:name=value" synonyms).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBrokerConfig } from '../../../src/broker/config/broker-config.ts';
import {
  CONFIG_SOURCE,
  CONFIG_TYPE,
  type DescribedConfig,
  describeBrokerConfig,
  describeBrokerDefaultConfig,
  describeTopicConfig,
} from '../../../src/broker/config/describe-configs.ts';

function byName(entries: DescribedConfig[]): Map<string, DescribedConfig> {
  return new Map(entries.map((entry) => [entry.name, entry]));
}

/** value | source | synonyms, compact enough to compare many entries at once. */
function summary(entry: DescribedConfig | undefined): string {
  assert.ok(entry);
  const synonyms = entry.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`).join(' ');
  return `${entry.value} | ${entry.configSource} | ${synonyms}`;
}

describe('describeTopicConfig', () => {
  test('a topic without overrides on a default broker', () => {
    const entries = byName(describeTopicConfig({}, parseBrokerConfig({}).config));
    assert.equal(entries.size, 33);
    assert.equal(summary(entries.get('cleanup.policy')), 'delete | 5 | 5:log.cleanup.policy=delete');
    assert.equal(
      summary(entries.get('flush.messages')),
      '9223372036854775807 | 5 | 5:log.flush.interval.messages=9223372036854775807',
    );
    // Kafka lists a broker synonym only from the first name of its group on: unset log.retention.ms,
    // log.roll.ms and log.flush.interval.ms leave these three without synonyms.
    assert.equal(summary(entries.get('retention.ms')), '604800000 | 5 | ');
    assert.equal(summary(entries.get('segment.ms')), '604800000 | 5 | ');
    assert.equal(summary(entries.get('flush.ms')), '9223372036854775807 | 5 | ');
    assert.equal(summary(entries.get('max.message.bytes')), '1048588 | 5 | 5:message.max.bytes=1048588');
    assert.equal(
      summary(entries.get('segment.index.bytes')),
      '10485760 | 5 | 5:log.index.size.max.bytes=10485760',
    );
    assert.equal(
      summary(entries.get('min.cleanable.dirty.ratio')),
      '0.5 | 5 | 5:log.cleaner.min.cleanable.ratio=0.5',
    );
    assert.equal(summary(entries.get('leader.replication.throttled.replicas')), ' | 5 | ');
    assert.equal(summary(entries.get('remote.storage.enable')), 'false | 5 | ');
    assert.equal(summary(entries.get('local.retention.ms')), '-2 | 5 | 5:log.local.retention.ms=-2');
    assert.equal(
      summary(entries.get('message.timestamp.after.max.ms')),
      '3600000 | 5 | 5:log.message.timestamp.after.max.ms=3600000',
    );
  });

  test('topic overrides first, then set broker synonyms by source, then defaults', () => {
    const broker = parseBrokerConfig(
      {
        'log.retention.hours': '100',
        'log.segment.bytes': '2000000',
        'log.roll.ms': '5000',
        'log.flush.interval.ms': '1000',
      },
      { broker: { 'log.retention.ms': '77777' }, default: { 'log.cleanup.policy': 'compact' } },
    ).config;
    const entries = byName(
      describeTopicConfig({ 'retention.ms': '1234', 'max.message.bytes': '5000' }, broker),
    );
    assert.equal(
      summary(entries.get('retention.ms')),
      '1234 | 1 | 1:retention.ms=1234 2:log.retention.ms=77777 4:log.retention.hours=100 5:log.retention.hours=168',
    );
    assert.equal(
      summary(entries.get('max.message.bytes')),
      '5000 | 1 | 1:max.message.bytes=5000 5:message.max.bytes=1048588',
    );
    assert.equal(
      summary(entries.get('segment.bytes')),
      '2000000 | 4 | 4:log.segment.bytes=2000000 5:log.segment.bytes=1073741824',
    );
    assert.equal(summary(entries.get('segment.ms')), '5000 | 4 | 4:log.roll.ms=5000 5:log.roll.hours=168');
    assert.equal(
      summary(entries.get('flush.ms')),
      '1000 | 4 | 4:log.flush.interval.ms=1000 5:log.flush.scheduler.interval.ms=9223372036854775807',
    );
    assert.equal(
      summary(entries.get('cleanup.policy')),
      'compact | 3 | 3:log.cleanup.policy=compact 5:log.cleanup.policy=delete',
    );
  });

  test('values are normalised, broker synonyms keep their raw text', () => {
    const broker = parseBrokerConfig({
      'log.retention.hours': '100',
      'log.roll.hours': '24',
      'compression.type': 'zstd',
      'log.cleanup.policy': 'compact, delete',
    }).config;
    const entries = byName(
      describeTopicConfig(
        { 'cleanup.policy': ' delete ', 'retention.ms': ' 100', 'min.cleanable.dirty.ratio': '1e-1' },
        broker,
      ),
    );
    assert.equal(
      summary(entries.get('cleanup.policy')),
      'delete | 1 | 1:cleanup.policy=delete 4:log.cleanup.policy=compact, delete 5:log.cleanup.policy=delete',
    );
    assert.equal(summary(entries.get('retention.ms')), '100 | 1 | 1:retention.ms=100');
    assert.equal(
      summary(entries.get('compression.type')),
      'zstd | 4 | 4:compression.type=zstd 5:compression.type=producer',
    );
    // log.roll.hours alone is not reported as a source of segment.ms (Kafka's rule above).
    assert.equal(summary(entries.get('segment.ms')), '86400000 | 5 | ');
    assert.equal(entries.get('min.cleanable.dirty.ratio')?.value, '0.1');
  });

  test('the internal internal.segment.bytes is listed only where the topic sets it', () => {
    const broker = parseBrokerConfig({}).config;
    assert.equal(byName(describeTopicConfig({}, broker)).has('internal.segment.bytes'), false);
    const entries = byName(describeTopicConfig({ 'internal.segment.bytes': '1000' }, broker));
    assert.equal(entries.size, 34);
    const entry = entries.get('internal.segment.bytes');
    assert.equal(summary(entry), '1000 | 1 | 1:internal.segment.bytes=1000');
    assert.equal(entry?.configType, CONFIG_TYPE.INT);
    assert.equal(summary(entries.get('segment.bytes')), '1073741824 | 5 | 5:log.segment.bytes=1073741824');
  });

  test('a list override is shown without its repeats', () => {
    const entries = byName(
      describeTopicConfig({ 'cleanup.policy': 'compact,compact,delete' }, parseBrokerConfig({}).config),
    );
    assert.equal(
      summary(entries.get('cleanup.policy')),
      'compact,delete | 1 | 1:cleanup.policy=compact,delete 5:log.cleanup.policy=delete',
    );
  });

  test('flags, types and documentation', () => {
    const entries = byName(describeTopicConfig({}, parseBrokerConfig({}).config));
    for (const entry of entries.values()) {
      assert.equal(entry.readOnly, false);
      assert.equal(entry.isSensitive, false);
      assert.ok(entry.documentation && entry.documentation.length > 10, entry.name);
    }
    const types = Object.fromEntries([...entries.values()].map((e) => [e.name, e.configType]));
    assert.equal(types['segment.bytes'], CONFIG_TYPE.INT);
    assert.equal(types['retention.ms'], CONFIG_TYPE.LONG);
    assert.equal(types['cleanup.policy'], CONFIG_TYPE.LIST);
    assert.equal(types['compression.type'], CONFIG_TYPE.STRING);
    assert.equal(types['min.cleanable.dirty.ratio'], CONFIG_TYPE.DOUBLE);
    assert.equal(types.preallocate, CONFIG_TYPE.BOOLEAN);
  });
});

describe('describeBrokerConfig', () => {
  const broker = parseBrokerConfig(
    {
      'log.retention.hours': '100',
      'log.segment.bytes': '2000000',
      'log.roll.ms': '5000',
      'log.flush.interval.ms': '1000',
      'node.id': '1',
      'unknown.key': 'secret?',
    },
    { broker: { 'log.retention.ms': '77777' }, default: { 'log.cleanup.policy': 'compact' } },
  ).config;
  const entries = byName(describeBrokerConfig(broker));

  test('values, sources and synonyms', () => {
    assert.equal(
      summary(entries.get('log.retention.ms')),
      '77777 | 2 | 2:log.retention.ms=77777 4:log.retention.hours=100 5:log.retention.hours=168',
    );
    // Checked against Kafka 4.3.1: the dynamic log.retention.ms removes its static synonym from the
    // effective config (DynamicBrokerConfig.overrideProps), though the synonym list still shows it.
    assert.equal(
      summary(entries.get('log.retention.hours')),
      '168 | 4 | 4:log.retention.hours=100 5:log.retention.hours=168',
    );
    assert.equal(summary(entries.get('log.retention.minutes')), 'null | 5 | ');
    assert.equal(summary(entries.get('log.roll.ms')), '5000 | 4 | 4:log.roll.ms=5000 5:log.roll.hours=168');
    assert.equal(summary(entries.get('log.roll.hours')), '168 | 5 | 5:log.roll.hours=168');
    assert.equal(
      summary(entries.get('log.flush.interval.ms')),
      '1000 | 4 | 4:log.flush.interval.ms=1000 5:log.flush.scheduler.interval.ms=9223372036854775807',
    );
    assert.equal(
      summary(entries.get('log.flush.scheduler.interval.ms')),
      '9223372036854775807 | 5 | 5:log.flush.scheduler.interval.ms=9223372036854775807',
    );
    assert.equal(
      summary(entries.get('log.cleanup.policy')),
      'compact | 3 | 3:log.cleanup.policy=compact 5:log.cleanup.policy=delete',
    );
    assert.equal(summary(entries.get('broker.id')), '1 | 4 | 4:broker.id=1 5:broker.id=-1');
    assert.equal(summary(entries.get('advertised.listeners')), 'null | 5 | ');
    assert.equal(
      summary(entries.get('log.cleaner.io.max.bytes.per.second')),
      '1.7976931348623157E308 | 5 | 5:log.cleaner.io.max.bytes.per.second=1.7976931348623157E308',
    );
  });

  test('read-only is whatever Kafka cannot change at runtime', () => {
    assert.equal(entries.get('log.retention.ms')?.readOnly, false);
    assert.equal(entries.get('log.retention.hours')?.readOnly, true);
    assert.equal(entries.get('listeners')?.readOnly, false);
    assert.equal(entries.get('advertised.listeners')?.readOnly, true);
    assert.equal(entries.get('log.dirs')?.readOnly, true);
    assert.equal(entries.get('message.max.bytes')?.readOnly, false);
    assert.equal(entries.get('offsets.topic.replication.factor')?.configType, CONFIG_TYPE.SHORT);
    assert.equal(entries.get('listeners')?.configType, CONFIG_TYPE.LIST);
    assert.equal(entries.get('log.dirs')?.configType, CONFIG_TYPE.LIST);
  });

  test('an unknown static key is listed as Kafka lists it: sensitive, no value, unknown type', () => {
    assert.deepEqual(entries.get('unknown.key'), {
      name: 'unknown.key',
      value: null,
      readOnly: true,
      configSource: CONFIG_SOURCE.STATIC_BROKER_CONFIG,
      isSensitive: true,
      synonyms: [{ name: 'unknown.key', value: null, source: CONFIG_SOURCE.STATIC_BROKER_CONFIG }],
      configType: CONFIG_TYPE.UNKNOWN,
      documentation: null,
    });
  });

  test('the cluster-default resource lists only what is set at that level', () => {
    assert.deepEqual(describeBrokerDefaultConfig(broker), [
      {
        name: 'log.cleanup.policy',
        value: 'compact',
        readOnly: false,
        configSource: CONFIG_SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG,
        isSensitive: false,
        synonyms: [
          {
            name: 'log.cleanup.policy',
            value: 'compact',
            source: CONFIG_SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG,
          },
        ],
        configType: CONFIG_TYPE.LIST,
        documentation: 'Default of cleanup.policy.',
      },
    ]);
  });
});

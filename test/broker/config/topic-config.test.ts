import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBrokerConfig } from '../../../src/broker/config/broker-config.ts';
import { effectiveTopicConfig, validateTopicConfigs } from '../../../src/broker/config/topic-config.ts';
import { TOPIC_CONFIGS } from '../../../src/broker/config/topic-definitions.ts';
import { ERRORS } from '../../../src/protocol/errors.ts';

const broker = parseBrokerConfig({}).config;

function invalid(message: string) {
  return { ok: false, errorCode: ERRORS.INVALID_CONFIG.code, message };
}

test("the topic configs are Kafka 4.3.1's, in Kafka's order", () => {
  assert.deepEqual(
    TOPIC_CONFIGS.map((def) => def.name),
    [
      'segment.bytes',
      'segment.ms',
      'segment.jitter.ms',
      'segment.index.bytes',
      'flush.messages',
      'flush.ms',
      'retention.bytes',
      'retention.ms',
      'max.message.bytes',
      'index.interval.bytes',
      'delete.retention.ms',
      'min.compaction.lag.ms',
      'max.compaction.lag.ms',
      'file.delete.delay.ms',
      'min.cleanable.dirty.ratio',
      'cleanup.policy',
      'unclean.leader.election.enable',
      'min.insync.replicas',
      'compression.type',
      'compression.gzip.level',
      'compression.lz4.level',
      'compression.zstd.level',
      'preallocate',
      'message.timestamp.type',
      'message.timestamp.before.max.ms',
      'message.timestamp.after.max.ms',
      'leader.replication.throttled.replicas',
      'follower.replication.throttled.replicas',
      'remote.storage.enable',
      'local.retention.ms',
      'local.retention.bytes',
      'remote.log.copy.disable',
      'remote.log.delete.on.disable',
      'internal.segment.bytes',
    ],
  );
});

describe('validateTopicConfigs', () => {
  test('accepts valid overrides', () => {
    assert.deepEqual(
      validateTopicConfigs(
        { 'retention.ms': '-1', 'cleanup.policy': 'compact,delete', 'segment.bytes': '1048576' },
        broker,
      ),
      { ok: true },
    );
    assert.deepEqual(validateTopicConfigs({}, broker), { ok: true });
  });

  test('unknown names, including configs Kafka 4 removed', () => {
    assert.deepEqual(
      validateTopicConfigs({ 'foo.bar': '1' }, broker),
      invalid('Unknown topic config name: foo.bar'),
    );
    assert.deepEqual(
      validateTopicConfigs({ 'message.downconversion.enable': 'true' }, broker),
      invalid('Unknown topic config name: message.downconversion.enable'),
    );
    assert.deepEqual(
      validateTopicConfigs({ 'message.format.version': '3.0' }, broker),
      invalid('Unknown topic config name: message.format.version'),
    );
  });

  test('null values, as CreateTopics and AlterConfigs may carry', () => {
    assert.deepEqual(
      validateTopicConfigs({ 'segment.bytes': null, 'segment.ms': null, 'retention.ms': '1' }, broker),
      invalid('Null value not supported for topic configs: segment.bytes,segment.ms'),
    );
  });

  test("bad values with Kafka's message", () => {
    assert.deepEqual(
      validateTopicConfigs({ 'cleanup.policy': 'foo' }, broker),
      invalid('Invalid value foo for configuration cleanup.policy: String must be one of: compact, delete'),
    );
    assert.deepEqual(
      validateTopicConfigs({ 'max.message.bytes': 'lots' }, broker),
      invalid('Invalid value lots for configuration max.message.bytes: Not a number of type INT'),
    );
  });

  test("segment.bytes has Kafka 4's 1 MiB minimum; internal.segment.bytes, for tests, has none", () => {
    assert.deepEqual(
      validateTopicConfigs({ 'segment.bytes': '1000' }, broker),
      invalid('Invalid value 1000 for configuration segment.bytes: Value must be at least 1048576'),
    );
    assert.deepEqual(
      validateTopicConfigs({ 'segment.bytes': '1048575' }, broker),
      invalid('Invalid value 1048575 for configuration segment.bytes: Value must be at least 1048576'),
    );
    assert.deepEqual(validateTopicConfigs({ 'segment.bytes': '1048576' }, broker), { ok: true });
    assert.deepEqual(validateTopicConfigs({ 'internal.segment.bytes': '1000' }, broker), { ok: true });
    assert.deepEqual(validateTopicConfigs({ 'internal.segment.bytes': '-5' }, broker), { ok: true });
    // The override does not lift the check of segment.bytes itself.
    assert.deepEqual(
      validateTopicConfigs({ 'internal.segment.bytes': '2000', 'segment.bytes': '1000' }, broker),
      invalid('Invalid value 1000 for configuration segment.bytes: Value must be at least 1048576'),
    );
    assert.deepEqual(
      validateTopicConfigs({ 'internal.segment.bytes': 'abc' }, broker),
      invalid('Invalid value abc for configuration internal.segment.bytes: Not a number of type INT'),
    );
  });

  test("lists follow Kafka 4.3.1's ValidList: repeats dropped, empty elements refused", () => {
    assert.deepEqual(validateTopicConfigs({ 'cleanup.policy': 'compact,compact' }, broker), { ok: true });
    assert.deepEqual(validateTopicConfigs({ 'cleanup.policy': '' }, broker), { ok: true });
    assert.deepEqual(
      validateTopicConfigs({ 'cleanup.policy': 'compact,' }, broker),
      invalid("Configuration 'cleanup.policy' values must not be empty."),
    );
  });

  test('compaction lags are checked together with the broker defaults', () => {
    assert.deepEqual(
      validateTopicConfigs({ 'min.compaction.lag.ms': '100', 'max.compaction.lag.ms': '50' }, broker),
      invalid('conflict topic config setting min.compaction.lag.ms (100) > max.compaction.lag.ms (50)'),
    );
    const lowMax = parseBrokerConfig({ 'log.cleaner.max.compaction.lag.ms': '1000' }).config;
    assert.deepEqual(
      validateTopicConfigs({ 'min.compaction.lag.ms': '2000' }, lowMax),
      invalid('conflict topic config setting min.compaction.lag.ms (2000) > max.compaction.lag.ms (1000)'),
    );
  });

  test('tiered storage is refused, as by a Kafka broker without it', () => {
    assert.deepEqual(
      validateTopicConfigs({ 'remote.storage.enable': 'true' }, broker),
      invalid(
        'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.',
      ),
    );
  });
});

describe('effectiveTopicConfig', () => {
  test('overrides over broker defaults, typed', () => {
    const custom = parseBrokerConfig({ 'log.retention.hours': '1', 'log.segment.bytes': '2000000' }).config;
    const t = effectiveTopicConfig(
      {
        'segment.ms': '60000',
        'cleanup.policy': 'compact',
        'compression.type': 'lz4',
        'message.timestamp.type': 'LogAppendTime',
        'flush.messages': '1',
        'max.message.bytes': '100',
      },
      custom,
    );
    assert.equal(t.segmentMs, 60000);
    assert.equal(t.segmentBytes, 2000000);
    assert.equal(t.retentionMs, 3600000);
    assert.deepEqual(t.cleanupPolicy, { delete: false, compact: true });
    assert.equal(t.compression, 'lz4');
    assert.equal(t.timestampType, 'LogAppendTime');
    assert.equal(t.flushMessages, 1);
    assert.equal(t.flushMs, Number.POSITIVE_INFINITY);
    assert.equal(t.maxMessageBytes, 100);
  });

  test("internal.segment.bytes replaces segment.bytes, as Kafka's LogConfig.segmentSize()", () => {
    assert.equal(effectiveTopicConfig({ 'internal.segment.bytes': '1000' }, broker).segmentBytes, 1000);
    assert.equal(
      effectiveTopicConfig({ 'internal.segment.bytes': '1000', 'segment.bytes': '2000000' }, broker)
        .segmentBytes,
      1000,
    );
    assert.equal(effectiveTopicConfig({ 'segment.bytes': '2000000' }, broker).segmentBytes, 2000000);
    // Kafka takes any int; the log gets the smallest size it accepts, which rolls before every append.
    assert.equal(effectiveTopicConfig({ 'internal.segment.bytes': '0' }, broker).segmentBytes, 1);
    assert.equal(effectiveTopicConfig({ 'internal.segment.bytes': '-5' }, broker).segmentBytes, 1);
  });

  test('an empty cleanup.policy removes nothing', () => {
    assert.deepEqual(effectiveTopicConfig({ 'cleanup.policy': '' }, broker).cleanupPolicy, {
      delete: false,
      compact: false,
    });
  });

  test('carries the broker fsync mode for the log', () => {
    const durable = parseBrokerConfig({ 'nagare.log.fsync.on.append': 'true' }).config;
    assert.equal(effectiveTopicConfig({}, durable).fsyncOnAppend, true);
    assert.equal(effectiveTopicConfig({}, broker).fsyncOnAppend, false);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBrokerConfig } from '../../../src/broker/config/broker-config.ts';
import { ConfigError } from '../../../src/common/config-error.ts';
import { parseProperties } from '../../../src/common/java-properties.ts';

function config(props: Record<string, string> = {}) {
  return parseBrokerConfig(props).config;
}

function rejects(props: Record<string, string>, message: string | RegExp, dynamic = {}) {
  assert.throws(
    () => parseBrokerConfig(props, dynamic),
    (err: unknown) =>
      err instanceof ConfigError &&
      !err.message.includes('\n') &&
      (typeof message === 'string' ? err.message === message : message.test(err.message)),
  );
}

describe('defaults are Kafka 4.0 defaults', () => {
  test('broker settings', () => {
    const c = config();
    assert.equal(c.nodeId, 1); // Nagare's default: Kafka has none for node.id
    assert.deepEqual(c.logDirs, ['/tmp/kafka-logs']);
    assert.equal(c.numPartitions, 1);
    assert.equal(c.defaultReplicationFactor, 1);
    assert.equal(c.autoCreateTopicsEnable, true);
    assert.equal(c.deleteTopicEnable, true);
    assert.equal(c.messageMaxBytes, 1048588);
    assert.equal(c.socketRequestMaxBytes, 104857600);
    assert.equal(c.logRetentionCheckIntervalMs, 300000);
    assert.equal(c.logFlushSchedulerIntervalMs, Number.POSITIVE_INFINITY);
    assert.equal(c.logCleanerEnable, true);
    assert.equal(c.logCleanerIoMaxBytesPerSecond, Number.MAX_VALUE);
    assert.equal(c.replicaFetchMaxBytes, 1048576);
    assert.equal(c.offsetsTopicReplicationFactor, 3);
    assert.equal(c.offsetsTopicNumPartitions, 50);
    assert.equal(c.offsetsRetentionMs, 7 * 24 * 3600 * 1000);
    assert.equal(c.groupInitialRebalanceDelayMs, 3000);
    assert.equal(c.groupMinSessionTimeoutMs, 6000);
    assert.equal(c.groupMaxSessionTimeoutMs, 1800000);
    assert.equal(c.transactionMaxTimeoutMs, 900000);
    assert.equal(c.fsyncOnAppend, false);
    assert.deepEqual(c.listeners, [
      { name: 'PLAINTEXT', host: '', port: 9092, securityProtocol: 'PLAINTEXT' },
    ]);
    assert.deepEqual(c.advertisedListeners, c.listeners);
    assert.equal(c.listenerSecurityProtocolMap.get('SASL_SSL'), 'SASL_SSL');
  });

  test('topic defaults', () => {
    const t = config().topicDefaults;
    assert.equal(t.segmentBytes, 1073741824);
    assert.equal(t.segmentMs, 604800000);
    assert.equal(t.segmentJitterMs, 0);
    assert.equal(t.segmentIndexBytes, 10485760);
    assert.equal(t.retentionMs, 604800000);
    assert.equal(t.retentionBytes, -1);
    assert.equal(t.flushMessages, Number.POSITIVE_INFINITY);
    assert.equal(t.flushMs, Number.POSITIVE_INFINITY);
    assert.equal(t.maxMessageBytes, 1048588);
    assert.equal(t.indexIntervalBytes, 4096);
    assert.deepEqual(t.cleanupPolicy, { delete: true, compact: false });
    assert.equal(t.compression, 'producer');
    assert.equal(t.timestampType, 'CreateTime');
    assert.equal(t.minInsyncReplicas, 1);
    assert.equal(t.deleteRetentionMs, 86400000);
    assert.equal(t.minCleanableDirtyRatio, 0.5);
    assert.equal(t.messageTimestampBeforeMaxMs, Number.POSITIVE_INFINITY);
    assert.equal(t.messageTimestampAfterMaxMs, 3600000);
    assert.equal(t.fileDeleteDelayMs, 60000);
    assert.equal(t.localRetentionMs, -2);
  });

  test('exact values are kept for DescribeConfigs', () => {
    const c = config();
    assert.equal(c.values.get('log.flush.interval.messages'), 2n ** 63n - 1n);
    assert.equal(c.values.get('log.retention.ms'), null);
    assert.equal(c.topicDefaultValues.get('retention.ms'), 604800000n);
    assert.equal(c.topicDefaultValues.get('flush.ms'), 2n ** 63n - 1n);
  });
});

describe('Kafka precedence of synonyms, converted to milliseconds once', () => {
  test('log.retention.ms > log.retention.minutes > log.retention.hours', () => {
    assert.equal(config({ 'log.retention.hours': '2' }).topicDefaults.retentionMs, 7200000);
    assert.equal(
      config({ 'log.retention.hours': '2', 'log.retention.minutes': '3' }).topicDefaults.retentionMs,
      180000,
    );
    const all = { 'log.retention.hours': '2', 'log.retention.minutes': '3', 'log.retention.ms': '4000' };
    assert.equal(config(all).topicDefaults.retentionMs, 4000);
  });

  test('any negative retention means unlimited (-1); zero is refused', () => {
    assert.equal(config({ 'log.retention.hours': '-5' }).topicDefaults.retentionMs, -1);
    assert.equal(config({ 'log.retention.ms': '-7' }).topicDefaults.retentionMs, -1);
    rejects(
      { 'log.retention.ms': '0' },
      'requirement failed: log.retention.ms must be unlimited (-1) or, greater than or equal to 1',
    );
  });

  test('log.roll.ms > log.roll.hours, and likewise for the jitter', () => {
    assert.equal(config({ 'log.roll.hours': '1' }).topicDefaults.segmentMs, 3600000);
    assert.equal(config({ 'log.roll.hours': '1', 'log.roll.ms': '60000' }).topicDefaults.segmentMs, 60000);
    assert.equal(config({ 'log.roll.jitter.hours': '2' }).topicDefaults.segmentJitterMs, 7200000);
    rejects({ 'log.roll.ms': '0' }, 'requirement failed: log.roll.ms must be greater than or equal to 1');
  });

  test('log.flush.interval.ms falls back to log.flush.scheduler.interval.ms', () => {
    assert.equal(config({ 'log.flush.scheduler.interval.ms': '5000' }).topicDefaults.flushMs, 5000);
    assert.equal(
      config({ 'log.flush.interval.ms': '100', 'log.flush.scheduler.interval.ms': '5000' }).topicDefaults
        .flushMs,
      100,
    );
  });

  test('log.dirs > log.dir, both comma-separated', () => {
    assert.deepEqual(config({ 'log.dir': '/a' }).logDirs, ['/a']);
    assert.deepEqual(config({ 'log.dir': '/a', 'log.dirs': '/b , /c' }).logDirs, ['/b', '/c']);
    assert.deepEqual(config({ 'log.dirs': '/b,/c,/b' }).logDirs, ['/b', '/c']);
    rejects(
      { 'log.dirs': ' ' },
      "Configuration 'log.dirs' must not be empty. Valid values include: any non-empty value; set log.dirs to a comma-separated list, or remove the line",
    );
    rejects({ 'log.dir': '/a,' }, /^Configuration 'log\.dir' values must not be empty\.; /);
  });

  test('each log.* setting becomes the matching topic default', () => {
    const t = config({
      'log.segment.bytes': '1048576',
      'message.max.bytes': '2000000',
      'log.cleanup.policy': 'compact,delete',
      'compression.type': 'zstd',
      'log.message.timestamp.type': 'LogAppendTime',
      'log.flush.interval.messages': '1',
      'log.index.interval.bytes': '100',
      'log.index.size.max.bytes': '1024',
      'min.insync.replicas': '2',
      'nagare.log.fsync.on.append': 'true',
    }).topicDefaults;
    assert.equal(t.segmentBytes, 1048576);
    assert.equal(t.maxMessageBytes, 2000000);
    assert.deepEqual(t.cleanupPolicy, { delete: true, compact: true });
    assert.equal(t.compression, 'zstd');
    assert.equal(t.timestampType, 'LogAppendTime');
    assert.equal(t.flushMessages, 1);
    assert.equal(t.indexIntervalBytes, 100);
    assert.equal(t.segmentIndexBytes, 1024);
    assert.equal(t.minInsyncReplicas, 2);
    assert.equal(t.fsyncOnAppend, true);
  });
});

describe('bad values are one-line errors that say how to fix them', () => {
  test('type errors', () => {
    rejects(
      { 'num.partitions': 'x' },
      'Invalid value x for configuration num.partitions: Not a number of type INT; set num.partitions to a 32-bit integer in [1,...], or remove the line to use the default (1)',
    );
    rejects(
      { 'auto.create.topics.enable': 'maybe' },
      'Invalid value maybe for configuration auto.create.topics.enable: Expected value to be either true or false; set auto.create.topics.enable to true or false, or remove the line to use the default (true)',
    );
    rejects(
      { 'log.retention.minutes': 'ten' },
      'Invalid value ten for configuration log.retention.minutes: Not a number of type INT; set log.retention.minutes to a 32-bit integer, or remove the line',
    );
  });

  test('range and valid-value errors', () => {
    rejects(
      { 'log.segment.bytes': '100' },
      /^Invalid value 100 for configuration log\.segment\.bytes: Value must be at least 1048576; set log\.segment\.bytes to a 32-bit integer in \[1048576,\.\.\.\]/,
    );
    rejects(
      { 'log.cleanup.policy': 'compact,forever' },
      /^Invalid value forever for configuration log\.cleanup\.policy: String must be one of: compact, delete; .* in \[compact, delete\]/,
    );
    rejects(
      { 'message.max.bytes': '-1' },
      /^Invalid value -1 for configuration message\.max\.bytes: Value must be at least 0;/,
    );
    rejects({ 'node.id': '-1' }, /^Invalid value -1 for configuration node\.id: Value must be at least 0;/);
    rejects(
      { 'log.cleaner.min.cleanable.ratio': '2' },
      /^Invalid value 2\.0 for configuration log\.cleaner\.min\.cleanable\.ratio: Value must be no more than 1;/,
    );
  });

  test("Kafka 4.3.1's list rules: no empty elements, some lists not empty, repeats dropped", () => {
    rejects(
      { 'process.roles': '' },
      /^Configuration 'process\.roles' must not be empty\. Valid values include: \[broker, controller\];/,
    );
    rejects(
      { 'log.cleanup.policy': 'compact,' },
      /^Configuration 'log\.cleanup\.policy' values must not be empty\.;/,
    );
    rejects(
      { 'controller.listener.names': ' ' },
      /^Configuration 'controller\.listener\.names' must not be empty\. Valid values include: any non-empty value;/,
    );
    assert.deepEqual(config({ 'log.cleanup.policy': 'compact,compact' }).values.get('log.cleanup.policy'), [
      'compact',
    ]);
    assert.deepEqual(config({ 'log.cleanup.policy': '' }).topicDefaults.cleanupPolicy, {
      delete: false,
      compact: false,
    });
  });

  test('values with newlines stay on one line', () => {
    rejects({ 'num.partitions': '1\n2' }, /^Invalid value 1\\n2 for configuration num\.partitions/);
    rejects(
      { listeners: 'PLAINTEXT://:9092\nX' },
      /^Invalid value PLAINTEXT:\/\/:9092\\nX for configuration listeners/,
    );
  });

  test('a broker default that breaks the topic range it feeds', () => {
    rejects(
      { 'log.flush.interval.ms': '-5' },
      'Invalid value -5 for configuration log.flush.interval.ms: Value must be at least 0 (it is the broker default of flush.ms)',
    );
  });

  test('cross-field checks', () => {
    rejects(
      { 'log.cleaner.min.compaction.lag.ms': '10', 'log.cleaner.max.compaction.lag.ms': '5' },
      /^conflict topic config setting min\.compaction\.lag\.ms \(10\) > max\.compaction\.lag\.ms \(5\)/,
    );
    rejects(
      { 'log.cleaner.dedupe.buffer.size': '2000000', 'log.cleaner.threads': '2' },
      'requirement failed: log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.',
    );
    assert.equal(
      config({ 'log.cleaner.threads': '0', 'log.cleaner.dedupe.buffer.size': '0' }).logCleanerThreads,
      0,
    );
  });
});

describe('node.id and broker.id', () => {
  test('either sets the id; both must agree', () => {
    assert.equal(config({ 'node.id': '5' }).nodeId, 5);
    assert.equal(config({ 'broker.id': '7' }).nodeId, 7);
    assert.equal(config({ 'broker.id': '7', 'node.id': '7' }).nodeId, 7);
    rejects({ 'broker.id': '7', 'node.id': '8' }, 'You must set `node.id` to the same value as `broker.id`.');
  });

  test('the other name is filled in, as Kafka does', () => {
    const c = config({ 'node.id': '5' });
    assert.equal(c.layers.static['broker.id'], '5');
    assert.equal(c.values.get('broker.id'), 5);
  });
});

describe('unknown keys', () => {
  test('are ignored with a warning, naming the likely intended key', () => {
    const { config: c, warnings } = parseBrokerConfig({
      'num.partitons': '3',
      'ssl.keystore.location': '/k',
    });
    assert.equal(c.numPartitions, 1);
    assert.deepEqual(warnings, [
      "Unknown configuration 'num.partitons' was supplied and is ignored (did you mean 'num.partitions'?)",
      "Unknown configuration 'ssl.keystore.location' was supplied and is ignored",
    ]);
  });
});

describe('dynamic layers', () => {
  test('per-broker beats cluster default beats static', () => {
    const c = parseBrokerConfig(
      { 'log.retention.ms': '1000', 'message.max.bytes': '100', 'log.segment.bytes': '2000000' },
      {
        default: { 'log.retention.ms': '2000', 'message.max.bytes': '200' },
        broker: { 'log.retention.ms': '3000' },
      },
    ).config;
    assert.equal(c.topicDefaults.retentionMs, 3000);
    assert.equal(c.messageMaxBytes, 200);
    assert.equal(c.topicDefaults.segmentBytes, 2000000);
  });

  test('read-only and per-broker-only keys are refused as Kafka refuses them; unknown keys are kept', () => {
    rejects({}, 'Cannot update these configs dynamically: [log.dirs, num.partitions]', {
      broker: { 'log.dirs': '/x', 'num.partitions': '2' },
    });
    rejects(
      {},
      'Cannot update these configs at default cluster level, broker id must be specified: [listeners]',
      {
        default: { listeners: 'PLAINTEXT://:9093' },
      },
    );
    const custom = parseBrokerConfig({}, { broker: { 'no.such.key': '1' } }).config;
    assert.deepEqual(custom.layers.dynamicBroker, { 'no.such.key': '1' });
    assert.equal(
      parseBrokerConfig({}, { broker: { listeners: 'PLAINTEXT://:9093' } }).config.listeners[0].port,
      9093,
    );
  });

  test("a bad dynamic value gets Kafka's message, without the hint given for server.properties", () => {
    rejects({}, 'Invalid value big for configuration message.max.bytes: Not a number of type INT', {
      default: { 'message.max.bytes': 'big' },
    });
    rejects(
      {},
      'Invalid value -1 for configuration leader.replication.throttled.rate: Value must be at least 0',
      {
        broker: { 'leader.replication.throttled.rate': '-1' },
      },
    );
  });

  test('a dynamic key removes its static synonyms, as Kafka does', () => {
    const c = parseBrokerConfig({ 'log.retention.hours': '100' }, { broker: { 'log.retention.ms': '5000' } });
    assert.equal(c.config.topicDefaults.retentionMs, 5000);
    assert.equal(c.config.values.get('log.retention.hours'), 168);
  });
});

test('a KRaft combined-mode file written for Kafka starts Nagare, with the controller listener left closed', () => {
  const text = [
    'process.roles=broker,controller',
    'node.id=1',
    'controller.quorum.bootstrap.servers=localhost:9093',
    'listeners=PLAINTEXT://:9092,CONTROLLER://:9093',
    'inter.broker.listener.name=PLAINTEXT',
    'advertised.listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093',
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
    'num.network.threads=3',
    'num.io.threads=8',
    'socket.send.buffer.bytes=102400',
    'socket.receive.buffer.bytes=102400',
    'socket.request.max.bytes=104857600',
    'log.dirs=/tmp/kraft-combined-logs',
    'num.partitions=1',
    'num.recovery.threads.per.data.dir=1',
    'offsets.topic.replication.factor=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'log.retention.hours=168',
    'log.segment.bytes=1073741824',
    'log.retention.check.interval.ms=300000',
  ].join('\n');
  const { config: c, warnings } = parseBrokerConfig(parseProperties(text));
  assert.deepEqual(warnings, [
    'Controller listener CONTROLLER is not opened: Nagare is a single node without a KRaft controller quorum',
  ]);
  assert.deepEqual(c.listeners, [{ name: 'PLAINTEXT', host: '', port: 9092, securityProtocol: 'PLAINTEXT' }]);
  assert.deepEqual(c.advertisedListeners, [
    { name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 'PLAINTEXT' },
  ]);
  assert.deepEqual(c.logDirs, ['/tmp/kraft-combined-logs']);
  assert.equal(c.offsetsTopicReplicationFactor, 1);
});

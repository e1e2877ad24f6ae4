// The definition tables against Apache Kafka 4.3.1: the rows below are what Kafka's own ConfigDef
// (kafka-storage, kafka-server and core 4.3.1 jars) reports for each name: type, default as a string,
// valid values, and DynamicBrokerConfig's update mode. Nagare's few deliberate differences are listed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BROKER_CONFIGS } from '../../../src/broker/config/broker-definitions.ts';
import type { ConfigDefinition } from '../../../src/broker/config/definitions.ts';
import { TOPIC_CONFIGS } from '../../../src/broker/config/topic-definitions.ts';
import { formatConfigValue } from '../../../src/broker/config/values.ts';

const KAFKA_BROKER_CONFIGS: [string, string, string | null, string, string][] = [
  ['node.id', 'int', '<none>', '[0,...]', 'read-only'],
  ['broker.id', 'int', '-1', '', 'read-only'],
  ['process.roles', 'list', '<none>', '[broker, controller]', 'read-only'],
  ['controller.listener.names', 'list', '<none>', '', 'read-only'],
  ['controller.quorum.voters', 'list', '', 'non-empty list', 'read-only'],
  ['controller.quorum.bootstrap.servers', 'list', '', 'non-empty list', 'read-only'],
  ['listeners', 'list', 'PLAINTEXT://:9092', '', 'per-broker'],
  ['advertised.listeners', 'list', null, '', 'read-only'],
  [
    'listener.security.protocol.map',
    'string',
    'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT',
    '',
    'per-broker',
  ],
  ['inter.broker.listener.name', 'string', null, '', 'read-only'],
  ['socket.request.max.bytes', 'int', '104857600', '[1,...]', 'read-only'],
  ['socket.send.buffer.bytes', 'int', '102400', '', 'read-only'],
  ['socket.receive.buffer.bytes', 'int', '102400', '', 'read-only'],
  ['num.network.threads', 'int', '3', '[1,...]', 'cluster-wide'],
  ['num.io.threads', 'int', '8', '[1,...]', 'cluster-wide'],
  ['log.dirs', 'list', null, '', 'read-only'],
  ['log.dir', 'list', '/tmp/kafka-logs', '', 'read-only'],
  ['num.partitions', 'int', '1', '[1,...]', 'read-only'],
  ['default.replication.factor', 'int', '1', '', 'read-only'],
  ['auto.create.topics.enable', 'boolean', 'true', '', 'read-only'],
  ['delete.topic.enable', 'boolean', 'true', '', 'read-only'],
  ['num.recovery.threads.per.data.dir', 'int', '2', '[1,...]', 'cluster-wide'],
  ['message.max.bytes', 'int', '1048588', '[0,...]', 'cluster-wide'],
  ['log.segment.bytes', 'int', '1073741824', '[1048576,...]', 'cluster-wide'],
  ['log.roll.ms', 'long', null, '', 'cluster-wide'],
  ['log.roll.hours', 'int', '168', '[1,...]', 'read-only'],
  ['log.roll.jitter.ms', 'long', null, '', 'cluster-wide'],
  ['log.roll.jitter.hours', 'int', '0', '[0,...]', 'read-only'],
  ['log.retention.ms', 'long', null, '', 'cluster-wide'],
  ['log.retention.minutes', 'int', null, '', 'read-only'],
  ['log.retention.hours', 'int', '168', '', 'read-only'],
  ['log.retention.bytes', 'long', '-1', '', 'cluster-wide'],
  ['log.retention.check.interval.ms', 'long', '300000', '[1,...]', 'read-only'],
  ['log.cleanup.policy', 'list', 'delete', '[compact, delete]', 'cluster-wide'],
  ['log.index.size.max.bytes', 'int', '10485760', '[4,...]', 'cluster-wide'],
  ['log.index.interval.bytes', 'int', '4096', '[0,...]', 'cluster-wide'],
  ['log.flush.interval.messages', 'long', '9223372036854775807', '[1,...]', 'cluster-wide'],
  ['log.segment.delete.delay.ms', 'long', '60000', '[0,...]', 'cluster-wide'],
  ['log.flush.scheduler.interval.ms', 'long', '9223372036854775807', '', 'read-only'],
  ['log.flush.interval.ms', 'long', null, '', 'cluster-wide'],
  ['log.preallocate', 'boolean', 'false', '', 'cluster-wide'],
  ['min.insync.replicas', 'int', '1', '[1,...]', 'cluster-wide'],
  ['log.message.timestamp.type', 'string', 'CreateTime', '[CreateTime, LogAppendTime]', 'cluster-wide'],
  ['log.message.timestamp.before.max.ms', 'long', '9223372036854775807', '[0,...]', 'cluster-wide'],
  ['log.message.timestamp.after.max.ms', 'long', '3600000', '[0,...]', 'cluster-wide'],
  [
    'compression.type',
    'string',
    'producer',
    '[uncompressed, zstd, lz4, snappy, gzip, producer]',
    'cluster-wide',
  ],
  ['compression.gzip.level', 'int', '-1', '[1,...,9] or -1', 'cluster-wide'],
  ['compression.lz4.level', 'int', '9', '[1,...,17]', 'cluster-wide'],
  ['compression.zstd.level', 'int', '3', '[-131072,...,22]', 'cluster-wide'],
  ['unclean.leader.election.enable', 'boolean', 'false', '', 'cluster-wide'],
  ['log.local.retention.ms', 'long', '-2', '[-2,...]', 'cluster-wide'],
  ['log.local.retention.bytes', 'long', '-2', '[-2,...]', 'cluster-wide'],
  ['remote.log.storage.system.enable', 'boolean', 'false', '', 'read-only'],
  ['log.cleaner.enable', 'boolean', 'true', '', 'read-only'],
  ['log.cleaner.threads', 'int', '1', '[0,...]', 'cluster-wide'],
  ['log.cleaner.io.max.bytes.per.second', 'double', '1.7976931348623157E308', '', 'cluster-wide'],
  ['log.cleaner.dedupe.buffer.size', 'long', '134217728', '', 'cluster-wide'],
  ['log.cleaner.io.buffer.size', 'int', '524288', '[0,...]', 'cluster-wide'],
  ['log.cleaner.io.buffer.load.factor', 'double', '0.9', '', 'cluster-wide'],
  ['log.cleaner.backoff.ms', 'long', '15000', '[0,...]', 'cluster-wide'],
  ['log.cleaner.min.cleanable.ratio', 'double', '0.5', '[0,...,1]', 'cluster-wide'],
  ['log.cleaner.delete.retention.ms', 'long', '86400000', '[0,...]', 'cluster-wide'],
  ['log.cleaner.min.compaction.lag.ms', 'long', '0', '[0,...]', 'cluster-wide'],
  ['log.cleaner.max.compaction.lag.ms', 'long', '9223372036854775807', '[1,...]', 'cluster-wide'],
  ['replica.fetch.max.bytes', 'int', '1048576', '[0,...]', 'read-only'],
  ['offsets.topic.replication.factor', 'short', '3', '[1,...]', 'read-only'],
  ['offsets.topic.num.partitions', 'int', '50', '[1,...]', 'read-only'],
  ['offsets.topic.segment.bytes', 'int', '104857600', '[1,...]', 'read-only'],
  ['offsets.retention.minutes', 'int', '10080', '[1,...]', 'read-only'],
  ['group.initial.rebalance.delay.ms', 'int', '3000', '', 'read-only'],
  ['group.min.session.timeout.ms', 'int', '6000', '', 'read-only'],
  ['group.max.session.timeout.ms', 'int', '1800000', '', 'read-only'],
  ['group.max.size', 'int', '2147483647', '[1,...]', 'read-only'],
  ['offset.metadata.max.bytes', 'int', '4096', '', 'read-only'],
  ['offsets.retention.check.interval.ms', 'long', '600000', '[1,...]', 'read-only'],
  ['transaction.state.log.replication.factor', 'short', '3', '[1,...]', 'read-only'],
  ['transaction.state.log.min.isr', 'int', '2', '[1,...]', 'read-only'],
  ['transaction.state.log.num.partitions', 'int', '50', '[1,...]', 'read-only'],
  ['transaction.state.log.segment.bytes', 'int', '104857600', '[1,...]', 'read-only'],
  ['transaction.state.log.load.buffer.size', 'int', '5242880', '[1,...]', 'read-only'],
  ['transaction.max.timeout.ms', 'int', '900000', '[1,...]', 'read-only'],
  ['transactional.id.expiration.ms', 'int', '604800000', '[1,...]', 'read-only'],
  ['transaction.abort.timed.out.transaction.cleanup.interval.ms', 'int', '10000', '[1,...]', 'read-only'],
  ['transaction.remove.expired.transaction.cleanup.interval.ms', 'int', '3600000', '[1,...]', 'read-only'],
  ['share.coordinator.state.topic.replication.factor', 'short', '3', '[1,...]', 'read-only'],
  ['share.coordinator.state.topic.min.isr', 'short', '2', '[1,...]', 'read-only'],
  ['share.coordinator.state.topic.num.partitions', 'int', '50', '[1,...]', 'read-only'],
  ['share.coordinator.state.topic.segment.bytes', 'int', '104857600', '[1,...]', 'read-only'],
  [
    'group.coordinator.rebalance.protocols',
    'list',
    'classic,consumer,streams',
    '[consumer, classic, share, streams]',
    'read-only',
  ],
  ['group.coordinator.threads', 'int', '4', '[1,...]', 'read-only'],
  ['group.coordinator.background.threads', 'int', '2', '[1,...]', 'read-only'],
  ['group.coordinator.append.linger.ms', 'int', '-1', '[-1,...]', 'read-only'],
  ['group.coordinator.cached.buffer.max.bytes', 'int', '1048588', '[524288,...]', 'cluster-wide'],
  ['group.consumer.session.timeout.ms', 'int', '45000', '[1,...]', 'read-only'],
  ['group.consumer.min.session.timeout.ms', 'int', '45000', '[1,...]', 'read-only'],
  ['group.consumer.max.session.timeout.ms', 'int', '60000', '[1,...]', 'read-only'],
  ['group.consumer.heartbeat.interval.ms', 'int', '5000', '[1,...]', 'read-only'],
  ['group.consumer.min.heartbeat.interval.ms', 'int', '5000', '[1,...]', 'read-only'],
  ['group.consumer.max.heartbeat.interval.ms', 'int', '15000', '[1,...]', 'read-only'],
  ['group.consumer.max.size', 'int', '2147483647', '[1,...]', 'read-only'],
  ['group.consumer.assignors', 'list', 'uniform,range', '', 'read-only'],
  [
    'group.consumer.migration.policy',
    'string',
    'bidirectional',
    '(case insensitive) [DISABLED, DOWNGRADE, UPGRADE, BIDIRECTIONAL]',
    'read-only',
  ],
  ['group.consumer.assignment.interval.ms', 'int', '1000', '[0,...]', 'cluster-wide'],
  ['group.consumer.min.assignment.interval.ms', 'int', '0', '[0,...]', 'read-only'],
  ['group.consumer.max.assignment.interval.ms', 'int', '15000', '[0,...]', 'read-only'],
  ['group.share.session.timeout.ms', 'int', '45000', '[1,...]', 'read-only'],
  ['group.share.min.session.timeout.ms', 'int', '45000', '[1,...]', 'read-only'],
  ['group.share.max.session.timeout.ms', 'int', '60000', '[1,...]', 'read-only'],
  ['group.share.heartbeat.interval.ms', 'int', '5000', '[1,...]', 'read-only'],
  ['group.share.min.heartbeat.interval.ms', 'int', '5000', '[1,...]', 'read-only'],
  ['group.share.max.heartbeat.interval.ms', 'int', '15000', '[1,...]', 'read-only'],
  ['group.share.max.size', 'int', '200', '[1,...,1000]', 'read-only'],
  ['group.share.assignors', 'list', 'simple', '', 'read-only'],
  ['group.share.assignment.interval.ms', 'int', '1000', '[0,...]', 'cluster-wide'],
  ['group.share.min.assignment.interval.ms', 'int', '0', '[0,...]', 'read-only'],
  ['group.share.max.assignment.interval.ms', 'int', '15000', '[0,...]', 'read-only'],
  ['group.share.delivery.count.limit', 'int', '5', '[2,...,10]', 'read-only'],
  ['group.share.max.delivery.count.limit', 'int', '10', '[5,...,25]', 'read-only'],
  ['group.share.min.delivery.count.limit', 'int', '2', '[2,...,5]', 'read-only'],
  ['group.share.record.lock.duration.ms', 'int', '30000', '[1000,...,3600000]', 'read-only'],
  ['group.share.min.record.lock.duration.ms', 'int', '15000', '[1000,...,30000]', 'read-only'],
  ['group.share.max.record.lock.duration.ms', 'int', '60000', '[30000,...,3600000]', 'read-only'],
  ['group.share.partition.max.record.locks', 'int', '2000', '[100,...,10000]', 'read-only'],
  ['group.share.max.partition.max.record.locks', 'int', '4000', '[2000,...,10000]', 'read-only'],
  ['group.share.min.partition.max.record.locks', 'int', '100', '[100,...,2000]', 'read-only'],
  ['share.fetch.purgatory.purge.interval.requests', 'int', '1000', '', 'read-only'],
  ['group.share.max.share.sessions', 'int', '2000', '[1,...]', 'read-only'],
];

const KAFKA_TOPIC_CONFIGS: [string, string, string | null, string][] = [
  ['segment.bytes', 'int', '1073741824', '[1048576,...]'],
  ['segment.ms', 'long', '604800000', '[1,...]'],
  ['segment.jitter.ms', 'long', '0', '[0,...]'],
  ['segment.index.bytes', 'int', '10485760', '[4,...]'],
  ['flush.messages', 'long', '9223372036854775807', '[1,...]'],
  ['flush.ms', 'long', '9223372036854775807', '[0,...]'],
  ['retention.bytes', 'long', '-1', ''],
  ['retention.ms', 'long', '604800000', '[-1,...]'],
  ['max.message.bytes', 'int', '1048588', '[0,...]'],
  ['index.interval.bytes', 'int', '4096', '[0,...]'],
  ['delete.retention.ms', 'long', '86400000', '[0,...]'],
  ['min.compaction.lag.ms', 'long', '0', '[0,...]'],
  ['max.compaction.lag.ms', 'long', '9223372036854775807', '[1,...]'],
  ['file.delete.delay.ms', 'long', '60000', '[0,...]'],
  ['min.cleanable.dirty.ratio', 'double', '0.5', '[0,...,1]'],
  ['cleanup.policy', 'list', 'delete', '[compact, delete]'],
  ['unclean.leader.election.enable', 'boolean', 'false', ''],
  ['min.insync.replicas', 'int', '1', '[1,...]'],
  ['compression.type', 'string', 'producer', '[uncompressed, zstd, lz4, snappy, gzip, producer]'],
  ['compression.gzip.level', 'int', '-1', '[1,...,9] or -1'],
  ['compression.lz4.level', 'int', '9', '[1,...,17]'],
  ['compression.zstd.level', 'int', '3', '[-131072,...,22]'],
  ['preallocate', 'boolean', 'false', ''],
  ['message.timestamp.type', 'string', 'CreateTime', '[CreateTime, LogAppendTime]'],
  ['message.timestamp.before.max.ms', 'long', '9223372036854775807', '[0,...]'],
  ['message.timestamp.after.max.ms', 'long', '3600000', '[0,...]'],
  [
    'leader.replication.throttled.replicas',
    'list',
    '',
    '[partitionId]:[brokerId],[partitionId]:[brokerId],...',
  ],
  [
    'follower.replication.throttled.replicas',
    'list',
    '',
    '[partitionId]:[brokerId],[partitionId]:[brokerId],...',
  ],
  ['remote.storage.enable', 'boolean', 'false', ''],
  ['local.retention.ms', 'long', '-2', '[-2,...]'],
  ['local.retention.bytes', 'long', '-2', '[-2,...]'],
  ['remote.log.copy.disable', 'boolean', 'false', ''],
  ['remote.log.delete.on.disable', 'boolean', 'false', ''],
  ['internal.segment.bytes', 'int', null, ''],
];

/**
 * Where Nagare differs on purpose: a single node needs no id, roles or controller listener, and KRaft
 * voters are ignored (Kafka checks each is {id}@{host}:{port} or {host}:{port}).
 */
const NAGARE_DIFFERENCES: Record<string, [string | null, string]> = {
  'node.id': ['1', '[0,...]'],
  'process.roles': ['broker,controller', '[broker, controller]'],
  'controller.listener.names': [null, ''],
  'controller.quorum.voters': ['', ''],
  'controller.quorum.bootstrap.servers': ['', ''],
};

function facts(def: ConfigDefinition): [string, string | null, string] {
  return [def.type, formatConfigValue(def.type, def.default), def.validator?.validValues ?? ''];
}

test("broker definitions have Kafka 4.3.1's types, defaults, valid values and update modes", () => {
  const expected = KAFKA_BROKER_CONFIGS.map(([name, type, fallback, valid, mode]) => {
    const [ourDefault, ourValid] = NAGARE_DIFFERENCES[name] ?? [fallback, valid];
    return [name, type, ourDefault, ourValid, mode];
  });
  const actual = BROKER_CONFIGS.filter((def) => def.name !== 'nagare.log.fsync.on.append').map((def) => [
    def.name,
    ...facts(def),
    def.dynamic,
  ]);
  assert.deepEqual(actual, expected);
});

test("topic definitions have Kafka 4.3.1's names, order, types, defaults and valid values", () => {
  assert.deepEqual(
    TOPIC_CONFIGS.map((def) => [def.name, ...facts(def)]),
    KAFKA_TOPIC_CONFIGS,
  );
});

test('the Nagare fsync key is a read-only boolean, off by default', () => {
  const fsync = BROKER_CONFIGS.find((def) => def.name === 'nagare.log.fsync.on.append');
  assert.deepEqual(fsync && [...facts(fsync), fsync.dynamic], ['boolean', 'false', '', 'read-only']);
});

// Broker configs: the ones Nagare honours, the broker defaults of every topic config, and the keys of
// Kafka's shipped KRaft server.properties (accepted and validated so that a Kafka config file starts
// Nagare without noise). Types, defaults, valid values and dynamic update modes are Apache Kafka 4.3.1's,
// checked against the ConfigDef and DynamicBrokerConfig of the 4.3.1 jars. Kafka's order of definition
// is kept within each group.
import type { BrokerConfigDefinition, ConfigValue, DynamicUpdateMode, Importance } from './definitions.ts';
import { CLEANUP_POLICIES, COMPRESSION_TYPES, TIMESTAMP_TYPES } from './topic-definitions.ts';
import {
  atLeast,
  between,
  levelOrDefault,
  listOf,
  nonEmptyList,
  nonEmptyListOf,
  oneOf,
  oneOfIgnoringCase,
} from './validators.ts';

const LONG_MAX = 2n ** 63n - 1n;

function broker(
  name: string,
  type: BrokerConfigDefinition['type'],
  defaultValue: ConfigValue,
  dynamic: DynamicUpdateMode,
  importance: Importance,
  doc: string,
  validator?: BrokerConfigDefinition['validator'],
): BrokerConfigDefinition {
  return { name, type, default: defaultValue, validator, importance, doc, dynamic };
}

/** Nagare's own key: fsync every append before acknowledging it (with group commit). */
export const FSYNC_ON_APPEND = 'nagare.log.fsync.on.append';

// biome-ignore format: one definition per line reads as a table
export const BROKER_CONFIGS: readonly BrokerConfigDefinition[] = [
  // Identity and KRaft keys. Kafka has no default for node.id; a single node needs none, so Nagare uses 1.
  { ...broker('node.id', 'int', 1, 'read-only', 'high', 'Id of this node (Nagare default 1; Kafka requires it).', atLeast(0)), nagareDefault: true },
  broker('broker.id', 'int', -1, 'read-only', 'high', 'Legacy name of node.id; when both are set they must agree.'),
  { ...broker('process.roles', 'list', ['broker', 'controller'], 'read-only', 'high', 'KRaft roles; Nagare is always a combined single node, so this is only validated.', nonEmptyListOf('broker', 'controller')), nagareDefault: true },
  // Kafka requires controller.listener.names; Nagare opens no controller listener, so it may be left out.
  broker('controller.listener.names', 'list', null, 'read-only', 'high', 'Listeners reserved for the KRaft controller; Nagare has no controller quorum and does not open them.', nonEmptyList),
  broker('controller.quorum.voters', 'list', [], 'read-only', 'high', 'KRaft voters; accepted and ignored (single node).'),
  broker('controller.quorum.bootstrap.servers', 'list', [], 'read-only', 'high', 'KRaft bootstrap servers; accepted and ignored (single node).'),

  // Network.
  broker('listeners', 'list', ['PLAINTEXT://:9092'], 'per-broker', 'high', 'Comma-separated NAME://host:port to listen on; an empty host means all interfaces, port 0 an ephemeral port.', nonEmptyList),
  broker('advertised.listeners', 'list', null, 'read-only', 'high', 'Addresses given to clients, NAME://host:port; defaults to listeners.', nonEmptyList),
  broker('listener.security.protocol.map', 'string', 'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT', 'per-broker', 'low', 'Security protocol of each listener name, as NAME:PROTOCOL pairs.'),
  broker('inter.broker.listener.name', 'string', null, 'read-only', 'medium', 'Listener brokers use among themselves; accepted and ignored (single node).'),
  broker('socket.request.max.bytes', 'int', 104857600, 'read-only', 'high', 'Largest request the broker reads; a bigger one closes the connection.', atLeast(1)),
  broker('socket.send.buffer.bytes', 'int', 102400, 'read-only', 'high', 'SO_SNDBUF of client sockets; -1 keeps the OS default.'),
  broker('socket.receive.buffer.bytes', 'int', 102400, 'read-only', 'high', 'SO_RCVBUF of client sockets; -1 keeps the OS default.'),
  broker('num.network.threads', 'int', 3, 'cluster-wide', 'high', 'Kafka network threads; accepted and ignored (Node.js is event-driven).', atLeast(1)),
  broker('num.io.threads', 'int', 8, 'cluster-wide', 'high', 'Kafka request threads; accepted and ignored.', atLeast(1)),

  // Topics and the log.
  broker('log.dirs', 'list', null, 'read-only', 'high', 'Comma-separated directories holding the log; when unset, log.dir is used.', nonEmptyList),
  broker('log.dir', 'list', ['/tmp/kafka-logs'], 'read-only', 'high', 'Directory holding the log when log.dirs is unset.', nonEmptyList),
  broker('num.partitions', 'int', 1, 'read-only', 'medium', 'Partitions of a topic created without a partition count.', atLeast(1)),
  broker('default.replication.factor', 'int', 1, 'read-only', 'medium', 'Replication factor of a topic created without one.'),
  broker('auto.create.topics.enable', 'boolean', true, 'read-only', 'high', 'Whether a Metadata request for an unknown topic creates it.'),
  broker('delete.topic.enable', 'boolean', true, 'read-only', 'high', 'Whether DeleteTopics may delete topics.'),
  broker('num.recovery.threads.per.data.dir', 'int', 2, 'cluster-wide', 'high', 'Kafka recovery threads per log directory; accepted and ignored.', atLeast(1)),
  broker('message.max.bytes', 'int', 1048588, 'cluster-wide', 'high', 'Largest record batch accepted, after compression; default of max.message.bytes.', atLeast(0)),
  broker('log.segment.bytes', 'int', 1073741824, 'cluster-wide', 'high', 'Default of segment.bytes.', atLeast(1048576)),
  broker('log.roll.ms', 'long', null, 'cluster-wide', 'high', 'Default of segment.ms; when unset, log.roll.hours is used.'),
  broker('log.roll.hours', 'int', 168, 'read-only', 'high', 'Default of segment.ms in hours, below log.roll.ms.', atLeast(1)),
  broker('log.roll.jitter.ms', 'long', null, 'cluster-wide', 'high', 'Default of segment.jitter.ms; when unset, log.roll.jitter.hours is used.'),
  broker('log.roll.jitter.hours', 'int', 0, 'read-only', 'high', 'Default of segment.jitter.ms in hours, below log.roll.jitter.ms.', atLeast(0)),
  broker('log.retention.ms', 'long', null, 'cluster-wide', 'high', 'Default of retention.ms; when unset, log.retention.minutes then log.retention.hours are used. -1 means no limit.'),
  broker('log.retention.minutes', 'int', null, 'read-only', 'high', 'Default of retention.ms in minutes, below log.retention.ms.'),
  broker('log.retention.hours', 'int', 168, 'read-only', 'high', 'Default of retention.ms in hours, below log.retention.minutes.'),
  broker('log.retention.bytes', 'long', -1n, 'cluster-wide', 'high', 'Default of retention.bytes.'),
  broker('log.retention.check.interval.ms', 'long', 300000n, 'read-only', 'medium', 'How often retention is enforced.', atLeast(1)),
  broker('log.cleanup.policy', 'list', ['delete'], 'cluster-wide', 'medium', 'Default of cleanup.policy.', listOf(...CLEANUP_POLICIES)),
  broker('log.index.size.max.bytes', 'int', 10485760, 'cluster-wide', 'medium', 'Default of segment.index.bytes.', atLeast(4)),
  broker('log.index.interval.bytes', 'int', 4096, 'cluster-wide', 'medium', 'Default of index.interval.bytes.', atLeast(0)),
  broker('log.flush.interval.messages', 'long', LONG_MAX, 'cluster-wide', 'high', 'Default of flush.messages.', atLeast(1)),
  broker('log.segment.delete.delay.ms', 'long', 60000n, 'cluster-wide', 'high', 'Default of file.delete.delay.ms.', atLeast(0)),
  broker('log.flush.scheduler.interval.ms', 'long', LONG_MAX, 'read-only', 'high', 'How often the flusher looks for logs to flush; default of flush.ms below log.flush.interval.ms.'),
  broker('log.flush.interval.ms', 'long', null, 'cluster-wide', 'high', 'Default of flush.ms; when unset, log.flush.scheduler.interval.ms is used.'),
  broker('log.preallocate', 'boolean', false, 'cluster-wide', 'medium', 'Default of preallocate.'),
  broker('min.insync.replicas', 'int', 1, 'cluster-wide', 'high', 'Default of min.insync.replicas.', atLeast(1)),
  broker('log.message.timestamp.type', 'string', 'CreateTime', 'cluster-wide', 'medium', 'Default of message.timestamp.type.', oneOf(...TIMESTAMP_TYPES)),
  broker('log.message.timestamp.before.max.ms', 'long', LONG_MAX, 'cluster-wide', 'medium', 'Default of message.timestamp.before.max.ms.', atLeast(0)),
  broker('log.message.timestamp.after.max.ms', 'long', 3600000n, 'cluster-wide', 'medium', 'Default of message.timestamp.after.max.ms.', atLeast(0)),
  broker('compression.type', 'string', 'producer', 'cluster-wide', 'high', 'Default of the topic config compression.type.', oneOf(...COMPRESSION_TYPES)),
  broker('compression.gzip.level', 'int', -1, 'cluster-wide', 'medium', 'Default of compression.gzip.level.', levelOrDefault(1, 9, -1)),
  broker('compression.lz4.level', 'int', 9, 'cluster-wide', 'medium', 'Default of compression.lz4.level.', between(1, 17)),
  broker('compression.zstd.level', 'int', 3, 'cluster-wide', 'medium', 'Default of compression.zstd.level.', between(-131072, 22)),
  broker('unclean.leader.election.enable', 'boolean', false, 'cluster-wide', 'high', 'Default of unclean.leader.election.enable.'),
  broker('log.local.retention.ms', 'long', -2n, 'cluster-wide', 'medium', 'Default of local.retention.ms.', atLeast(-2)),
  broker('log.local.retention.bytes', 'long', -2n, 'cluster-wide', 'medium', 'Default of local.retention.bytes.', atLeast(-2)),
  broker('remote.log.storage.system.enable', 'boolean', false, 'read-only', 'medium', 'Tiered storage; Nagare supports none, so only false is useful.'),

  // The log cleaner (compaction).
  broker('log.cleaner.enable', 'boolean', true, 'read-only', 'medium', 'Whether the cleaner runs; needed by compacted topics.'),
  broker('log.cleaner.threads', 'int', 1, 'cluster-wide', 'medium', 'Number of cleaner workers.', atLeast(0)),
  broker('log.cleaner.io.max.bytes.per.second', 'double', Number.MAX_VALUE, 'cluster-wide', 'medium', 'Read plus write throughput cap of the cleaner.'),
  broker('log.cleaner.dedupe.buffer.size', 'long', 134217728n, 'cluster-wide', 'medium', 'Memory for the key map of all cleaner workers.'),
  broker('log.cleaner.io.buffer.size', 'int', 524288, 'cluster-wide', 'medium', 'I/O buffer memory of all cleaner workers.', atLeast(0)),
  broker('log.cleaner.io.buffer.load.factor', 'double', 0.9, 'cluster-wide', 'medium', 'Fill ratio of the key map before it is considered full.'),
  broker('log.cleaner.backoff.ms', 'long', 15000n, 'cluster-wide', 'medium', 'Sleep of the cleaner when there is nothing to clean.', atLeast(0)),
  broker('log.cleaner.min.cleanable.ratio', 'double', 0.5, 'cluster-wide', 'medium', 'Default of min.cleanable.dirty.ratio.', between(0, 1)),
  broker('log.cleaner.delete.retention.ms', 'long', 86400000n, 'cluster-wide', 'medium', 'Default of delete.retention.ms.', atLeast(0)),
  broker('log.cleaner.min.compaction.lag.ms', 'long', 0n, 'cluster-wide', 'medium', 'Default of min.compaction.lag.ms.', atLeast(0)),
  broker('log.cleaner.max.compaction.lag.ms', 'long', LONG_MAX, 'cluster-wide', 'medium', 'Default of max.compaction.lag.ms.', atLeast(1)),

  // Replication (for DescribeConfigs completeness; a single node replicates nothing).
  broker('replica.fetch.max.bytes', 'int', 1048576, 'read-only', 'medium', 'Bytes a follower fetches per partition; no followers on a single node.', atLeast(0)),

  // Group and transaction coordinators.
  broker('offsets.topic.replication.factor', 'short', 3, 'read-only', 'high', 'Replication factor of __consumer_offsets.', atLeast(1)),
  broker('offsets.topic.num.partitions', 'int', 50, 'read-only', 'high', 'Partitions of __consumer_offsets.', atLeast(1)),
  broker('offsets.topic.segment.bytes', 'int', 104857600, 'read-only', 'high', 'Segment size of __consumer_offsets.', atLeast(1)),
  broker('offsets.retention.minutes', 'int', 10080, 'read-only', 'high', 'How long committed offsets of an empty group are kept.', atLeast(1)),
  broker('group.initial.rebalance.delay.ms', 'int', 3000, 'read-only', 'medium', 'Wait for more members before the first rebalance of an empty classic group.'),
  broker('group.min.session.timeout.ms', 'int', 6000, 'read-only', 'medium', 'Smallest session timeout a classic group member may ask for.'),
  broker('group.max.session.timeout.ms', 'int', 1800000, 'read-only', 'medium', 'Largest session timeout a classic group member may ask for.'),
  broker('group.max.size', 'int', 2147483647, 'read-only', 'medium', 'Most members a classic group may have; more are refused with GROUP_MAX_SIZE_REACHED.', atLeast(1)),
  broker('offset.metadata.max.bytes', 'int', 4096, 'read-only', 'high', 'Largest metadata string an offset commit may carry.'),
  broker('offsets.retention.check.interval.ms', 'long', 600000n, 'read-only', 'high', 'How often expired committed offsets are removed.', atLeast(1)),
  broker('transaction.state.log.replication.factor', 'short', 3, 'read-only', 'high', 'Replication factor of __transaction_state.', atLeast(1)),
  broker('transaction.state.log.min.isr', 'int', 2, 'read-only', 'high', 'min.insync.replicas of __transaction_state.', atLeast(1)),
  broker('transaction.state.log.num.partitions', 'int', 50, 'read-only', 'high', 'Partitions of __transaction_state (should not change after it is created).', atLeast(1)),
  broker('transaction.state.log.segment.bytes', 'int', 104857600, 'read-only', 'high', 'Segment size of __transaction_state.', atLeast(1)),
  broker('transaction.state.log.load.buffer.size', 'int', 5242880, 'read-only', 'high', 'Bytes read at a time when __transaction_state is loaded at start (a soft limit).', atLeast(1)),
  broker('transaction.max.timeout.ms', 'int', 900000, 'read-only', 'high', 'Largest transaction timeout a producer may ask for.', atLeast(1)),
  broker('transactional.id.expiration.ms', 'int', 604800000, 'read-only', 'high', 'Idle time after which a transactional id expires.', atLeast(1)),
  broker('transaction.abort.timed.out.transaction.cleanup.interval.ms', 'int', 10000, 'read-only', 'low', 'How often transactions open for longer than their timeout are aborted.', atLeast(1)),
  broker('transaction.remove.expired.transaction.cleanup.interval.ms', 'int', 3600000, 'read-only', 'low', 'How often transactional ids idle for transactional.id.expiration.ms are removed.', atLeast(1)),
  broker('share.coordinator.state.topic.replication.factor', 'short', 3, 'read-only', 'high', 'Replication factor of __share_group_state.', atLeast(1)),
  broker('share.coordinator.state.topic.min.isr', 'short', 2, 'read-only', 'high', 'min.insync.replicas of __share_group_state.', atLeast(1)),
  broker('share.coordinator.state.topic.num.partitions', 'int', 50, 'read-only', 'high', 'Partitions of __share_group_state (should not change after it is created).', atLeast(1)),
  broker('share.coordinator.state.topic.segment.bytes', 'int', 104857600, 'read-only', 'high', 'Segment size of __share_group_state.', atLeast(1)),

  // The group coordinator and KIP-848 consumer groups (GroupCoordinatorConfig). Kafka's internal
  // group.consumer.regex.refresh.interval.ms is left out: Nagare resolves regexes at every heartbeat.
  broker('group.coordinator.rebalance.protocols', 'list', ['classic', 'consumer', 'streams'], 'read-only', 'medium', 'Group protocols the coordinator serves (deprecated in Kafka); without consumer, ConsumerGroupHeartbeat and ConsumerGroupDescribe answer UNSUPPORTED_VERSION. classic cannot be left out.', nonEmptyListOf('consumer', 'classic', 'share', 'streams')),
  broker('group.coordinator.threads', 'int', 4, 'read-only', 'high', 'Kafka group coordinator threads; accepted and ignored.', atLeast(1)),
  broker('group.coordinator.background.threads', 'int', 2, 'read-only', 'high', 'Kafka group coordinator background threads; accepted and ignored.', atLeast(1)),
  broker('group.coordinator.append.linger.ms', 'int', -1, 'read-only', 'medium', 'How long Kafka batches coordinator writes; accepted and ignored.', atLeast(-1)),
  broker('group.coordinator.cached.buffer.max.bytes', 'int', 1048588, 'cluster-wide', 'medium', 'Largest write buffer Kafka keeps for reuse; accepted and ignored.', atLeast(524288)),
  broker('group.consumer.session.timeout.ms', 'int', 45000, 'read-only', 'medium', 'A consumer group member that does not heartbeat for this long is removed from its group.', atLeast(1)),
  broker('group.consumer.min.session.timeout.ms', 'int', 45000, 'read-only', 'medium', 'Lower bound of group.consumer.session.timeout.ms.', atLeast(1)),
  broker('group.consumer.max.session.timeout.ms', 'int', 60000, 'read-only', 'medium', 'Upper bound of group.consumer.session.timeout.ms.', atLeast(1)),
  broker('group.consumer.heartbeat.interval.ms', 'int', 5000, 'read-only', 'medium', 'How often consumer group members heartbeat; must be less than the session timeout.', atLeast(1)),
  broker('group.consumer.min.heartbeat.interval.ms', 'int', 5000, 'read-only', 'medium', 'Lower bound of group.consumer.heartbeat.interval.ms.', atLeast(1)),
  broker('group.consumer.max.heartbeat.interval.ms', 'int', 15000, 'read-only', 'medium', 'Upper bound of group.consumer.heartbeat.interval.ms.', atLeast(1)),
  broker('group.consumer.max.size', 'int', 2147483647, 'read-only', 'medium', 'Most members a consumer group may have; more are refused with GROUP_MAX_SIZE_REACHED.', atLeast(1)),
  broker('group.consumer.assignors', 'list', ['uniform', 'range'], 'read-only', 'medium', 'Server-side assignors members may ask for, by name (uniform, range) or Kafka class name; the first is the default.', nonEmptyList),
  broker('group.consumer.migration.policy', 'string', 'bidirectional', 'read-only', 'medium', 'Conversion between classic and consumer groups; Nagare converts only empty groups, which Kafka does under every policy, so the value is only validated.', oneOfIgnoringCase('DISABLED', 'DOWNGRADE', 'UPGRADE', 'BIDIRECTIONAL')),
  broker('group.consumer.assignment.interval.ms', 'int', 1000, 'cluster-wide', 'medium', 'Least time between target assignments of a group in Kafka; Nagare assigns at once, as Kafka does at 0.', atLeast(0)),
  broker('group.consumer.min.assignment.interval.ms', 'int', 0, 'read-only', 'medium', 'Lower bound of group.consumer.assignment.interval.ms.', atLeast(0)),
  broker('group.consumer.max.assignment.interval.ms', 'int', 15000, 'read-only', 'medium', 'Upper bound of group.consumer.assignment.interval.ms.', atLeast(0)),

  // KIP-932 share groups (GroupCoordinatorConfig, then ShareGroupConfig). Kafka's internal
  // group.share.initialize.retry.interval.ms and group.share.persister.class.name are left out: Nagare keeps
  // share state next to the partitions and has no persister to retry.
  broker('group.share.session.timeout.ms', 'int', 45000, 'read-only', 'medium', 'A share group member that does not heartbeat for this long is removed from its group.', atLeast(1)),
  broker('group.share.min.session.timeout.ms', 'int', 45000, 'read-only', 'medium', 'Lower bound of group.share.session.timeout.ms and of the share.session.timeout.ms group config.', atLeast(1)),
  broker('group.share.max.session.timeout.ms', 'int', 60000, 'read-only', 'medium', 'Upper bound of group.share.session.timeout.ms and of the share.session.timeout.ms group config.', atLeast(1)),
  broker('group.share.heartbeat.interval.ms', 'int', 5000, 'read-only', 'medium', 'How often share group members heartbeat; must be less than the session timeout.', atLeast(1)),
  broker('group.share.min.heartbeat.interval.ms', 'int', 5000, 'read-only', 'medium', 'Lower bound of group.share.heartbeat.interval.ms and of the share.heartbeat.interval.ms group config.', atLeast(1)),
  broker('group.share.max.heartbeat.interval.ms', 'int', 15000, 'read-only', 'medium', 'Upper bound of group.share.heartbeat.interval.ms and of the share.heartbeat.interval.ms group config.', atLeast(1)),
  broker('group.share.max.size', 'int', 200, 'read-only', 'medium', 'Most members a share group may have; more are refused with GROUP_MAX_SIZE_REACHED.', between(1, 1000)),
  broker('group.share.assignors', 'list', ['simple'], 'read-only', 'medium', 'The share group assignor; Kafka ships one, simple.', nonEmptyList),
  broker('group.share.assignment.interval.ms', 'int', 1000, 'cluster-wide', 'medium', 'Least time between target assignments of a share group in Kafka; Nagare assigns at once.', atLeast(0)),
  broker('group.share.min.assignment.interval.ms', 'int', 0, 'read-only', 'medium', 'Lower bound of group.share.assignment.interval.ms.', atLeast(0)),
  broker('group.share.max.assignment.interval.ms', 'int', 15000, 'read-only', 'medium', 'Upper bound of group.share.assignment.interval.ms.', atLeast(0)),
  broker('group.share.delivery.count.limit', 'int', 5, 'read-only', 'medium', 'Deliveries of a record to a share group before it is archived.', between(2, 10)),
  broker('group.share.max.delivery.count.limit', 'int', 10, 'read-only', 'medium', 'Upper bound of the share.delivery.count.limit group config.', between(5, 25)),
  broker('group.share.min.delivery.count.limit', 'int', 2, 'read-only', 'medium', 'Lower bound of the share.delivery.count.limit group config.', between(2, 5)),
  broker('group.share.record.lock.duration.ms', 'int', 30000, 'read-only', 'medium', 'How long a record acquired by a share consumer stays locked to it.', between(1000, 3600000)),
  broker('group.share.min.record.lock.duration.ms', 'int', 15000, 'read-only', 'medium', 'Lower bound of the share.record.lock.duration.ms group config.', between(1000, 30000)),
  broker('group.share.max.record.lock.duration.ms', 'int', 60000, 'read-only', 'medium', 'Upper bound of the share.record.lock.duration.ms group config.', between(30000, 3600000)),
  broker('group.share.partition.max.record.locks', 'int', 2000, 'read-only', 'medium', 'Records of one share partition that may be acquired at once.', between(100, 10000)),
  broker('group.share.max.partition.max.record.locks', 'int', 4000, 'read-only', 'medium', 'Upper bound of the share.partition.max.record.locks group config.', between(2000, 10000)),
  broker('group.share.min.partition.max.record.locks', 'int', 100, 'read-only', 'medium', 'Lower bound of the share.partition.max.record.locks group config.', between(100, 2000)),
  broker('share.fetch.purgatory.purge.interval.requests', 'int', 1000, 'read-only', 'medium', 'Kafka share fetch purgatory purge interval; accepted and ignored.'),
  broker('group.share.max.share.sessions', 'int', 2000, 'read-only', 'medium', 'Most share sessions the broker keeps.', atLeast(1)),

  broker(FSYNC_ON_APPEND, 'boolean', false, 'read-only', 'high', 'Nagare: fsync before acknowledging a produce, with group commit, so no acknowledged write is lost in a crash.'),
];

const BY_NAME = new Map(BROKER_CONFIGS.map((def) => [def.name, def]));

export function brokerConfigDefinition(name: string): BrokerConfigDefinition | undefined {
  return BY_NAME.get(name);
}

// Kafka's broker quota configs (QuotaConfig.brokerQuotaConfigs): not KafkaConfig keys, so they exist only
// when set dynamically, and DescribeConfigs lists them only then. kafka-reassign-partitions sets and
// clears them; a single node replicates nothing, so they are stored and reported, with no effect.
// biome-ignore format: one definition per line reads as a table
export const DYNAMIC_ONLY_BROKER_CONFIGS: readonly BrokerConfigDefinition[] = [
  broker('leader.replication.throttled.rate', 'long', LONG_MAX, 'cluster-wide', 'medium', 'Replication throttle of leaders in bytes per second (no effect on a single node).', atLeast(0)),
  broker('follower.replication.throttled.rate', 'long', LONG_MAX, 'cluster-wide', 'medium', 'Replication throttle of followers in bytes per second (no effect on a single node).', atLeast(0)),
  broker('replica.alter.log.dirs.io.max.bytes.per.second', 'long', LONG_MAX, 'cluster-wide', 'medium', 'Throttle of moves between log directories in bytes per second (no effect with one log directory).', atLeast(0)),
];

const DYNAMIC_ONLY_BY_NAME = new Map(DYNAMIC_ONLY_BROKER_CONFIGS.map((def) => [def.name, def]));

export function dynamicOnlyBrokerConfigDefinition(name: string): BrokerConfigDefinition | undefined {
  return DYNAMIC_ONLY_BY_NAME.get(name);
}

// Kafka's DynamicBrokerConfig.brokerConfigSynonyms: names that set one broker value, highest precedence
// first. Lower ones are in another unit, converted to the first one's.
const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['log.roll.ms', 'log.roll.hours'],
  ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
  ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
];

export function brokerConfigSynonyms(name: string): readonly string[] {
  // Only log.flush.interval.ms falls back to the scheduler interval; the reverse is not a synonym.
  if (name === 'log.flush.interval.ms') return [name, 'log.flush.scheduler.interval.ms'];
  return SYNONYM_GROUPS.find((group) => group.includes(name)) ?? [name];
}

/** Milliseconds per unit of the synonyms that are not in milliseconds. */
export const MILLIS_PER_UNIT: Readonly<Record<string, bigint>> = {
  'log.roll.hours': 3600000n,
  'log.roll.jitter.hours': 3600000n,
  'log.retention.minutes': 60000n,
  'log.retention.hours': 3600000n,
};

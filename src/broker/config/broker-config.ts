// The broker's configuration: raw key/value layers (server.properties, dynamic overrides) → one typed
// object, validated once with Kafka's rules and precedence. Unknown keys are ignored with a warning as
// Kafka does; a known key with a bad value is a ConfigError saying what to write instead.

import { ConfigError } from '../../common/config-error.ts';
import {
  BROKER_CONFIGS,
  brokerConfigDefinition,
  brokerConfigSynonyms,
  dynamicOnlyBrokerConfigDefinition,
  FSYNC_ON_APPEND,
  MILLIS_PER_UNIT,
} from './broker-definitions.ts';
import type { BrokerConfigDefinition, ConfigValue } from './definitions.ts';
import { checkGroupCoordinatorConfigs, rebalanceProtocolsWarnings } from './group-coordinator-checks.ts';
import {
  type Listener,
  parseListeners,
  parseSecurityProtocolMap,
  type SecurityProtocol,
} from './listeners.ts';
import { type TopicConfig, typedTopicConfig } from './topic-config.ts';
import { TOPIC_CONFIGS } from './topic-definitions.ts';
import { complaintMessage, expectation, longToNumber, parseConfigValue } from './values.ts';

/** Where broker settings come from, lowest precedence first; DescribeConfigs reports each as a source. */
export interface BrokerConfigLayers {
  /** server.properties and command-line overrides (STATIC_BROKER_CONFIG). */
  readonly static: Readonly<Record<string, string>>;
  /** AlterConfigs on the cluster-default broker resource "" (DYNAMIC_DEFAULT_BROKER_CONFIG). */
  readonly dynamicDefault: Readonly<Record<string, string>>;
  /** AlterConfigs on this broker's resource (DYNAMIC_BROKER_CONFIG). */
  readonly dynamicBroker: Readonly<Record<string, string>>;
}

export interface BrokerConfig {
  nodeId: number;
  /** Listeners to open (controller listeners of a Kafka KRaft file are left out). */
  listeners: Listener[];
  /** What Metadata tells clients; advertised.listeners, else the listeners. Port 0 = the bound port. */
  advertisedListeners: Listener[];
  listenerSecurityProtocolMap: ReadonlyMap<string, SecurityProtocol>;
  /** log.dirs, else log.dir, split on commas. */
  logDirs: string[];
  numPartitions: number;
  defaultReplicationFactor: number;
  autoCreateTopicsEnable: boolean;
  deleteTopicEnable: boolean;
  messageMaxBytes: number;
  socketRequestMaxBytes: number;
  socketSendBufferBytes: number;
  socketReceiveBufferBytes: number;
  logRetentionCheckIntervalMs: number;
  logFlushSchedulerIntervalMs: number;
  logCleanerEnable: boolean;
  logCleanerThreads: number;
  logCleanerBackoffMs: number;
  logCleanerDedupeBufferSize: number;
  logCleanerIoBufferSize: number;
  logCleanerIoBufferLoadFactor: number;
  logCleanerIoMaxBytesPerSecond: number;
  replicaFetchMaxBytes: number;
  offsetsTopicReplicationFactor: number;
  offsetsTopicNumPartitions: number;
  offsetsTopicSegmentBytes: number;
  /** offsets.retention.minutes in milliseconds. */
  offsetsRetentionMs: number;
  groupInitialRebalanceDelayMs: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  transactionStateLogReplicationFactor: number;
  transactionStateLogMinIsr: number;
  shareCoordinatorStateTopicNumPartitions: number;
  shareCoordinatorStateTopicSegmentBytes: number;
  transactionStateLogNumPartitions: number;
  transactionStateLogSegmentBytes: number;
  transactionStateLogLoadBufferSize: number;
  transactionMaxTimeoutMs: number;
  transactionalIdExpirationMs: number;
  transactionAbortTimedOutTransactionCleanupIntervalMs: number;
  transactionRemoveExpiredTransactionCleanupIntervalMs: number;
  /** nagare.log.fsync.on.append. */
  fsyncOnAppend: boolean;
  /** The settings of a topic without overrides: the log.* defaults with Kafka's precedence applied. */
  topicDefaults: TopicConfig;
  /** For DescribeConfigs: the layers as given. */
  layers: BrokerConfigLayers;
  /** For DescribeConfigs: every known broker config's effective value (exact; longs as bigint). */
  values: ReadonlyMap<string, ConfigValue>;
  /** For DescribeConfigs and topic configs: each topic config's broker-supplied default (Kafka's LogConfig defaults). */
  topicDefaultValues: ReadonlyMap<string, ConfigValue>;
}

export interface ParsedBrokerConfig {
  config: BrokerConfig;
  /** One line per ignored key or ignored listener, for the caller to log. */
  warnings: string[];
}

/**
 * Builds the broker configuration from server.properties (`props`) and, optionally, the dynamic layers
 * kept by the metadata store. Throws a one-line ConfigError on the first problem.
 */
export function parseBrokerConfig(
  props: Readonly<Record<string, string>>,
  dynamic: DynamicBrokerProps = {},
): ParsedBrokerConfig {
  try {
    return buildBrokerConfig(props, dynamic);
  } catch (err) {
    // Values may hold newlines (from \n escapes); the message must stay on one line.
    if (err instanceof ConfigError) throw new ConfigError(oneLine(err.message), err.configName);
    throw err;
  }
}

/** The dynamic layers, as AlterConfigs on the broker resources set them. */
export interface DynamicBrokerProps {
  /** Cluster-default resource "". */
  default?: Readonly<Record<string, string>>;
  /** This broker's resource. */
  broker?: Readonly<Record<string, string>>;
}

function buildBrokerConfig(
  props: Readonly<Record<string, string>>,
  dynamic: DynamicBrokerProps,
): ParsedBrokerConfig {
  const layers: BrokerConfigLayers = {
    static: withIdSynonyms(props),
    dynamicDefault: { ...dynamic.default },
    dynamicBroker: { ...dynamic.broker },
  };
  checkDynamicLayer(layers.dynamicBroker, 'broker');
  checkDynamicLayer(layers.dynamicDefault, 'default');
  const warnings = Object.keys(layers.static)
    .filter((key) => !brokerConfigDefinition(key))
    .map(unknownKeyWarning);

  const merged = overrideProps(
    overrideProps({ ...layers.static }, layers.dynamicDefault),
    layers.dynamicBroker,
  );
  const values = new Map<string, ConfigValue>();
  for (const def of BROKER_CONFIGS) values.set(def.name, parseBrokerValue(def, merged[def.name]));
  const get = (name: string) => values.get(name) as ConfigValue;

  const nodeId = get('node.id') as number;
  if (merged['broker.id'] !== undefined && get('broker.id') !== nodeId) {
    throw new ConfigError('You must set `node.id` to the same value as `broker.id`.', 'node.id');
  }
  const topicDefaultValues = brokerTopicDefaults(values);
  checkLogDefaults(topicDefaultValues, values);
  checkGroupCoordinatorConfigs(values);
  warnings.push(...rebalanceProtocolsWarnings(layers.static, values));
  const logDirs = parseLogDirs(values);
  const network = parseNetwork(values, warnings);
  const num = (name: string) => get(name) as number;
  const fsyncOnAppend = get(FSYNC_ON_APPEND) as boolean;
  const long = (name: string) => longToNumber(get(name) as bigint);

  const config: BrokerConfig = {
    nodeId,
    ...network,
    logDirs,
    numPartitions: num('num.partitions'),
    defaultReplicationFactor: num('default.replication.factor'),
    autoCreateTopicsEnable: get('auto.create.topics.enable') as boolean,
    deleteTopicEnable: get('delete.topic.enable') as boolean,
    messageMaxBytes: num('message.max.bytes'),
    socketRequestMaxBytes: num('socket.request.max.bytes'),
    socketSendBufferBytes: num('socket.send.buffer.bytes'),
    socketReceiveBufferBytes: num('socket.receive.buffer.bytes'),
    logRetentionCheckIntervalMs: long('log.retention.check.interval.ms'),
    logFlushSchedulerIntervalMs: long('log.flush.scheduler.interval.ms'),
    logCleanerEnable: get('log.cleaner.enable') as boolean,
    logCleanerThreads: num('log.cleaner.threads'),
    logCleanerBackoffMs: long('log.cleaner.backoff.ms'),
    logCleanerDedupeBufferSize: long('log.cleaner.dedupe.buffer.size'),
    logCleanerIoBufferSize: num('log.cleaner.io.buffer.size'),
    logCleanerIoBufferLoadFactor: num('log.cleaner.io.buffer.load.factor'),
    logCleanerIoMaxBytesPerSecond: num('log.cleaner.io.max.bytes.per.second'),
    replicaFetchMaxBytes: num('replica.fetch.max.bytes'),
    offsetsTopicReplicationFactor: num('offsets.topic.replication.factor'),
    offsetsTopicNumPartitions: num('offsets.topic.num.partitions'),
    offsetsTopicSegmentBytes: num('offsets.topic.segment.bytes'),
    offsetsRetentionMs: num('offsets.retention.minutes') * 60000,
    groupInitialRebalanceDelayMs: num('group.initial.rebalance.delay.ms'),
    groupMinSessionTimeoutMs: num('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: num('group.max.session.timeout.ms'),
    transactionStateLogReplicationFactor: num('transaction.state.log.replication.factor'),
    transactionStateLogMinIsr: num('transaction.state.log.min.isr'),
    shareCoordinatorStateTopicNumPartitions: num('share.coordinator.state.topic.num.partitions'),
    shareCoordinatorStateTopicSegmentBytes: num('share.coordinator.state.topic.segment.bytes'),
    transactionStateLogNumPartitions: num('transaction.state.log.num.partitions'),
    transactionStateLogSegmentBytes: num('transaction.state.log.segment.bytes'),
    transactionStateLogLoadBufferSize: num('transaction.state.log.load.buffer.size'),
    transactionMaxTimeoutMs: num('transaction.max.timeout.ms'),
    transactionalIdExpirationMs: num('transactional.id.expiration.ms'),
    transactionAbortTimedOutTransactionCleanupIntervalMs: num(
      'transaction.abort.timed.out.transaction.cleanup.interval.ms',
    ),
    transactionRemoveExpiredTransactionCleanupIntervalMs: num(
      'transaction.remove.expired.transaction.cleanup.interval.ms',
    ),
    fsyncOnAppend,
    topicDefaults: typedTopicConfig(topicDefaultValues, fsyncOnAppend),
    layers,
    values,
    topicDefaultValues,
  };
  return { config, warnings };
}

/** Kafka's populateSynonyms: node.id and broker.id name the same id; either fills in the other. */
function withIdSynonyms(props: Readonly<Record<string, string>>): Record<string, string> {
  const result = { ...props };
  if (result['node.id'] !== undefined && result['broker.id'] === undefined)
    result['broker.id'] = result['node.id'];
  if (result['broker.id'] !== undefined && result['node.id'] === undefined)
    result['node.id'] = result['broker.id'];
  return result;
}

/**
 * Kafka's DynamicBrokerConfig.validateConfigs, with its wording: read-only keys are refused, values of the
 * dynamic keys must parse, and per-broker keys cannot be cluster defaults. Keys Kafka does not know are
 * custom configs, which Kafka stores and reports (as sensitive) without using them.
 */
function checkDynamicLayer(layer: Readonly<Record<string, string>>, level: 'broker' | 'default'): void {
  const keys = Object.keys(layer);
  const modeOf = (key: string) => brokerConfigDefinition(key)?.dynamic;
  refuseKeys(
    keys.filter((key) => modeOf(key) === 'read-only'),
    'Cannot update these configs dynamically',
  );
  for (const key of keys) {
    const def = brokerConfigDefinition(key) ?? dynamicOnlyBrokerConfigDefinition(key);
    if (def) parseConfigValue(def, layer[key]);
  }
  if (level === 'default') {
    refuseKeys(
      keys.filter((key) => modeOf(key) === 'per-broker'),
      'Cannot update these configs at default cluster level, broker id must be specified',
    );
  }
}

function refuseKeys(keys: string[], message: string): void {
  // Kafka prints the names as a Java set: [a, b].
  if (keys.length > 0) throw new ConfigError(`${message}: [${keys.join(', ')}]`, keys[0]);
}

/**
 * Kafka's DynamicBrokerConfig.overrideProps: a higher layer's key also removes its synonyms from the lower
 * layers, so a dynamic log.retention.hours beats a static log.retention.ms.
 */
function overrideProps(
  props: Record<string, string>,
  overrides: Readonly<Record<string, string>>,
): Record<string, string> {
  for (const [key, value] of Object.entries(overrides)) {
    for (const synonym of brokerConfigSynonyms(key)) delete props[synonym];
    props[key] = value;
  }
  return props;
}

function unknownKeyWarning(key: string): string {
  const suggestion = closestKnownKey(key);
  return `Unknown configuration '${key}' was supplied and is ignored${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`;
}

/** A known key within two edits of a typo, to point at the likely intended one. */
function closestKnownKey(key: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const def of BROKER_CONFIGS) {
    const distance = editDistance(key, def.name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: def.name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

function parseBrokerValue(def: BrokerConfigDefinition, raw: string | undefined): ConfigValue {
  if (raw === undefined) return def.default;
  try {
    return parseConfigValue(def, raw);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(`${err.message}; ${expectation(def)}`, def.name);
  }
}

function oneLine(message: string): string {
  return message.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

/**
 * Kafka's KafkaConfig.extractLogConfigMap: for every topic config, the value its broker synonyms give,
 * taking the first one set in precedence order (log.retention.ms, then .minutes, then .hours) and
 * converting its unit to milliseconds. Topic configs without a broker synonym keep their own default.
 */
function brokerTopicDefaults(values: ReadonlyMap<string, ConfigValue>): Map<string, ConfigValue> {
  const defaults = new Map<string, ConfigValue>();
  for (const def of TOPIC_CONFIGS) {
    if (!def.serverDefault) {
      defaults.set(def.name, def.default);
      continue;
    }
    const source = brokerConfigSynonyms(def.serverDefault).find((name) => values.get(name) !== null);
    let value = source === undefined ? null : (values.get(source) as ConfigValue);
    const unit = source === undefined ? undefined : MILLIS_PER_UNIT[source];
    if (unit !== undefined && value !== null) value = BigInt(value as number) * unit;
    // Kafka's logRetentionTimeMillis: any negative retention means "unlimited", i.e. -1.
    if (def.name === 'retention.ms' && typeof value === 'bigint' && value < 0n) value = -1n;
    defaults.set(def.name, value);
  }
  return defaults;
}

/**
 * KafkaConfig.validateValues' checks of the log defaults (Scala `require`s, hence Kafka's "requirement
 * failed: " prefix), and the topic ranges they must also meet.
 */
function checkLogDefaults(
  topicDefaults: ReadonlyMap<string, ConfigValue>,
  values: ReadonlyMap<string, ConfigValue>,
) {
  const requirement = (holds: boolean, message: string, name: string) => {
    if (!holds) throw new ConfigError(`requirement failed: ${message}`, name);
  };
  const retentionMs = topicDefaults.get('retention.ms') as bigint;
  requirement(
    retentionMs !== 0n,
    'log.retention.ms must be unlimited (-1) or, greater than or equal to 1',
    'log.retention.ms',
  );
  requirement(
    (topicDefaults.get('segment.ms') as bigint) >= 1n,
    'log.roll.ms must be greater than or equal to 1',
    'log.roll.ms',
  );
  requirement(
    (topicDefaults.get('segment.jitter.ms') as bigint) >= 0n,
    'log.roll.jitter.ms must be greater than or equal to 0',
    'log.roll.jitter.ms',
  );
  for (const def of TOPIC_CONFIGS) {
    const value = topicDefaults.get(def.name) as ConfigValue;
    const complaint = def.validator?.check(value, def.name);
    if (complaint && def.serverDefault) {
      throw new ConfigError(
        `${complaintMessage(def.serverDefault, def.type, value, complaint)} (it is the broker default of ${def.name})`,
        def.serverDefault,
      );
    }
  }
  const threads = values.get('log.cleaner.threads') as number;
  const dedupe = values.get('log.cleaner.dedupe.buffer.size') as bigint;
  requirement(
    threads === 0 || dedupe / BigInt(threads) > 1024n * 1024n,
    'log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.',
    'log.cleaner.dedupe.buffer.size',
  );
  const minLag = topicDefaults.get('min.compaction.lag.ms') as bigint;
  const maxLag = topicDefaults.get('max.compaction.lag.ms') as bigint;
  if (minLag > maxLag) {
    throw new ConfigError(
      `conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag}); lower log.cleaner.min.compaction.lag.ms or raise log.cleaner.max.compaction.lag.ms`,
      'log.cleaner.min.compaction.lag.ms',
    );
  }
}

/** log.dirs, else log.dir: both validated as non-empty lists of non-empty directories. */
function parseLogDirs(values: ReadonlyMap<string, ConfigValue>): string[] {
  return [...((values.get('log.dirs') ?? values.get('log.dir')) as readonly string[])];
}

function parseNetwork(
  values: ReadonlyMap<string, ConfigValue>,
  warnings: string[],
): Pick<BrokerConfig, 'listeners' | 'advertisedListeners' | 'listenerSecurityProtocolMap'> {
  const protocolMap = parseSecurityProtocolMap(values.get('listener.security.protocol.map') as string);
  const controllerNames = ((values.get('controller.listener.names') as readonly string[] | null) ?? []).map(
    (name) => name.toUpperCase(),
  );
  // Controller listeners are never opened, so they need no protocol (Kafka would map them to PLAINTEXT).
  const protocols = new Map(protocolMap);
  for (const name of controllerNames) if (!protocols.has(name)) protocols.set(name, 'PLAINTEXT');
  const isBrokerListener = (listener: Listener) => !controllerNames.includes(listener.name);

  const rawListeners = (values.get('listeners') as readonly string[]).join(',');
  const all = parseListeners('listeners', rawListeners, protocols, true);
  for (const ignored of all.filter((listener) => !isBrokerListener(listener))) {
    warnings.push(
      `Controller listener ${ignored.name} is not opened: Nagare is a single node without a KRaft controller quorum`,
    );
  }
  const listeners = all.filter(isBrokerListener);
  if (listeners.length === 0) {
    throw new ConfigError(
      `Invalid value ${rawListeners} for configuration listeners: at least one broker listener is needed, e.g. PLAINTEXT://:9092`,
      'listeners',
    );
  }

  const advertised = values.get('advertised.listeners') as readonly string[] | null;
  const advertisedListeners =
    advertised === null
      ? listeners.map((listener) => ({ ...listener }))
      : parseListeners('advertised.listeners', advertised.join(','), protocols, false).filter(
          isBrokerListener,
        );
  checkAdvertised(advertisedListeners, listeners);
  return { listeners, advertisedListeners, listenerSecurityProtocolMap: protocolMap };
}

/** Kafka's checks of advertised listeners, with its messages. */
function checkAdvertised(advertised: Listener[], listeners: Listener[]): void {
  if (advertised.length === 0) {
    throw new ConfigError(
      'There must be at least one broker advertised listener. Perhaps all listeners appear in controller.listener.names?',
      'advertised.listeners',
    );
  }
  const names = listeners.map((listener) => listener.name);
  if (!advertised.every((listener) => names.includes(listener.name))) {
    throw new ConfigError(
      `advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found ${advertised.map((l) => l.name).join(',')}. The valid options based on the current configuration are ${names.join(',')}`,
      'advertised.listeners',
    );
  }
  if (advertised.some((listener) => listener.host === '0.0.0.0')) {
    throw new ConfigError(
      'advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.',
      'advertised.listeners',
    );
  }
}

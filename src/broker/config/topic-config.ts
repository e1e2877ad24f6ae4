// Topic configs: validation of the overrides given to CreateTopics / AlterConfigs (Kafka's messages and
// error code), and the effective typed settings a topic's log runs with (overrides over broker defaults).

import { ConfigError } from '../../common/config-error.ts';
import { ERRORS } from '../../protocol/errors.ts';
import type { BrokerConfig } from './broker-config.ts';
import type { ConfigValue } from './definitions.ts';
import {
  type COMPRESSION_TYPES,
  type TIMESTAMP_TYPES,
  TOPIC_CONFIGS,
  topicConfigDefinition,
} from './topic-definitions.ts';
import { longToNumber, parseConfigValue } from './values.ts';

export type BrokerCompressionType = (typeof COMPRESSION_TYPES)[number];
export type TimestampType = (typeof TIMESTAMP_TYPES)[number];

/**
 * A topic's effective settings. Longs are numbers; Kafka's Long.MAX_VALUE ("never"/"unlimited", e.g. the
 * default flush.messages) is Infinity. -1 keeps Kafka's meaning where Kafka uses it (retention.bytes,
 * retention.ms: no limit), and -2 in local.retention.* means "same as retention.*".
 */
export interface TopicConfig {
  /** Kafka's LogConfig.segmentSize(): internal.segment.bytes when set, else segment.bytes. */
  segmentBytes: number;
  segmentMs: number;
  segmentJitterMs: number;
  segmentIndexBytes: number;
  flushMessages: number;
  flushMs: number;
  retentionBytes: number;
  retentionMs: number;
  maxMessageBytes: number;
  indexIntervalBytes: number;
  deleteRetentionMs: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  fileDeleteDelayMs: number;
  minCleanableDirtyRatio: number;
  /** cleanup.policy as flags; both false (an empty list) means segments are never removed. */
  cleanupPolicy: { delete: boolean; compact: boolean };
  uncleanLeaderElectionEnable: boolean;
  minInsyncReplicas: number;
  compression: BrokerCompressionType;
  compressionGzipLevel: number;
  compressionLz4Level: number;
  compressionZstdLevel: number;
  preallocate: boolean;
  timestampType: TimestampType;
  messageTimestampBeforeMaxMs: number;
  messageTimestampAfterMaxMs: number;
  leaderReplicationThrottledReplicas: readonly string[];
  followerReplicationThrottledReplicas: readonly string[];
  remoteStorageEnable: boolean;
  localRetentionMs: number;
  localRetentionBytes: number;
  remoteLogCopyDisable: boolean;
  remoteLogDeleteOnDisable: boolean;
  /** Not a topic config: the broker's nagare.log.fsync.on.append, carried here for the log. */
  fsyncOnAppend: boolean;
}

export type TopicConfigValidation = { ok: true } | { ok: false; errorCode: number; message: string };

/**
 * Validates topic config overrides as Kafka's controller does for CreateTopics and AlterConfigs: no
 * null values, only known names, values of the right type and range, and consistent combined with the
 * broker defaults. The error code is INVALID_CONFIG and the message Kafka's.
 */
export function validateTopicConfigs(
  entries: Readonly<Record<string, string | null>>,
  broker: BrokerConfig,
): TopicConfigValidation {
  const invalid = (message: string): TopicConfigValidation => ({
    ok: false,
    errorCode: ERRORS.INVALID_CONFIG.code,
    message,
  });
  const names = Object.keys(entries);
  const nulls = names.filter((name) => entries[name] === null);
  if (nulls.length > 0) return invalid(`Null value not supported for topic configs: ${nulls.join(',')}`);
  const unknown = names.find((name) => !topicConfigDefinition(name));
  if (unknown !== undefined) return invalid(`Unknown topic config name: ${unknown}`);
  let values: Map<string, ConfigValue>;
  try {
    values = effectiveTopicValues(entries as Readonly<Record<string, string>>, broker);
  } catch (err) {
    if (err instanceof ConfigError) return invalid(err.message);
    throw err;
  }
  const minLag = values.get('min.compaction.lag.ms') as bigint;
  const maxLag = values.get('max.compaction.lag.ms') as bigint;
  if (minLag > maxLag) {
    return invalid(
      `conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`,
    );
  }
  if (
    values.get('remote.storage.enable') === true &&
    broker.values.get('remote.log.storage.system.enable') !== true
  ) {
    return invalid(
      'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.',
    );
  }
  return { ok: true };
}

/**
 * Every topic config's exact value for a topic: its overrides parsed over the broker's defaults. Throws a
 * ConfigError (Kafka's message) for an invalid override; unknown names are ignored, as stored overrides
 * were validated when they were set.
 */
export function effectiveTopicValues(
  overrides: Readonly<Record<string, string>>,
  broker: BrokerConfig,
): Map<string, ConfigValue> {
  const values = new Map(broker.topicDefaultValues);
  for (const def of TOPIC_CONFIGS) {
    const raw = overrides[def.name];
    if (raw !== undefined) values.set(def.name, parseConfigValue(def, raw));
  }
  return values;
}

/** The typed settings a topic's log runs with: its overrides over the broker's defaults. */
export function effectiveTopicConfig(
  overrides: Readonly<Record<string, string>>,
  broker: BrokerConfig,
): TopicConfig {
  return typedTopicConfig(effectiveTopicValues(overrides, broker), broker.fsyncOnAppend);
}

/**
 * internal.segment.bytes, Kafka's test-only override, wins over segment.bytes. Kafka accepts any int
 * there, but the log takes only positive sizes: 1 already rolls before every append to a non-empty
 * segment, which is all that 0 or less could mean.
 */
function segmentSize(internalSegmentBytes: number | null, segmentBytes: number): number {
  return internalSegmentBytes === null ? segmentBytes : Math.max(1, internalSegmentBytes);
}

/** Typed view of a complete map of topic config values. */
export function typedTopicConfig(
  values: ReadonlyMap<string, ConfigValue>,
  fsyncOnAppend: boolean,
): TopicConfig {
  const get = (name: string) => values.get(name) as ConfigValue;
  const num = (name: string) => get(name) as number;
  const long = (name: string) => longToNumber(get(name) as bigint);
  const bool = (name: string) => get(name) as boolean;
  // Kafka lower-cases the policies when it reads them, though the validator only lets lower case through.
  const policies = (get('cleanup.policy') as readonly string[]).map((policy) => policy.toLowerCase());
  return {
    segmentBytes: segmentSize(get('internal.segment.bytes') as number | null, num('segment.bytes')),
    segmentMs: long('segment.ms'),
    segmentJitterMs: long('segment.jitter.ms'),
    segmentIndexBytes: num('segment.index.bytes'),
    flushMessages: long('flush.messages'),
    flushMs: long('flush.ms'),
    retentionBytes: long('retention.bytes'),
    retentionMs: long('retention.ms'),
    maxMessageBytes: num('max.message.bytes'),
    indexIntervalBytes: num('index.interval.bytes'),
    deleteRetentionMs: long('delete.retention.ms'),
    minCompactionLagMs: long('min.compaction.lag.ms'),
    maxCompactionLagMs: long('max.compaction.lag.ms'),
    fileDeleteDelayMs: long('file.delete.delay.ms'),
    minCleanableDirtyRatio: num('min.cleanable.dirty.ratio'),
    cleanupPolicy: {
      delete: policies.includes('delete'),
      compact: policies.includes('compact'),
    },
    uncleanLeaderElectionEnable: bool('unclean.leader.election.enable'),
    minInsyncReplicas: num('min.insync.replicas'),
    compression: get('compression.type') as BrokerCompressionType,
    compressionGzipLevel: num('compression.gzip.level'),
    compressionLz4Level: num('compression.lz4.level'),
    compressionZstdLevel: num('compression.zstd.level'),
    preallocate: bool('preallocate'),
    timestampType: get('message.timestamp.type') as TimestampType,
    messageTimestampBeforeMaxMs: long('message.timestamp.before.max.ms'),
    messageTimestampAfterMaxMs: long('message.timestamp.after.max.ms'),
    leaderReplicationThrottledReplicas: get('leader.replication.throttled.replicas') as readonly string[],
    followerReplicationThrottledReplicas: get('follower.replication.throttled.replicas') as readonly string[],
    remoteStorageEnable: bool('remote.storage.enable'),
    localRetentionMs: long('local.retention.ms'),
    localRetentionBytes: long('local.retention.bytes'),
    remoteLogCopyDisable: bool('remote.log.copy.disable'),
    remoteLogDeleteOnDisable: bool('remote.log.delete.on.disable'),
    fsyncOnAppend,
  };
}

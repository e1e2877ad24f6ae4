// Topic configs: Apache Kafka 4.3.1's LogConfig, in Kafka's order, with types, defaults, valid values and
// the broker config that supplies each default ("Server Default Property"). Checked against the
// ConfigDef of the kafka-storage 4.3.1 jar. Kafka 4 dropped message.format.version,
// message.downconversion.enable and message.timestamp.difference.max.ms, so they are unknown here too.
// segment.bytes has Kafka's 1 MiB minimum (KIP-1030); tests that need tiny segments set Kafka's internal
// internal.segment.bytes instead, which has no minimum and takes precedence.
import type { ConfigValue, TopicConfigDefinition } from './definitions.ts';
import { atLeast, between, levelOrDefault, listOf, oneOf, throttledReplicas } from './validators.ts';

const LONG_MAX = 2n ** 63n - 1n;
const WEEK_MS = 7n * 24n * 3600n * 1000n;

export const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const;
export const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'] as const;
export const CLEANUP_POLICIES = ['compact', 'delete'] as const;

function topic(
  name: string,
  type: TopicConfigDefinition['type'],
  defaultValue: ConfigValue,
  serverDefault: string | undefined,
  doc: string,
  validator?: TopicConfigDefinition['validator'],
): TopicConfigDefinition {
  return { name, type, default: defaultValue, validator, importance: 'medium', doc, serverDefault };
}

// biome-ignore format: one definition per line reads as a table
export const TOPIC_CONFIGS: readonly TopicConfigDefinition[] = [
  topic('segment.bytes', 'int', 1073741824, 'log.segment.bytes', 'Size at which a log segment is closed and a new one started.', atLeast(1048576)),
  topic('segment.ms', 'long', WEEK_MS, 'log.roll.ms', 'Time after which a segment is rolled even if it is not full, so that retention can delete or compact it.', atLeast(1)),
  topic('segment.jitter.ms', 'long', 0n, 'log.roll.jitter.ms', 'Largest random amount subtracted from segment.ms, to spread segment rolls over time.', atLeast(0)),
  topic('segment.index.bytes', 'int', 10485760, 'log.index.size.max.bytes', 'Size of the offset index preallocated for each segment.', atLeast(4)),
  topic('flush.messages', 'long', LONG_MAX, 'log.flush.interval.messages', 'Number of messages written to a partition after which its data is fsynced. The default leaves flushing to the operating system.', atLeast(1)),
  topic('flush.ms', 'long', LONG_MAX, 'log.flush.interval.ms', 'Time after which written data is fsynced. The default leaves flushing to the operating system.', atLeast(0)),
  topic('retention.bytes', 'long', -1n, 'log.retention.bytes', 'Largest size a partition may reach before its oldest segments are deleted (delete policy); -1 means no size limit.'),
  topic('retention.ms', 'long', WEEK_MS, 'log.retention.ms', 'Time a segment is kept before it is deleted (delete policy); -1 means no time limit.', atLeast(-1)),
  topic('max.message.bytes', 'int', 1048588, 'message.max.bytes', 'Largest record batch the broker accepts for this topic, after compression.', atLeast(0)),
  topic('index.interval.bytes', 'int', 4096, 'log.index.interval.bytes', 'Bytes of log between two entries of the offset index.', atLeast(0)),
  topic('delete.retention.ms', 'long', 86400000n, 'log.cleaner.delete.retention.ms', 'Time tombstones are kept in a compacted topic.', atLeast(0)),
  topic('min.compaction.lag.ms', 'long', 0n, 'log.cleaner.min.compaction.lag.ms', 'Shortest time a record stays uncompacted.', atLeast(0)),
  topic('max.compaction.lag.ms', 'long', LONG_MAX, 'log.cleaner.max.compaction.lag.ms', 'Longest time a record may stay ineligible for compaction.', atLeast(1)),
  topic('file.delete.delay.ms', 'long', 60000n, 'log.segment.delete.delay.ms', 'Delay before a deleted segment file is removed from disk.', atLeast(0)),
  topic('min.cleanable.dirty.ratio', 'double', 0.5, 'log.cleaner.min.cleanable.ratio', 'Share of uncompacted log above which the cleaner compacts a partition.', between(0, 1)),
  topic('cleanup.policy', 'list', ['delete'], 'log.cleanup.policy', 'What happens to old segments: "delete" removes them by time or size, "compact" keeps the last record of each key; both may be listed.', listOf(...CLEANUP_POLICIES)),
  topic('unclean.leader.election.enable', 'boolean', false, 'unclean.leader.election.enable', 'Whether a replica outside the ISR may become leader (irrelevant on a single node).'),
  topic('min.insync.replicas', 'int', 1, 'min.insync.replicas', 'Fewest in-sync replicas that must have a write for an acks=all produce to succeed.', atLeast(1)),
  topic('compression.type', 'string', 'producer', 'compression.type', 'Compression of stored batches: a codec, "uncompressed", or "producer" to keep what the producer sent.', oneOf(...COMPRESSION_TYPES)),
  topic('compression.gzip.level', 'int', -1, 'compression.gzip.level', 'gzip level used when compression.type is gzip; -1 is the codec default.', levelOrDefault(1, 9, -1)),
  topic('compression.lz4.level', 'int', 9, 'compression.lz4.level', 'lz4 level used when compression.type is lz4.', between(1, 17)),
  topic('compression.zstd.level', 'int', 3, 'compression.zstd.level', 'zstd level used when compression.type is zstd.', between(-131072, 22)),
  topic('preallocate', 'boolean', false, 'log.preallocate', 'Whether segment files are preallocated at full size when created.'),
  topic('message.timestamp.type', 'string', 'CreateTime', 'log.message.timestamp.type', "Which timestamp records carry: the producer's (CreateTime) or the broker's append time (LogAppendTime).", oneOf(...TIMESTAMP_TYPES)),
  topic('message.timestamp.before.max.ms', 'long', LONG_MAX, 'log.message.timestamp.before.max.ms', 'How far in the past a CreateTime timestamp may be before the batch is rejected.', atLeast(0)),
  topic('message.timestamp.after.max.ms', 'long', 3600000n, 'log.message.timestamp.after.max.ms', 'How far in the future a CreateTime timestamp may be before the batch is rejected.', atLeast(0)),
  topic('leader.replication.throttled.replicas', 'list', [], undefined, 'Replicas whose replication is throttled on the leader side (no effect on a single node).', throttledReplicas),
  topic('follower.replication.throttled.replicas', 'list', [], undefined, 'Replicas whose replication is throttled on the follower side (no effect on a single node).', throttledReplicas),
  topic('remote.storage.enable', 'boolean', false, undefined, 'Whether the topic uses tiered storage (not supported by Nagare).'),
  topic('local.retention.ms', 'long', -2n, 'log.local.retention.ms', 'Local retention time when tiered storage is on; -2 means retention.ms.', atLeast(-2)),
  topic('local.retention.bytes', 'long', -2n, 'log.local.retention.bytes', 'Local retention size when tiered storage is on; -2 means retention.bytes.', atLeast(-2)),
  topic('remote.log.copy.disable', 'boolean', false, undefined, 'Stops copying segments to tiered storage while keeping what is there.'),
  topic('remote.log.delete.on.disable', 'boolean', false, undefined, 'Deletes tiered data when tiered storage is turned off for the topic.'),
  { ...topic('internal.segment.bytes', 'int', null, undefined, 'For tests only: a segment size that replaces segment.bytes, without its 1 MiB minimum.'), internal: true },
];

const BY_NAME = new Map(TOPIC_CONFIGS.map((def) => [def.name, def]));

export function topicConfigDefinition(name: string): TopicConfigDefinition | undefined {
  return BY_NAME.get(name);
}

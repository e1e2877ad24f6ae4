// Per-partition log settings. Names and defaults follow Kafka's topic configs (segment.bytes, segment.ms,
// index.interval.bytes, segment.index.bytes, flush.messages, flush.ms, and those of retention and
// compaction); fsyncOnAppend is Nagare's "durable" mode: every append is fsynced before it resolves,
// with group commit.

/** cleanup.policy as flags; both false (Kafka's empty list) means segments are never removed. */
export interface CleanupPolicy {
  delete: boolean;
  compact: boolean;
}

export interface LogConfig {
  /** segment.bytes: roll when the active segment would grow beyond this. */
  segmentBytes: number;
  /** segment.ms: roll when the timestamps in a segment span more than this (Kafka's rule, see shouldRoll). */
  segmentMs: number;
  /** index.interval.bytes: bytes of log between two offset index entries. */
  indexIntervalBytes: number;
  /** segment.index.bytes: size bound of each index file, hence its maximum number of entries. */
  segmentIndexBytes: number;
  /** flush.messages: fsync once this many offsets are unflushed. Infinity (Kafka's Long.MAX) = never. */
  flushMessages: number;
  /** flush.ms: fsync data at most this long after it was written. Infinity = never. */
  flushMs: number;
  /** Durable mode: an append resolves only after its bytes are fsynced; concurrent appends share fsyncs. */
  fsyncOnAppend: boolean;
  cleanupPolicy: CleanupPolicy;
  /** retention.ms: delete segments whose largest timestamp is older than this; -1 = no limit. */
  retentionMs: number;
  /** retention.bytes: delete the oldest segments while the partition is larger; -1 = no limit. */
  retentionBytes: number;
  /** file.delete.delay.ms: how long a deleted segment's files stay (renamed .deleted) for readers. */
  fileDeleteDelayMs: number;
  /** delete.retention.ms: how long a tombstone survives after the cleaner first saw it. */
  deleteRetentionMs: number;
  /** min.compaction.lag.ms: records younger than this are not compacted. */
  minCompactionLagMs: number;
  /** max.compaction.lag.ms: records older than this are compacted whatever the dirty ratio. */
  maxCompactionLagMs: number;
  /** min.cleanable.dirty.ratio: share of dirty bytes above which the cleaner takes the log. */
  minCleanableDirtyRatio: number;
  /** Wall clock in milliseconds (default Date.now); tests inject one to roll by time without sleeping. */
  clock?: () => number;
}

export type ResolvedLogConfig = Required<LogConfig>;

const GiB = 1024 * 1024 * 1024;
const INT32_MAX = 0x7fffffff;
const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_LOG_CONFIG: Readonly<ResolvedLogConfig> = Object.freeze({
  segmentBytes: GiB,
  segmentMs: 7 * DAY_MS,
  indexIntervalBytes: 4096,
  segmentIndexBytes: 10 * 1024 * 1024,
  flushMessages: Number.POSITIVE_INFINITY,
  flushMs: Number.POSITIVE_INFINITY,
  fsyncOnAppend: false,
  cleanupPolicy: Object.freeze({ delete: true, compact: false }),
  retentionMs: 7 * DAY_MS,
  retentionBytes: -1,
  fileDeleteDelayMs: 60_000,
  deleteRetentionMs: DAY_MS,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Number.POSITIVE_INFINITY,
  minCleanableDirtyRatio: 0.5,
  clock: Date.now,
});

/** Kafka expresses "never" as Long.MAX_VALUE; anything beyond what a timer or counter can reach means never. */
export function isNever(value: number): boolean {
  return !Number.isFinite(value) || value >= Number.MAX_SAFE_INTEGER;
}

export function resolveLogConfig(overrides: Partial<LogConfig> = {}): ResolvedLogConfig {
  const config = { ...DEFAULT_LOG_CONFIG };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) Object.assign(config, { [key]: value });
  }
  checkPositive(config, 'segmentBytes');
  checkPositive(config, 'segmentMs');
  checkPositive(config, 'flushMessages');
  checkPositive(config, 'flushMs');
  checkPositive(config, 'segmentIndexBytes');
  for (const key of ['segmentBytes', 'indexIntervalBytes', 'segmentIndexBytes', 'flushMessages'] as const) {
    if (!Number.isInteger(config[key]) && !isNever(config[key]))
      throw new RangeError(`${key} must be an integer`);
  }
  // Positions in the offset index are int32, as in Kafka where segment.bytes is an int.
  if (config.segmentBytes > INT32_MAX) throw new RangeError(`segmentBytes must be <= ${INT32_MAX}`);
  if (config.indexIntervalBytes < 0) throw new RangeError('indexIntervalBytes must be >= 0');
  if (config.segmentIndexBytes < 12) throw new RangeError('segmentIndexBytes must hold at least one entry');
  for (const key of ['fileDeleteDelayMs', 'deleteRetentionMs', 'minCompactionLagMs'] as const) {
    if (!(config[key] >= 0)) throw new RangeError(`${key} must be >= 0, got ${config[key]}`);
  }
  if (!(config.maxCompactionLagMs > 0)) throw new RangeError('maxCompactionLagMs must be > 0');
  if (!(config.minCleanableDirtyRatio >= 0 && config.minCleanableDirtyRatio <= 1))
    throw new RangeError('minCleanableDirtyRatio must be within [0, 1]');
  return config;
}

/**
 * The segment age that triggers a roll (Kafka's LogConfig.maxSegmentMs): a compacted log rolls by
 * max.compaction.lag.ms too, so that old records leave the active segment and become cleanable in time.
 */
export function maxSegmentMs(
  config: Pick<LogConfig, 'segmentMs' | 'cleanupPolicy' | 'maxCompactionLagMs'>,
): number {
  return config.cleanupPolicy.compact
    ? Math.min(config.segmentMs, config.maxCompactionLagMs)
    : config.segmentMs;
}

function checkPositive(
  config: LogConfig,
  key: 'segmentBytes' | 'segmentMs' | 'flushMessages' | 'flushMs' | 'segmentIndexBytes',
) {
  if (!(config[key] > 0)) throw new RangeError(`${key} must be > 0, got ${config[key]}`);
}

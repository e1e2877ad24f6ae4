// The background work on the broker's logs, as Kafka's LogManager and LogCleaner schedule it:
//   - retention every log.retention.check.interval.ms on the logs that are not compacted (the first
//     run comes after the interval, or 30 s when that is longer, like Kafka's initial task delay);
//   - log.cleaner.threads cleaner loops (with log.cleaner.enable): each takes the filthiest compacted
//     log worth cleaning, compacts it, then applies retention to the compacted logs (for
//     cleanup.policy=compact,delete, and segments below a log start moved by DeleteRecords); when there
//     is nothing to clean it sleeps log.cleaner.backoff.ms.
// A log is worked on by one task at a time. Each cleaner loop has its own offset map, sized within
// log.cleaner.dedupe.buffer.size / threads; log.cleaner.io.max.bytes.per.second is shared by all.
// Topic config changes apply at the next pass: each pass reads the logs' current config.
// runRetention() and cleanFilthiest() run one pass on demand (tests, tools).
import type { Logger } from 'pino';
import { type CleanableLogView, examineLog, type LogToClean, worthCleaning } from './cleanable.ts';
import { type CleanerTools, type CleaningStats, cleanLog, LogCleaningAbortedError } from './cleaner.ts';
import { IoThrottle } from './io-throttle.ts';
import { KeyOffsetMap } from './offset-map.ts';
import type { PartitionLog } from './partition-log.ts';
import type { Segment } from './segment.ts';

export interface MaintainedLog {
  /** `topic-partition`, for log lines. */
  name: string;
  log: PartitionLog;
}

/**
 * The broker settings used, named as in the broker's config. They are read when used, so dynamic
 * changes to the interval and back-off apply at the next pass; thread count and memory at start.
 */
export interface LogMaintenanceSettings {
  logRetentionCheckIntervalMs: number;
  logCleanerEnable: boolean;
  logCleanerThreads: number;
  logCleanerBackoffMs: number;
  logCleanerDedupeBufferSize: number;
  logCleanerIoBufferLoadFactor: number;
  logCleanerIoMaxBytesPerSecond: number;
  /** producer.id.expiration.ms (Kafka's default: one day). */
  producerIdExpirationMs?: number;
}

export interface CleaningReport extends CleaningStats {
  name: string;
  firstDirtyOffset: bigint;
  endOffset: bigint;
}

/** Kafka's log.initial.task.delay.ms: retention does not start before the broker has settled. */
const INITIAL_RETENTION_DELAY_MS = 30_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The logs of the topics in `topics`, for LogMaintenance (the broker passes its metadata and logs). */
export function* partitionLogs(
  topics: Iterable<{ name: string; partitions: number }>,
  logOf: (topic: string, partition: number) => PartitionLog | undefined,
): Generator<MaintainedLog> {
  for (const topic of topics) {
    for (let partition = 0; partition < topic.partitions; partition++) {
      const log = logOf(topic.name, partition);
      if (log) yield { name: `${topic.name}-${partition}`, log };
    }
  }
}

export class LogMaintenance {
  readonly #logs: () => Iterable<MaintainedLog>;
  readonly #settings: LogMaintenanceSettings;
  readonly #logger: Logger;
  readonly #throttle: IoThrottle;
  /** Logs a task is working on. */
  readonly #busy = new Set<PartitionLog>();
  /** Logs whose cleaning failed with an error (not an abort): left alone, as Kafka's uncleanable partitions. */
  readonly #uncleanable = new WeakSet<PartitionLog>();
  readonly #workers: Promise<void>[] = [];
  readonly #stopSignal = new AbortController();
  #retentionTimer: NodeJS.Timeout | null = null;
  #retentionRun: Promise<unknown> = Promise.resolve();
  #onDemandTools: CleanerTools | null = null;

  constructor(logs: () => Iterable<MaintainedLog>, settings: LogMaintenanceSettings, logger: Logger) {
    this.#logs = logs;
    this.#settings = settings;
    this.#logger = logger.child({ component: 'log-maintenance' });
    this.#throttle = new IoThrottle(settings.logCleanerIoMaxBytesPerSecond);
  }

  get #stopping(): boolean {
    return this.#stopSignal.signal.aborted;
  }

  start(): void {
    const interval = this.#settings.logRetentionCheckIntervalMs;
    this.#scheduleRetention(Math.min(interval, INITIAL_RETENTION_DELAY_MS));
    if (!this.#settings.logCleanerEnable) return;
    for (let i = 0; i < this.#settings.logCleanerThreads; i++)
      this.#workers.push(this.#cleanerLoop(this.#tools()));
  }

  /** Stops the timers and loops; a cleaning in progress gives up, leaving its log as it was. */
  async stop(): Promise<void> {
    this.#stopSignal.abort();
    if (this.#retentionTimer) clearTimeout(this.#retentionTimer);
    this.#retentionTimer = null;
    await Promise.all(this.#workers);
    await this.#retentionRun;
  }

  /**
   * One retention pass over the logs that are not compacted (Kafka's cleanupLogs); compacted ones get
   * theirs from the cleaner loops. Returns how many segments were deleted.
   */
  runRetention(): Promise<number> {
    const run = this.#retentionPass(false);
    this.#retentionRun = run.catch(() => undefined);
    return run;
  }

  /**
   * Cleans the compacted log most worth it, if any is (Kafka's cleanFilthiestLog), then applies
   * retention to the compacted logs. Resolves with what was done, or null when no log needed cleaning.
   */
  async cleanFilthiest(): Promise<CleaningReport | null> {
    this.#onDemandTools ??= this.#tools();
    const report = await this.#cleanOne(this.#onDemandTools);
    await this.#retentionPass(true);
    return report;
  }

  #tools(): CleanerTools {
    const threads = Math.max(this.#settings.logCleanerThreads, 1);
    return {
      map: new KeyOffsetMap(
        Math.floor(this.#settings.logCleanerDedupeBufferSize / threads),
        this.#settings.logCleanerIoBufferLoadFactor,
      ),
      throttle: this.#throttle,
      logger: this.#logger,
      producerIdExpirationMs: this.#settings.producerIdExpirationMs ?? DAY_MS,
      stopping: () => this.#stopping,
    };
  }

  #scheduleRetention(delayMs: number): void {
    if (this.#stopping) return;
    this.#retentionTimer = setTimeout(() => {
      this.#retentionTimer = null;
      const run = this.runRetention().catch((error: unknown) =>
        this.#logger.error({ err: error }, 'log retention pass failed'),
      );
      void run.then(() => this.#scheduleRetention(this.#settings.logRetentionCheckIntervalMs));
    }, delayMs);
    this.#retentionTimer.unref();
  }

  async #cleanerLoop(tools: CleanerTools): Promise<void> {
    while (!this.#stopping) {
      let cleaned = false;
      try {
        cleaned = (await this.#cleanOne(tools)) !== null;
        await this.#retentionPass(true);
      } catch (error) {
        this.#logger.error({ err: error }, 'log cleaner pass failed');
      }
      if (!cleaned) await this.#sleep(this.#settings.logCleanerBackoffMs);
    }
  }

  async #sleep(ms: number): Promise<void> {
    if (this.#stopping) return;
    const { promise, resolve } = Promise.withResolvers<void>();
    const timer = setTimeout(resolve, ms);
    const wake = () => {
      clearTimeout(timer);
      resolve();
    };
    this.#stopSignal.signal.addEventListener('abort', wake, { once: true });
    await promise;
    this.#stopSignal.signal.removeEventListener('abort', wake);
  }

  /** Deletes old segments of the compacted logs (`compacted`) or of the others. */
  async #retentionPass(compacted: boolean): Promise<number> {
    const started = performance.now();
    let deleted = 0;
    for (const { name, log } of [...this.#logs()]) {
      if (this.#stopping) break;
      if (log.config.cleanupPolicy.compact !== compacted || this.#busy.has(log) || log.closing) continue;
      this.#busy.add(log);
      try {
        deleted += await log.deleteOldSegments();
      } catch (error) {
        if (!log.closing) this.#logger.error({ err: error, partition: name }, 'log retention failed');
      } finally {
        this.#busy.delete(log);
      }
    }
    if (deleted > 0) {
      this.#logger.info(
        { segments: deleted, ms: Math.round(performance.now() - started), compacted },
        'log retention deleted segments',
      );
    }
    return deleted;
  }

  async #cleanOne(tools: CleanerTools): Promise<CleaningReport | null> {
    const chosen = await this.#filthiestLog();
    if (!chosen || this.#busy.has(chosen.log)) return null;
    const { name, log, toClean } = chosen;
    this.#busy.add(log);
    try {
      const result = await log.runCleaning(() => cleanLog(log, toClean, tools));
      if (!result) return null;
      await log.setCleanerCheckpoint(result.endOffset);
      const report = {
        name,
        firstDirtyOffset: toClean.firstDirtyOffset,
        endOffset: result.endOffset,
        ...result.stats,
      };
      this.#logger.info(
        {
          partition: name,
          from: toClean.firstDirtyOffset.toString(),
          to: result.endOffset.toString(),
          segments: report.segmentsCleaned,
          bytesRead: report.bytesRead,
          bytesWritten: report.bytesWritten,
          ms: Math.round(report.elapsedMs),
        },
        'cleaned log',
      );
      return report;
    } catch (error) {
      if (error instanceof LogCleaningAbortedError || log.closing) {
        this.#logger.debug({ partition: name, reason: (error as Error).message }, 'log cleaning aborted');
      } else {
        this.#uncleanable.add(log);
        this.#logger.error(
          { err: error, partition: name },
          'log cleaning failed; the partition is left uncompacted',
        );
      }
      return null;
    } finally {
      this.#busy.delete(log);
    }
  }

  /** The compacted log with the largest dirty ratio among those worth cleaning (Kafka's grabFilthiestCompactedLog). */
  async #filthiestLog(): Promise<{ name: string; log: PartitionLog; toClean: LogToClean } | null> {
    let best: { name: string; log: PartitionLog; toClean: LogToClean } | null = null;
    for (const { name, log } of [...this.#logs()]) {
      const config = log.config;
      if (!config.cleanupPolicy.compact || this.#busy.has(log) || this.#uncleanable.has(log) || log.closing) {
        continue;
      }
      try {
        const toClean = await examineLog(cleanableView(log), log.cleanerCheckpoint, config.clock());
        if (toClean.checkpointReset) await log.setCleanerCheckpoint(toClean.firstDirtyOffset);
        if (!worthCleaning(toClean, config.minCleanableDirtyRatio)) continue;
        if (!best || toClean.cleanableRatio > best.toClean.cleanableRatio) best = { name, log, toClean };
      } catch (error) {
        // The log changed under the look (a segment retired): it is looked at again next time.
        if (!log.closing)
          this.#logger.debug({ err: error, partition: name }, 'could not examine a log for cleaning');
      }
    }
    return best;
  }
}

function cleanableView(log: PartitionLog): CleanableLogView<Segment> {
  return {
    logStartOffset: log.logStartOffset,
    logEndOffset: log.logEndOffset,
    lastStableOffset: log.lastStableOffset,
    segments: log.segments,
    minCompactionLagMs: log.config.minCompactionLagMs,
    maxCompactionLagMs: log.config.maxCompactionLagMs,
    largestTimestamp: (segment) => log.largestTimestamp(segment),
    firstBatchTimestamp: (segment) => segment.loadFirstBatchTimestamp(),
  };
}

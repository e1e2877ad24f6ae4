// Fixtures of the retention and compaction tests: keyed batches, a log with the maintenance that
// cleans it on demand, and a record-level view of everything a log serves.
import type { TestContext } from 'node:test';
import pino from 'pino';
import type { LogConfig } from '../../../src/broker/log/log-config.ts';
import { LogMaintenance, type LogMaintenanceSettings } from '../../../src/broker/log/log-maintenance.ts';
import type { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { buildBatchSync, parseBatchSync } from '../../../src/protocol/records/batch.ts';
import { onCleanup, openLog, tempDir } from './log-test-helpers.ts';

export const quiet = pino({ level: 'silent' });

/** A record to write: key, value (null: a tombstone), timestamp (default 1000). */
export type KeyedRecord = [key: string | null, value: string | null, timestamp?: bigint];

export interface KeyedBatchOptions {
  compression?: number;
  producerId?: bigint;
  baseSequence?: number;
}

export function keyedBatch(records: KeyedRecord[], options: KeyedBatchOptions = {}): Buffer {
  return buildBatchSync({
    records: records.map(([key, value, timestamp]) => ({
      key: key === null ? null : Buffer.from(key),
      value: value === null ? null : Buffer.from(value),
      timestamp: timestamp ?? 1000n,
    })),
    compression: options.compression ?? 0,
    producerId: options.producerId,
    producerEpoch: options.producerId === undefined ? undefined : 0,
    baseSequence: options.baseSequence,
  });
}

/** What a consumer sees of one record. */
export interface SeenRecord {
  offset: bigint;
  key: string | null;
  value: string | null;
  timestamp: bigint;
}

export interface SeenBatch {
  baseOffset: bigint;
  lastOffset: bigint;
  compression: number;
  attributes: number;
  baseTimestamp: bigint;
  producerId: bigint;
  records: SeenRecord[];
}

/** Every batch the log serves from its start, parsed (CRC and records checked). */
export async function readBatches(log: PartitionLog): Promise<SeenBatch[]> {
  const batches: SeenBatch[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const result = await log.read(offset, 1 << 20, { minOneBatch: true });
    if ('error' in result) throw new Error(`read at ${offset}: ${result.error}`);
    if (result.records.length === 0) throw new Error(`empty read at ${offset}`);
    for (let at = 0; at < result.records.length; ) {
      const parsed = parseBatchSync(result.records, at);
      const lastOffset = parsed.header.baseOffset + BigInt(parsed.header.lastOffsetDelta);
      if (lastOffset >= offset) {
        batches.push({
          baseOffset: parsed.header.baseOffset,
          lastOffset,
          compression: parsed.compression,
          attributes: parsed.header.attributes,
          baseTimestamp: parsed.header.baseTimestamp,
          producerId: parsed.header.producerId,
          records: parsed.records.map((record) => ({
            offset: record.offset,
            key: record.key?.toString() ?? null,
            value: record.value?.toString() ?? null,
            timestamp: record.timestamp,
          })),
        });
        offset = lastOffset + 1n;
      }
      at += parsed.size;
    }
  }
  return batches;
}

export async function readRecords(log: PartitionLog): Promise<SeenRecord[]> {
  return (await readBatches(log)).flatMap((batch) => batch.records);
}

export const testMaintenanceSettings: LogMaintenanceSettings = {
  logRetentionCheckIntervalMs: 300_000,
  logCleanerEnable: false,
  logCleanerThreads: 1,
  logCleanerBackoffMs: 15_000,
  logCleanerDedupeBufferSize: 4 << 20,
  logCleanerIoBufferLoadFactor: 0.9,
  logCleanerIoMaxBytesPerSecond: Number.MAX_VALUE,
};

/** A settable clock for a log's config. */
export function manualClock(startMs: number): { now: () => number; set: (ms: number) => void } {
  let current = startMs;
  return { now: () => current, set: (ms) => (current = ms) };
}

/** A log in a fresh directory with a LogMaintenance over it alone; both closed after the test. */
export async function compactedLog(
  t: TestContext,
  config: Partial<LogConfig> = {},
  settings: Partial<LogMaintenanceSettings> = {},
): Promise<{ dir: string; log: PartitionLog; maintenance: LogMaintenance }> {
  const dir = await tempDir(t);
  const log = await openLog(t, dir, {
    segmentBytes: 1024,
    cleanupPolicy: { delete: false, compact: true },
    minCleanableDirtyRatio: 0.01,
    fileDeleteDelayMs: 0,
    ...config,
  });
  const maintenance = new LogMaintenance(
    () => [{ name: 'test-0', log }],
    { ...testMaintenanceSettings, ...settings },
    quiet,
  );
  onCleanup(t, () => maintenance.stop());
  return { dir, log, maintenance };
}

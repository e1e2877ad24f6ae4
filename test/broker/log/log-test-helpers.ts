// Shared fixtures of the partition-log tests: batches built with the record-batch builder, fresh temp
// directories, a pino logger whose lines the test can inspect, and a "crash" that freezes a copy of a
// log directory as a killed process would leave it (no clean-shutdown marker, no final index writes).
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pino, { type Logger } from 'pino';
import type { LogConfig } from '../../../src/broker/log/log-config.ts';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { buildBatchSync, type RecordInput } from '../../../src/protocol/records/batch.ts';
import { batchSize, readBatchHeader } from '../../../src/protocol/records/batch-header.ts';

export interface BatchSpec {
  /** Number of records (default 1). */
  count?: number;
  /** Timestamp of every record, or one per record; default -1 (none). */
  timestamps?: bigint | bigint[];
  /** Bytes of each record value (default 16). */
  valueSize?: number;
  compression?: number;
}

/** A producer-style batch (base offset 0) of `count` records. */
export function makeBatch(spec: BatchSpec = {}): Buffer {
  const count = spec.count ?? 1;
  const records: RecordInput[] = Array.from({ length: count }, (_, i) => ({
    value: Buffer.alloc(spec.valueSize ?? 16, i & 0xff),
    key: null,
    timestamp: Array.isArray(spec.timestamps) ? spec.timestamps[i] : (spec.timestamps ?? -1n),
  }));
  return buildBatchSync({ records, compression: spec.compression ?? 0 });
}

export interface StoredBatch {
  baseOffset: bigint;
  lastOffset: bigint;
  bytes: Buffer;
}

/** Splits concatenated batches into their headers' offsets and bytes. */
export function splitStored(buf: Buffer): StoredBatch[] {
  const batches: StoredBatch[] = [];
  for (let at = 0; at < buf.length; ) {
    const size = batchSize(buf, at);
    const header = readBatchHeader(buf, at);
    batches.push({
      baseOffset: header.baseOffset,
      lastOffset: header.baseOffset + BigInt(header.lastOffsetDelta),
      bytes: buf.subarray(at, at + size),
    });
    at += size;
  }
  return batches;
}

const cleanups = new WeakMap<TestContext, (() => Promise<unknown>)[]>();

/** Registers `task` to run after the test, newest first (logs close before their directory goes). */
export function onCleanup(t: TestContext, task: () => Promise<unknown>): void {
  let tasks = cleanups.get(t);
  if (!tasks) {
    const list: (() => Promise<unknown>)[] = [];
    tasks = list;
    cleanups.set(t, list);
    t.after(async () => {
      for (const next of list.reverse()) await next();
    });
  }
  tasks.push(task);
}

export async function tempDir(t: TestContext, prefix = 'nagare-log-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onCleanup(t, () => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens a partition log that is closed after the test. */
export async function openLog(
  t: TestContext,
  dir: string,
  config: Partial<LogConfig> = {},
  logger: Logger = pino({ level: 'silent' }),
): Promise<PartitionLog> {
  const log = await PartitionLog.open(dir, config, logger);
  onCleanup(t, () => log.close());
  return log;
}

export interface CapturedLog {
  logger: Logger;
  lines: Record<string, unknown>[];
  /** Lines at warn level or above. */
  warnings(): Record<string, unknown>[];
}

export function captureLogger(): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines, warnings: () => lines.filter((line) => (line.level as number) >= 40) };
}

/**
 * What a process killed right now leaves on disk: a copy of `dir` taken while the log is open. Data the
 * log wrote is in it (the OS page cache survives a process kill), the clean-shutdown marker is not.
 */
export async function crashCopy(t: TestContext, dir: string): Promise<string> {
  const copy = await tempDir(t, 'nagare-crash-');
  for (const name of await readdir(dir)) {
    try {
      await copyFile(join(dir, name), join(copy, name));
    } catch (error) {
      // A temp file renamed by a background seal meanwhile: the copy simply misses it, as a crash might.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return copy;
}

/** Reads the whole log from `from` the way a consumer does, batch run after batch run. */
export async function readAll(
  log: { read: (offset: bigint, maxBytes: number) => Promise<{ records: Buffer } | { error: string }> },
  from: bigint,
  end: bigint,
  maxBytes = 1 << 20,
): Promise<StoredBatch[]> {
  const all: StoredBatch[] = [];
  let offset = from;
  while (offset < end) {
    const result = await log.read(offset, maxBytes);
    if ('error' in result) throw new Error(`read at ${offset}: ${result.error}`);
    const batches = splitStored(result.records);
    if (batches.length === 0) throw new Error(`empty read at ${offset} before the end ${end}`);
    all.push(...batches);
    offset = batches[batches.length - 1].lastOffset + 1n;
  }
  return all;
}

/** Waits until `condition` holds, polling, or fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

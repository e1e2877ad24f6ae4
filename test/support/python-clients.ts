// The compat tests for the Python clients (kafka-python, confluent-kafka): one scenario, driven through
// each client's script in test/compat/python, which speak the same command line and record files.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { compatSkip, useCompatBroker } from './compat-target.ts';
import { pythonModulesMissing, systemPython } from './external-tools.ts';
import {
  type ConsumedRecord,
  checkDeliveredOffsets,
  checkRecords,
  roundTripRecords,
  type TestRecord,
  type TimestampType,
} from './records-check.ts';

const scriptsDir = fileURLToPath(new URL('../compat/python/', import.meta.url));
const run = promisify(execFile);
const PARTITIONS = 3;

export interface PythonClient {
  /** Shown in test names. */
  name: string;
  /** Driver script in test/compat/python. */
  script: string;
  /** Modules /usr/bin/python3 must import, codec libraries included. */
  modules: string[];
  /** The client refuses records whose key and value are both null. */
  needsKeyOrValue?: boolean;
}

const base64 = (buffer: Buffer | null) => (buffer === null ? null : buffer.toString('base64'));
const bytes = (text: string | null) => (text === null ? null : Buffer.from(text, 'base64'));

/** Records as the drivers' `produce --input` file: JSON lines, bytes in base64. */
export function toJsonLines(records: readonly TestRecord[]): string {
  return records
    .map(({ partition, key, value, headers, timestamp, codec }) =>
      JSON.stringify({
        partition,
        key: base64(key),
        value: base64(value),
        headers: headers.map(([name, headerValue]) => [name, base64(headerValue)]),
        timestamp,
        codec,
      }),
    )
    .map((line) => `${line}\n`)
    .join('');
}

interface ConsumedLine {
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: TimestampType;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
}

function fromJsonLines(text: string): ConsumedRecord[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const record = JSON.parse(line) as ConsumedLine;
      return {
        ...record,
        key: bytes(record.key),
        value: bytes(record.value),
        headers: record.headers.map(([name, value]) => [name, bytes(value)]),
      };
    });
}

/**
 * The command line (for /usr/bin/python3) that runs one command of a driver script against `bootstrap`.
 * -B: no __pycache__ in the repository.
 */
export function driverArgs(script: string, command: string, bootstrap: string, topic: string): string[] {
  return ['-B', join(scriptsDir, script), command, '--bootstrap', bootstrap, '--topic', topic];
}

/** Registers the Python client's tests (topic creation, 10,000-record round trip, LogAppendTime). */
export function definePythonClientTests(client: PythonClient): void {
  const skip = compatSkip(pythonModulesMissing(client.modules));
  const compat = useCompatBroker(skip, { workDirPrefix: 'nagare-python-' });

  /** Runs one driver command and returns the JSON summary it prints; its stderr explains failures. */
  async function driver(command: string, topic: string, ...args: string[]): Promise<Record<string, unknown>> {
    // The drivers bound their own waits (--timeout, 60 s); the process timeout is the backstop for a
    // client that hangs regardless.
    const argv = driverArgs(client.script, command, compat.broker.bootstrap, topic);
    try {
      const { stdout } = await run(systemPython, [...argv, ...args], {
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      });
      return JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
    } catch (error) {
      // execFile's message holds the command line and the script's stderr (its traceback).
      throw new Error(`${client.script} ${command} failed: ${(error as Error).message.slice(-6000)}`);
    }
  }

  async function createTopic(topic: string, configs: string[] = []): Promise<void> {
    const configArgs = configs.flatMap((config) => ['--config', config]);
    const summary = await driver('create-topic', topic, '--partitions', String(PARTITIONS), ...configArgs);
    assert.deepEqual(summary.partitions, [0, 1, 2], 'partitions the client sees in metadata');
  }

  async function produce(topic: string, records: readonly TestRecord[]): Promise<void> {
    const input = join(compat.workDir, `${topic}.produce.jsonl`);
    await writeFile(input, toJsonLines(records));
    const summary = await driver('produce', topic, '--input', input);
    checkDeliveredOffsets(records, summary.delivered as Array<[number, number]>, PARTITIONS);
  }

  async function consume(topic: string): Promise<ConsumedRecord[]> {
    const output = join(compat.workDir, `${topic}.consumed.jsonl`);
    await driver('consume', topic, '--partitions', String(PARTITIONS), '--output', output);
    return fromJsonLines(await readFile(output, 'utf8'));
  }

  const recordSet = (seed: number, count: number, baseTimestamp: number) =>
    roundTripRecords({
      seed,
      count,
      partitions: PARTITIONS,
      baseTimestamp,
      keyOrValue: client.needsKeyOrValue,
    });

  test(`${client.name} creates a ${PARTITIONS}-partition topic with its admin client`, { skip }, async () => {
    await createTopic('python-admin');
  });

  test(`${client.name} produces and reads back 10,000 records with every codec, by assignment`, {
    skip,
  }, async () => {
    const topic = 'python-records';
    await createTopic(topic);
    const records = recordSet(3, 10_000, Date.now() - 60_000);
    await produce(topic, records);
    checkRecords(records, await consume(topic), {
      partitions: PARTITIONS,
      timestamps: { kind: 'producer-set' },
    });
  });

  test(`${client.name} reads broker time back from a LogAppendTime topic`, { skip }, async () => {
    const topic = 'python-log-append';
    await createTopic(topic, ['message.timestamp.type=LogAppendTime']);
    // A day old: the broker must replace it with its own clock.
    const records = recordSet(4, 1_000, Date.now() - 86_400_000);
    const from = Date.now();
    await produce(topic, records);
    const to = Date.now();
    checkRecords(records, await consume(topic), {
      partitions: PARTITIONS,
      timestamps: { kind: 'log-append', from, to },
    });
  });
}

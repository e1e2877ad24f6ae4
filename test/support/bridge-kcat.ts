// kcat (librdkafka) as the bridge tests' independent Kafka client: what the bridge produced is read
// back with it, and what it produces the bridge must report. Keys, values and headers come back as
// kcat's JSON (-J) strings, so tests use bytes that are valid UTF-8.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KcatRecord {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer]>;
}

async function kcat(bootstrap: string, args: string[]): Promise<string> {
  const { stdout } = await run('kcat', ['-b', bootstrap, '-m', '15', ...args], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  return stdout;
}

/** Every record of these partitions, each read from the beginning to its current end. */
export async function kcatRead(
  bootstrap: string,
  topic: string,
  partitions: number[],
): Promise<KcatRecord[]> {
  const outputs = await Promise.all(
    partitions.map((partition) =>
      kcat(bootstrap, ['-C', '-t', topic, '-p', String(partition), '-o', 'beginning', '-e', '-J']),
    ),
  );
  return outputs.flatMap((output) =>
    output
      .split('\n')
      .filter((line) => line !== '')
      .map(fromKcatJson),
  );
}

function fromKcatJson(line: string): KcatRecord {
  const record = JSON.parse(line) as {
    partition: number;
    offset: number;
    key: string | null;
    payload: string | null;
    headers?: string[];
  };
  const flat = record.headers ?? [];
  const headers: Array<[string, Buffer]> = [];
  for (let i = 0; i < flat.length; i += 2) headers.push([flat[i], Buffer.from(flat[i + 1])]);
  return {
    partition: record.partition,
    offset: record.offset,
    key: record.key === null ? null : Buffer.from(record.key),
    value: record.payload === null ? null : Buffer.from(record.payload),
    headers,
  };
}

export interface KcatLine {
  key: string;
  value: string;
}

/**
 * Produces `key:value` lines (no ':' in keys) to one partition, every record with `headers`; `workDir`
 * holds the line file kcat reads.
 */
export async function kcatProduce(
  bootstrap: string,
  workDir: string,
  target: { topic: string; partition: number },
  lines: KcatLine[],
  headers: Array<[string, string]> = [],
): Promise<void> {
  const file = join(workDir, `${target.topic}-${target.partition}-${Date.now()}.txt`);
  await writeFile(file, lines.map(({ key, value }) => `${key}:${value}\n`).join(''));
  const headerArgs = headers.flatMap(([name, value]) => ['-H', `${name}=${value}`]);
  await kcat(bootstrap, [
    '-P',
    '-t',
    target.topic,
    '-p',
    String(target.partition),
    '-K:',
    ...headerArgs,
    '-l',
    file,
  ]);
}

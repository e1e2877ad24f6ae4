// kcat (librdkafka) against the compat target: metadata, produce with every codec, keys, headers and
// null keys/values from line files, read back per partition without a consumer group.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { compatSkip, useCompatBroker } from '../support/compat-target.ts';
import { kcatMissing } from '../support/external-tools.ts';
import { createTopic } from '../support/platformatic-io.ts';
import {
  ALL_CODECS,
  type ConsumedRecord,
  checkRecords,
  generateRecords,
  type Header,
  runsByCodec,
  type TestRecord,
} from '../support/records-check.ts';

const run = promisify(execFile);
const skip = compatSkip(kcatMissing());
const PARTITIONS = 3;
const HEADERS: Header[] = [
  ['source', Buffer.from('kcat')],
  ['run', Buffer.from('compat=1')],
];

const compat = useCompatBroker(skip, { workDirPrefix: 'nagare-kcat-' });

/** Printable lines without ':' (kcat -K: splits on it) and the same headers on every record (-H). */
const recordSet = (seed: number, count: number) =>
  generateRecords({
    seed,
    count,
    partitions: PARTITIONS,
    baseTimestamp: Date.now(),
    codecs: ALL_CODECS,
    headers: HEADERS,
    text: true,
  });

async function kcat(args: string[]): Promise<string> {
  const { stdout } = await run('kcat', ['-b', compat.broker.bootstrap, '-m', '15', ...args], {
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  return stdout;
}

/**
 * Produces through kcat, one process per (codec run, partition) so that -z and -p apply; with -Z an
 * empty key or value field is sent as null, hence generated with `empty: false`.
 */
async function produce(topic: string, records: TestRecord[]): Promise<void> {
  for (const { codec, records: runRecords } of runsByCodec(records)) {
    await Promise.all(
      Array.from({ length: PARTITIONS }, async (_, partition) => {
        const lines = runRecords
          .filter((record) => record.partition === partition)
          .map((record) => `${record.key ?? ''}:${record.value ?? ''}\n`);
        if (lines.length === 0) return;
        const file = join(compat.workDir, `${topic}-${codec}-${partition}.txt`);
        await writeFile(file, lines.join(''));
        const headerArgs = HEADERS.flatMap(([name, value]) => ['-H', `${name}=${value}`]);
        await kcat([
          '-P',
          '-t',
          topic,
          '-p',
          String(partition),
          '-K:',
          '-Z',
          '-z',
          codec,
          ...headerArgs,
          '-l',
          file,
        ]);
      }),
    );
  }
}

interface KcatJsonRecord {
  partition: number;
  offset: number;
  tstype: string;
  ts: number;
  headers?: string[];
  key: string | null;
  payload: string | null;
}

function fromKcatJson(line: string): ConsumedRecord {
  const record = JSON.parse(line) as KcatJsonRecord;
  const flatHeaders = record.headers ?? [];
  const headers: Array<[string, Buffer | null]> = [];
  for (let i = 0; i < flatHeaders.length; i += 2)
    headers.push([flatHeaders[i], Buffer.from(flatHeaders[i + 1])]);
  const timestampTypes: Record<string, ConsumedRecord['timestampType']> = {
    create: 'create',
    logappend: 'log-append',
  };
  return {
    partition: record.partition,
    offset: record.offset,
    timestamp: record.ts,
    timestampType: timestampTypes[record.tstype],
    key: record.key === null ? null : Buffer.from(record.key),
    value: record.payload === null ? null : Buffer.from(record.payload),
    headers,
  };
}

/** Each partition read from the beginning to its end with `kcat -C -p`, checking CRCs on the way. */
async function consume(topic: string): Promise<ConsumedRecord[]> {
  const outputs = await Promise.all(
    Array.from({ length: PARTITIONS }, (_, partition) =>
      kcat([
        '-C',
        '-t',
        topic,
        '-p',
        String(partition),
        '-o',
        'beginning',
        '-e',
        '-J',
        '-X',
        'check.crcs=true',
      ]),
    ),
  );
  return outputs.flatMap((output) =>
    output
      .split('\n')
      .filter((line) => line !== '')
      .map(fromKcatJson),
  );
}

test('kcat -L lists the broker and a topic created with 3 partitions', { skip }, async () => {
  await createTopic(compat.broker.bootstrap, { name: 'kcat-metadata', partitions: PARTITIONS });
  const metadata = JSON.parse(await kcat(['-L', '-J', '-t', 'kcat-metadata']));
  assert.equal(metadata.brokers.length, 1);
  assert.equal(metadata.brokers[0].name, compat.broker.bootstrap);
  const [topic] = metadata.topics;
  assert.equal(topic.topic, 'kcat-metadata');
  assert.equal(topic.error, undefined);
  assert.deepEqual(
    topic.partitions.map((p: { partition: number; leader: number }) => [p.partition, p.leader]),
    [0, 1, 2].map((partition) => [partition, metadata.brokers[0].id]),
  );
});

test('kcat produces 10,000 records with every codec and reads them back per partition', {
  skip,
}, async () => {
  const topic = 'kcat-records';
  await createTopic(compat.broker.bootstrap, { name: topic, partitions: PARTITIONS });
  const records = recordSet(1, 10_000);
  const from = Date.now();
  await produce(topic, records);
  const to = Date.now();
  const counts = checkRecords(records, await consume(topic), {
    partitions: PARTITIONS,
    // kcat cannot set a timestamp per line: librdkafka stamps CreateTime when the line is sent.
    timestamps: { kind: 'client-now', from, to },
  });
  assert.equal(
    counts.reduce((a, b) => a + b),
    10_000,
  );

  // The end offsets kcat queries (ListOffsets, latest) match what was written.
  const query = (await kcat(['-Q', ...counts.flatMap((_, p) => ['-t', `${topic}:${p}:-1`])])).trim();
  assert.deepEqual(
    query.split('\n').map((line) => line.trim()),
    counts.map((count, p) => `${topic} [${p}] offset ${count}`),
  );
});

test('kcat reads broker time back from a LogAppendTime topic', { skip }, async () => {
  const topic = 'kcat-log-append';
  await createTopic(compat.broker.bootstrap, {
    name: topic,
    partitions: PARTITIONS,
    configs: { 'message.timestamp.type': 'LogAppendTime' },
  });
  const records = recordSet(2, 1_000);
  const from = Date.now();
  await produce(topic, records);
  const to = Date.now();
  checkRecords(records, await consume(topic), {
    partitions: PARTITIONS,
    timestamps: { kind: 'log-append', from, to },
  });
});

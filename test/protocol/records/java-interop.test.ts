// Kafka's own record-batch code (kafka-clients, with snappy-java, lz4-java and zstd-jni) as the judge:
// it must validate and decode every batch we build, and we must parse every batch it builds from the
// same records. Uncompressed batches must come out byte-identical. Needs java/javac and the Kafka jars
// that scripts/ci/fetch-kafka.sh fetches; skips with the install command otherwise.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildBatch, parseBatch, type RecordInput } from '../../../src/protocol/records/batch.ts';
import { buildEndTxnMarkerBatch } from '../../../src/protocol/records/control.ts';
import { validateBatch } from '../../../src/protocol/records/validate.ts';
import { apacheKafkaClasspath } from '../../support/apache-kafka.ts';
import { apacheKafkaMissing, requireInCI } from '../../support/external-tools.ts';

const run = promisify(execFile);
const skip = requireInCI(apacheKafkaMissing());
const source = fileURLToPath(new URL('java/BatchInterop.java', import.meta.url));
const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Deterministic bytes that compress only somewhat, so that large values span many codec blocks. */
function pseudoRandom(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = (x >>> 24) & 0x3f;
  }
  return out;
}

const records: RecordInput[] = [
  {
    key: Buffer.from('key-0'),
    value: Buffer.from('value-0'),
    timestamp: 1700000000000n,
    headers: [
      { key: 'trace', value: Buffer.from('abc') },
      { key: 'nothing', value: null },
      { key: 'ключ', value: Buffer.alloc(0) },
    ],
  },
  { key: null, value: pseudoRandom(300_000, 1), timestamp: 1700000000500n },
  { key: Buffer.alloc(0), value: null, timestamp: 1699999999000n },
  { key: Buffer.from('key-3'), value: Buffer.from('x'.repeat(70_000)), timestamp: 1700000001000n },
];
const producer = {
  baseOffset: 1000n,
  producerId: 77n,
  producerEpoch: 4,
  baseSequence: 12,
  partitionLeaderEpoch: 9,
};

interface SeenRecord {
  offset: string;
  timestamp: string;
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
  marker?: { type: string; coordinatorEpoch: number };
}

interface SeenBatch {
  baseOffset: string;
  lastOffset: string;
  compression: string;
  timestampType: string;
  maxTimestamp: string;
  producerId: string;
  producerEpoch: number;
  baseSequence: number;
  partitionLeaderEpoch: number;
  recordCount: number;
  transactional: boolean;
  control: boolean;
  records: SeenRecord[];
}

const base64 = (bytes: Buffer | null | undefined) => (bytes == null ? null : bytes.toString('base64'));

describe('Kafka’s Java record code reads our batches and we read its', { skip }, () => {
  let dir = '';
  const ours = new Map<string, Buffer>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nagare-batch-interop-'));
    const classes = join(dir, 'classes');
    const data = join(dir, 'data');
    await Promise.all([mkdir(classes), mkdir(data)]);
    const classpath = apacheKafkaClasspath();
    await run('javac', ['-d', classes, '-cp', classpath, source]);
    for (const [compression, name] of CODEC_NAMES.entries()) {
      ours.set(name, await buildBatch({ records, compression, ...producer }));
    }
    for (const commit of [true, false]) {
      const marker = { commit, coordinatorEpoch: 3, timestamp: 1700000002000n, ...producer };
      ours.set(commit ? 'commit' : 'abort', buildEndTxnMarkerBatch(marker));
    }
    for (const [name, batch] of ours) await writeFile(join(data, `${name}.nagare`), batch);
    await run('java', [
      '-cp',
      [classes, classpath].join(process.platform === 'win32' ? ';' : ':'),
      'BatchInterop',
      data,
    ]);
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const seen = async (name: string): Promise<SeenBatch[]> =>
    JSON.parse(await readFile(join(dir, 'data', `${name}.seen.json`), 'utf8'));
  const theirs = (name: string) => readFile(join(dir, 'data', `${name}.kafka`));

  for (const [compression, name] of CODEC_NAMES.entries()) {
    test(`${name}: Kafka validates our batch and decodes the same records`, async () => {
      const [batch] = await seen(name);
      assert.deepEqual(
        { ...batch, records: undefined },
        {
          baseOffset: '1000',
          lastOffset: '1003',
          compression: name,
          timestampType: 'CreateTime',
          maxTimestamp: '1700000001000',
          producerId: '77',
          producerEpoch: 4,
          baseSequence: 12,
          partitionLeaderEpoch: 9,
          recordCount: 4,
          transactional: false,
          control: false,
          records: undefined,
        },
      );
      assert.deepEqual(
        batch.records,
        records.map((r, i) => ({
          offset: String(1000 + i),
          timestamp: String(r.timestamp),
          key: base64(r.key),
          value: base64(r.value),
          headers: (r.headers ?? []).map((h) => ({
            key: base64(Buffer.from(h.key)),
            value: base64(h.value),
          })),
        })),
      );
    });

    test(`${name}: we validate and parse the batch Kafka builds from those records`, async () => {
      const batch = await theirs(name);
      assert.ok(validateBatch(batch, 0, { deep: true }).ok);
      const parsed = await parseBatch(batch);
      assert.equal(parsed.compression, compression);
      assert.deepEqual(
        parsed.records.map(({ offset, timestamp, key, value, headers }) => ({
          offset,
          timestamp,
          key,
          value,
          headers,
        })),
        records.map((r, i) => ({
          offset: 1000n + BigInt(i),
          timestamp: r.timestamp,
          key: r.key ?? null,
          value: r.value ?? null,
          headers: r.headers ?? [],
        })),
      );
    });
  }

  test('the uncompressed batches are byte-identical', async () => {
    assert.deepEqual(await theirs('none'), ours.get('none'));
  });

  test('Java writes snappy xerial-framed and lz4 as an LZ4 frame, as our writer does', async () => {
    const xerial = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
    assert.deepEqual((await theirs('snappy')).subarray(61, 69), xerial);
    assert.deepEqual(ours.get('snappy')?.subarray(61, 69), xerial);
    assert.equal((await theirs('lz4')).readUInt32LE(61), 0x184d2204);
  });

  for (const name of ['commit', 'abort']) {
    test(`the ${name} marker: Kafka reads the marker, and rebuilds the very same bytes`, async () => {
      const [batch] = await seen(name);
      assert.deepEqual([batch.control, batch.transactional, batch.baseSequence], [true, true, -1]);
      assert.deepEqual(batch.records[0].marker, { type: name.toUpperCase(), coordinatorEpoch: 3 });
      assert.deepEqual(await theirs(name), ours.get(name));
    });
  }
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { apacheKafkaClasspath, apacheKafkaVersion, testJvmArgs } from '../support/apache-kafka.ts';
import { apacheKafkaMissing, requireInCI } from '../support/external-tools.ts';
import { type RunningBroker, subjectTarget } from '../support/targets.ts';

// The Java client (kafka-clients, fetched with Apache Kafka) against the broker under test: the
// program in test/compat/java produces generated records per codec with acks=all and reads them back
// with a KafkaConsumer in assign mode; its JSON summary is checked here.

const run = promisify(execFile);
const compileScript = fileURLToPath(new URL('../../scripts/ci/compile-java-compat.sh', import.meta.url));
const codecs = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const records = 10_000;
const partitions = 4;

interface PartitionSummary {
  partition: number;
  count: number;
  firstOffset: number;
  lastOffset: number;
  contiguous: boolean;
  digest: string;
  endOffset?: number;
}

interface CodecResult {
  codec: string;
  topic: string;
  expected: {
    perPartitionCounts: number[];
    nullKeys: number;
    nullValues: number;
    headers: number;
    minTimestamp: number;
    maxTimestamp: number;
  };
  produced: {
    acknowledged: number;
    errors: number;
    firstError: string | null;
    timestampMismatches: number;
    perPartition: PartitionSummary[];
  };
  consumed: {
    count: number;
    timedOut: boolean;
    nullKeys: number;
    nullValues: number;
    headers: number;
    minTimestamp: number;
    maxTimestamp: number;
    notCreateTime: number;
    perPartition: PartitionSummary[];
  };
}

interface Summary {
  kafkaClientsVersion: string;
  results: CodecResult[];
}

const target = subjectTarget();
const skip = requireInCI(apacheKafkaMissing() ?? target.missing());

describe(`Java client ${apacheKafkaVersion()} against ${target.name}`, { skip }, () => {
  let broker: RunningBroker;
  let workDir: string;
  let summary: Summary;

  before(async () => {
    const [classes, started] = await Promise.all([compileJavaCompat(), target.start()]);
    broker = started;
    workDir = await mkdtemp(join(tmpdir(), 'nagare-java-compat-'));
    summary = await runJavaCompat(classes, broker.bootstrap, join(workDir, 'summary.json'));
  });
  after(async () => {
    await broker?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('runs the kafka-clients version that was fetched', () => {
    assert.equal(summary.kafkaClientsVersion, apacheKafkaVersion());
    assert.deepEqual(
      summary.results.map((result) => result.codec),
      codecs,
    );
  });

  for (const codec of codecs) {
    it(`${codec}: ${records} records produced with acks=all read back intact, in order, at their offsets`, () => {
      const result = summary.results.find((candidate) => candidate.codec === codec);
      assert.ok(result, `no result for ${codec}`);
      const { expected, produced, consumed } = result;

      assert.equal(produced.errors, 0, `producer errors, first: ${produced.firstError}`);
      assert.equal(produced.acknowledged, records);
      assert.equal(
        produced.timestampMismatches,
        0,
        'acknowledged timestamps differ from the CreateTime sent',
      );
      assert.equal(consumed.timedOut, false, 'consumer did not reach the end offsets in time');
      assert.equal(consumed.count, records);

      for (let partition = 0; partition < partitions; partition++) {
        const sent = produced.perPartition[partition];
        const read = consumed.perPartition[partition];
        const count = expected.perPartitionCounts[partition];
        const label = `partition ${partition}`;
        // Offsets the broker acknowledged: dense from 0, in send order.
        assert.deepEqual(
          [sent.count, sent.firstOffset, sent.lastOffset, sent.contiguous],
          [count, 0, count - 1, true],
          label,
        );
        // What the consumer read: the same range, and an end offset right after it.
        assert.deepEqual(
          [read.count, read.firstOffset, read.lastOffset, read.contiguous, read.endOffset],
          [count, 0, count - 1, true, count],
          label,
        );
        // Same offsets, timestamps, keys, values and headers, in the same order.
        assert.equal(read.digest, sent.digest, `${label}: content read differs from content sent`);
      }

      assert.equal(consumed.notCreateTime, 0, 'records not typed CreateTime');
      assert.deepEqual(
        [consumed.nullKeys, consumed.nullValues, consumed.headers],
        [expected.nullKeys, expected.nullValues, expected.headers],
      );
      assert.deepEqual(
        [consumed.minTimestamp, consumed.maxTimestamp],
        [expected.minTimestamp, expected.maxTimestamp],
      );
    });
  }
});

/** Compiles test/compat/java into the cache (no-op when the sources did not change). */
async function compileJavaCompat(): Promise<string> {
  const { stdout } = await run('bash', [compileScript]);
  return stdout.trim().split('\n').at(-1)!;
}

async function runJavaCompat(classes: string, bootstrap: string, summaryPath: string): Promise<Summary> {
  const args = [...testJvmArgs, '-cp', `${classes}:${apacheKafkaClasspath()}`, 'NagareCompat'];
  args.push('--bootstrap', bootstrap, '--topic-prefix', 'java-compat', '--records', String(records));
  args.push('--partitions', String(partitions), '--codecs', codecs.join(','), '--summary', summaryPath);
  try {
    await run('java', args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`NagareCompat failed:\n${`${stdout}${stderr}`.slice(-4000)}`);
  }
  return JSON.parse(await readFile(summaryPath, 'utf8')) as Summary;
}

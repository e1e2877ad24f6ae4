import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { compatSkip, compatTarget, type RunningBroker } from '../../support/compat-target.ts';
import { apacheKafkaMissing } from '../../support/external-tools.ts';
import { startNagare } from '../../support/nagare.ts';
import { javaCompatClasspath } from '../groups/group-clients.ts';

// Kafka's own Java share consumer (test/compat/java/ShareClient.java, kafka-clients 4.3.1) against the
// target: two consumers of one share group on a 3-partition topic, explicit acknowledgement, every record
// delivered and settled exactly once across the two, released records redelivered with delivery count 2,
// rejected ones never again; then (Nagare only: the Kafka harness cannot restart a broker) a restart after
// which nothing acknowledged is delivered again.

const run = promisify(execFile);
const jvmArgs = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];
const skip = compatSkip(apacheKafkaMissing());
const target = compatTarget();
const restartable = target.name === 'nagare';
/** Quicker assignments than the 5 s default heartbeat (Kafka assigns a partition a heartbeat after it joins). */
const overrides = {
  'group.share.heartbeat.interval.ms': '1000',
  'group.share.min.heartbeat.interval.ms': '1000',
};
const RECORDS = 3000;

interface ConsumeResult {
  records: number;
  delivered: number;
  settled: number;
  perConsumer: number[];
  released: number;
  redeliveryCounts: number[];
  rejected: number;
  unexpected: string[];
  unexpectedCount: number;
  ackErrors: string[];
}

async function shareClient<T>(scenario: string, options: Record<string, string | number>): Promise<T> {
  const args = [...jvmArgs, '-cp', await javaCompatClasspath(), 'ShareClient', scenario];
  for (const [name, value] of Object.entries(options)) args.push(`--${name}`, String(value));
  try {
    const { stdout } = await run('java', args, { maxBuffer: 16 * 1024 * 1024, timeout: 180_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`ShareClient ${scenario} failed:\n${`${stdout}${stderr}`.slice(-4000)}`);
  }
}

describe(`Java share consumers against ${target.name}`, { skip }, () => {
  let broker: RunningBroker | undefined;
  let dataDir: string | undefined;
  const topic = `share-java-${process.pid}`;
  const group = `share-java-group-${process.pid}`;

  const start = async () => {
    broker = restartable ? await startNagare({ dataDir, overrides }) : await target.start({ overrides });
  };
  before(async () => {
    if (skip) return;
    if (restartable) dataDir = await mkdtemp(join(tmpdir(), 'nagare-share-java-'));
    await start();
  });
  after(async () => {
    await broker?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('two consumers settle every record exactly once: ACCEPT, RELEASE then redelivery, REJECT', async () => {
    const result = await shareClient<ConsumeResult>('consume', {
      bootstrap: broker!.bootstrap,
      topic,
      group,
      records: RECORDS,
    });
    assert.deepEqual(result.ackErrors, []);
    assert.deepEqual(
      [result.unexpectedCount, result.unexpected],
      [0, []],
      'deliveries other than once (twice for released records)',
    );
    assert.equal(result.delivered, RECORDS);
    assert.equal(result.settled, RECORDS);
    assert.ok(
      result.perConsumer.every((n) => n > 0),
      `both consumers got records: ${result.perConsumer.join(' + ')}`,
    );
    assert.equal(result.released, RECORDS / 50);
    assert.deepEqual(result.redeliveryCounts, [2]);
    assert.equal(result.rejected, RECORDS / 50);
  });

  it('after a restart nothing acknowledged is delivered again', {
    skip: restartable ? undefined : 'the Apache Kafka harness cannot restart a broker',
  }, async () => {
    await broker!.stop();
    await start();
    const result = await shareClient<{ sentinel: boolean; beforeSentinel: string[] }>('after-restart', {
      bootstrap: broker!.bootstrap,
      topic,
      group,
    });
    assert.deepEqual(result, { sentinel: true, beforeSentinel: [] });
  });
});

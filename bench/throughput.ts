// Produce and consume throughput of 1 KiB records, Nagare next to Apache Kafka and the machine's limits,
// all measured in this run. Usage: node bench/throughput.ts [--reps 3] [--seconds 4] [--partitions 1,3]
// [--profile]   (see bench/README.md)
import { availableParallelism, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import {
  type BenchBroker,
  nagareDurableOverrides,
  startKafkaProcess,
  startNagareProcess,
} from './support/brokers.ts';
import { benchProgram, type ClientRun, lastJsonLine, runJavaClient } from './support/java-client.ts';
import { createTopic } from './support/kafka-admin.ts';
import { diskSequentialWriteMiBps, diskSyncedAppendsPerSec, loopbackTcpMiBps } from './support/limits.ts';
import { checkPrerequisites } from './support/prerequisites.ts';
import { runProducerPerformance } from './support/producer-performance.ts';
import { profileNagareProduce } from './support/profile-run.ts';
import { type Cell, printJsonLine, printNoiseNote, printTable, progress } from './support/report.ts';
import { median, medianOfFields, ratio } from './support/stats.ts';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '4' },
    partitions: { type: 'string', default: '1,3' },
    profile: { type: 'boolean', default: false },
  },
});
const settings = {
  /** Repetitions of every measurement; tables show medians. */
  reps: Number(values.reps),
  /** Target length of one measured run (the warm-up records come on top). */
  seconds: Number(values.seconds),
  /** Topic layouts: partition counts. */
  partitions: values.partitions.split(',').map(Number),
  /** Also profile the Nagare broker (node --cpu-prof) and summarise where its time goes. */
  profile: values.profile,
};
if (!(settings.reps >= 1 && settings.seconds > 0 && settings.partitions.every((count) => count >= 1))) {
  throw new Error(`bad settings: ${JSON.stringify(settings)}`);
}
const recordSize = 1024;
const MiB = 1024 * 1024;
/** Warm-up run size: enough to get the JITs going and to size the measured runs. */
const calibrationRecords = 30_000;
const minRecords = 50_000;
const maxRecords = 1_000_000;
/** Each measured run first sends this share of its records as warm-up, left out of its figures. */
const warmupShare = 0.25;

interface ProduceCase {
  label: string;
  broker: BenchBroker;
  acks: '1' | 'all';
  /** Topic configs set at creation. */
  topicConfigs?: Record<string, string>;
  /** The Kafka case this one is compared with (Nagare rows only). */
  kafkaPeer?: string;
  /** The acks=1 topics are read back by the consume cases. */
  consumeAfter?: boolean;
}

type RunFigures = Record<string, number>;

function cpuFigures(run: ClientRun, seconds: number, bytes: number): RunFigures {
  return {
    brokerCores: run.brokerCpuSeconds / seconds,
    brokerCpuSecPerGiB: run.brokerCpuSeconds / (bytes / (1024 * MiB)),
    clientCores: run.clientCpuSeconds / run.wallSeconds,
    otherCores: run.otherCpuSeconds / run.wallSeconds,
  };
}

async function produce(
  testCase: ProduceCase,
  topic: string,
  partitions: number,
  records: number,
  warmupRecords = 0,
) {
  await createTopic(testCase.broker.bootstrap, topic, partitions, testCase.topicConfigs);
  const { summary, run } = await runProducerPerformance({
    bootstrap: testCase.broker.bootstrap,
    brokerPid: testCase.broker.pid,
    topic,
    records,
    warmupRecords,
    recordSize,
    throughput: -1,
    producerProps: { acks: testCase.acks },
  });
  // The broker's CPU covers warm-up and measured records alike; so does the time and volume it is set against.
  const sent = records + warmupRecords;
  return {
    records: summary.records,
    recordsPerSec: summary.recordsPerSec,
    mibPerSec: summary.mbPerSec,
    avgLatencyMs: summary.avgLatencyMs,
    p99LatencyMs: summary.p99Ms,
    ...cpuFigures(run, sent / summary.recordsPerSec, sent * recordSize),
  };
}

async function consume(broker: BenchBroker, topic: string, partitions: number, records: number) {
  const run = await runJavaClient(
    benchProgram('AssignConsumerPerf'),
    [broker.bootstrap, topic, String(partitions), String(records)],
    broker.pid,
  );
  const result = lastJsonLine(run.stdout) as {
    records: number;
    bytes: number;
    seconds: number;
    complete: boolean;
  };
  if (!result.complete)
    throw new Error(`${broker.label}: consumer got ${result.records} of ${records} records`);
  return {
    records: result.records,
    recordsPerSec: result.records / result.seconds,
    mibPerSec: result.bytes / MiB / result.seconds,
    ...cpuFigures(run, result.seconds, result.bytes),
  };
}

function sizeRuns(recordsPerSec: number): number {
  const records = Math.round((recordsPerSec * settings.seconds) / 1000) * 1000;
  return Math.min(maxRecords, Math.max(minRecords, records));
}

async function measureLimits() {
  progress('measuring the disk and loopback limits');
  const dir = tmpdir();
  const disk: number[] = [];
  const syncs: number[] = [];
  const loopback: number[] = [];
  for (let rep = 0; rep < settings.reps; rep++) {
    disk.push(diskSequentialWriteMiBps(dir));
    syncs.push(diskSyncedAppendsPerSec(dir));
    loopback.push(await loopbackTcpMiBps());
  }
  return {
    diskWriteMiBps: median(disk),
    diskSyncedAppendsPerSec: median(syncs),
    loopbackMiBps: median(loopback),
  };
}

async function measureLayout(cases: ProduceCase[], partitions: number) {
  const records = new Map<string, number>();
  for (const testCase of cases) {
    progress(`p${partitions} calibrating ${testCase.label}`);
    const topic = `calibrate-${slug(testCase.label)}-p${partitions}`;
    const warmUp = await produce(testCase, topic, partitions, calibrationRecords);
    records.set(testCase.label, sizeRuns(warmUp.recordsPerSec));
  }
  const produceRuns = new Map<string, RunFigures[]>(cases.map((testCase) => [testCase.label, []]));
  const consumeRuns = new Map<string, RunFigures[]>();
  // Repetitions interleave the cases, so that a busy moment on a shared machine hits all of them alike.
  for (let rep = 1; rep <= settings.reps; rep++) {
    for (const testCase of cases) {
      const topic = `${slug(testCase.label)}-p${partitions}-r${rep}`;
      const count = records.get(testCase.label)!;
      progress(`p${partitions} rep ${rep}/${settings.reps}: produce ${testCase.label}, ${count} records`);
      const warmup = Math.round(count * warmupShare);
      produceRuns.get(testCase.label)!.push(await produce(testCase, topic, partitions, count, warmup));
      if (testCase.consumeAfter) {
        const label = testCase.broker.label;
        progress(`p${partitions} rep ${rep}/${settings.reps}: consume ${label}`);
        const figures = await consume(testCase.broker, topic, partitions, count + warmup);
        consumeRuns.set(label, [...(consumeRuns.get(label) ?? []), figures]);
      }
    }
  }
  const medians = (runs: Map<string, RunFigures[]>) =>
    Object.fromEntries([...runs].map(([label, list]) => [label, medianOfFields(list)]));
  return {
    produce: medians(produceRuns),
    consume: medians(consumeRuns),
    runs: { produce: Object.fromEntries(produceRuns), consume: Object.fromEntries(consumeRuns) },
  };
}

function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

type Limits = Awaited<ReturnType<typeof measureLimits>>;
type Layout = Awaited<ReturnType<typeof measureLayout>>;

function printLayout(partitions: number, cases: ProduceCase[], layout: Layout, limits: Limits): void {
  const produceRows: Cell[][] = cases.map((testCase) => {
    const figures = layout.produce[testCase.label];
    const peer = testCase.kafkaPeer ? layout.produce[testCase.kafkaPeer] : undefined;
    return [
      testCase.label,
      figures.mibPerSec,
      figures.recordsPerSec,
      peer ? ratio(figures.mibPerSec, peer.mibPerSec) : '',
      ratio(figures.mibPerSec, limits.diskWriteMiBps),
      ratio(figures.mibPerSec, limits.loopbackMiBps),
      figures.avgLatencyMs,
      figures.p99LatencyMs,
      figures.brokerCores,
      figures.brokerCpuSecPerGiB,
      figures.clientCores,
      figures.otherCores,
    ];
  });
  printTable(
    `Produce, ${partitions} partition(s), 1 KiB records, ProducerPerformance --throughput -1 (median of ${settings.reps})`,
    [
      'case',
      'MiB/s',
      'records/s',
      'x Kafka',
      'x disk',
      'x loopback',
      'avg ms',
      'p99 ms',
      'broker cores',
      'broker CPU s/GiB',
      'client cores',
      'other cores',
    ],
    produceRows,
  );
  const kafka = layout.consume.Kafka;
  const consumeRows: Cell[][] = Object.entries(layout.consume).map(([label, figures]) => [
    label,
    figures.mibPerSec,
    figures.recordsPerSec,
    label === 'Kafka' || !kafka ? '' : ratio(figures.mibPerSec, kafka.mibPerSec),
    ratio(figures.mibPerSec, limits.loopbackMiBps),
    figures.brokerCores,
    figures.brokerCpuSecPerGiB,
    figures.clientCores,
    figures.otherCores,
  ]);
  printTable(
    `Consume, ${partitions} partition(s), assign() from the beginning, Java client (median of ${settings.reps})`,
    [
      'case',
      'MiB/s',
      'records/s',
      'x Kafka',
      'x loopback',
      'broker cores',
      'broker CPU s/GiB',
      'client cores',
      'other cores',
    ],
    consumeRows,
  );
  const allFigures = [...Object.values(layout.produce), ...Object.values(layout.consume)];
  printNoiseNote(
    allFigures.map((figures) => figures.otherCores),
    availableParallelism(),
  );
}

async function main(): Promise<void> {
  checkPrerequisites();
  const limits = await measureLimits();
  printTable(
    `Limits of this machine (median of ${settings.reps})`,
    ['limit', 'value'],
    [
      ['disk sequential write, 1 MiB writes + fsync, MiB/s', limits.diskWriteMiBps],
      ['disk 16 KiB append + fdatasync, per second', limits.diskSyncedAppendsPerSec],
      ['loopback TCP, Node process to Node process, MiB/s', limits.loopbackMiBps],
    ],
  );
  const brokers: BenchBroker[] = [];
  try {
    progress('starting Nagare, Nagare durable and Apache Kafka');
    const nagare = await startNagareProcess();
    brokers.push(nagare);
    const durable = await startNagareProcess({ label: 'Nagare durable', overrides: nagareDurableOverrides });
    brokers.push(durable);
    const kafka = await startKafkaProcess();
    brokers.push(kafka);
    const cases: ProduceCase[] = [
      { label: 'Nagare acks=1', broker: nagare, acks: '1', kafkaPeer: 'Kafka acks=1', consumeAfter: true },
      { label: 'Kafka acks=1', broker: kafka, acks: '1', consumeAfter: true },
      { label: 'Nagare acks=all', broker: nagare, acks: 'all', kafkaPeer: 'Kafka acks=all' },
      { label: 'Kafka acks=all', broker: kafka, acks: 'all' },
      {
        label: 'Nagare durable acks=all',
        broker: durable,
        acks: 'all',
        kafkaPeer: 'Kafka flush.messages=1 acks=all',
      },
      // Kafka's nearest to a durable mode: fsync after every append (topic config flush.messages=1).
      {
        label: 'Kafka flush.messages=1 acks=all',
        broker: kafka,
        acks: 'all',
        topicConfigs: { 'flush.messages': '1' },
      },
    ];
    const layouts: Record<string, Layout> = {};
    for (const partitions of settings.partitions) {
      layouts[`p${partitions}`] = await measureLayout(cases, partitions);
      printLayout(partitions, cases, layouts[`p${partitions}`], limits);
    }
    for (const broker of brokers.splice(0)) await broker.stop();
    const profile = settings.profile ? await profileNagareProduce(recordSize) : undefined;
    printJsonLine('throughput', { settings, recordSize, limits, layouts, profile });
  } finally {
    for (const broker of brokers) await broker.stop();
  }
}

await main();

// Produce latency at a fixed rate (default 5,000 records/s of 1 KiB, acks=all), Nagare next to Apache
// Kafka measured in this run. Usage: node bench/latency.ts [--rate N] [--seconds S] [--reps R]
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import {
  type BenchBroker,
  nagareDurableOverrides,
  startKafkaProcess,
  startNagareProcess,
} from './support/brokers.ts';
import { benchProgram, type ClientRun, lastJsonLine, runJavaClient } from './support/java-client.ts';
import { createTopic } from './support/kafka-admin.ts';
import { checkPrerequisites } from './support/prerequisites.ts';
import { runProducerPerformance } from './support/producer-performance.ts';
import { type Cell, printJsonLine, printNoiseNote, printTable, progress } from './support/report.ts';
import { medianOfFields, ratio } from './support/stats.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '10' },
    reps: { type: 'string', default: '3' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const reps = Number(values.reps);
const recordSize = 1024;
const records = Math.round(rate * seconds);
/** Records sent before the measured ones: JIT, connections and metadata settle meanwhile. */
const warmupRecords = Math.round(rate * 2);
/** Records each broker takes at full speed before any measurement. */
const brokerWarmupRecords = 100_000;

type Figures = Record<string, number>;

interface Tool {
  name: string;
  measure(broker: BenchBroker, topic: string): Promise<Figures>;
}

function brokerCores(run: ClientRun): Figures {
  return {
    brokerCores: run.brokerCpuSeconds / run.wallSeconds,
    otherCores: run.otherCpuSeconds / run.wallSeconds,
  };
}

/** Kafka's ProducerPerformance with the client's defaults (linger.ms=5): whole-millisecond figures. */
const producerPerformance: Tool = {
  name: 'ProducerPerformance',
  async measure(broker, topic) {
    const { summary, run } = await runProducerPerformance({
      bootstrap: broker.bootstrap,
      brokerPid: broker.pid,
      topic,
      records,
      warmupRecords,
      recordSize,
      throughput: rate,
      producerProps: { acks: 'all' },
    });
    return {
      recordsPerSec: summary.recordsPerSec,
      avgMs: summary.avgLatencyMs,
      p50Ms: summary.p50Ms,
      p99Ms: summary.p99Ms,
      p999Ms: summary.p999Ms,
      maxMs: summary.maxLatencyMs,
      ...brokerCores(run),
    };
  },
};

/** bench/java/PacedProducerLatency with linger.ms=0: microsecond figures, from each record's schedule. */
const pacedProducer: Tool = {
  name: 'paced, linger.ms=0',
  async measure(broker, topic) {
    const args = [broker.bootstrap, topic, String(records + warmupRecords), String(rate), String(recordSize)];
    args.push(String(warmupRecords), 'acks=all', 'linger.ms=0');
    const run = await runJavaClient(benchProgram('PacedProducerLatency'), args, broker.pid);
    const result = lastJsonLine(run.stdout) as Record<string, number>;
    if (result.errors > 0) throw new Error(`${broker.label}: ${result.errors} records failed`);
    return {
      recordsPerSec: result.recordsPerSec,
      avgMs: result.avgUs / 1000,
      p50Ms: result.p50Us / 1000,
      p99Ms: result.p99Us / 1000,
      p999Ms: result.p999Us / 1000,
      maxMs: result.maxUs / 1000,
      ...brokerCores(run),
    };
  },
};

async function main(): Promise<void> {
  checkPrerequisites();
  const brokers: BenchBroker[] = [];
  try {
    progress('starting Nagare, Nagare durable and Apache Kafka');
    brokers.push(await startNagareProcess());
    brokers.push(await startNagareProcess({ label: 'Nagare durable', overrides: nagareDurableOverrides }));
    brokers.push(await startKafkaProcess());
    for (const broker of brokers) {
      // A broker fresh out of startup has not compiled its hot paths yet (the JVM's JIT, V8's tiers).
      progress(`warming up ${broker.label}`);
      await createTopic(broker.bootstrap, 'latency-warm-up', 1);
      await runProducerPerformance({
        bootstrap: broker.bootstrap,
        brokerPid: broker.pid,
        topic: 'latency-warm-up',
        records: brokerWarmupRecords,
        recordSize,
        throughput: -1,
        producerProps: { acks: 'all' },
      });
    }
    const tools = [producerPerformance, pacedProducer];
    const runs = new Map<string, Figures[]>();
    // Repetitions interleave brokers and tools, so that a busy moment on a shared machine hits all alike.
    for (let rep = 1; rep <= reps; rep++) {
      for (const tool of tools) {
        for (const broker of brokers) {
          const key = `${broker.label}|${tool.name}`;
          progress(`rep ${rep}/${reps}: ${broker.label}, ${tool.name}, ${records} records at ${rate}/s`);
          const topic = `latency-${runs.get(key)?.length ?? 0}-${tool === pacedProducer ? 'paced' : 'perf'}`;
          await createTopic(broker.bootstrap, topic, 1);
          runs.set(key, [...(runs.get(key) ?? []), await tool.measure(broker, topic)]);
        }
      }
    }
    const medians = Object.fromEntries([...runs].map(([key, list]) => [key, medianOfFields(list)]));
    const rows: Cell[][] = [];
    for (const tool of tools) {
      const kafka = medians[`Kafka|${tool.name}`];
      for (const broker of brokers) {
        const figures = medians[`${broker.label}|${tool.name}`];
        const versus = broker.label === 'Kafka';
        rows.push([
          broker.label,
          tool.name,
          figures.recordsPerSec,
          figures.avgMs,
          figures.p50Ms,
          figures.p99Ms,
          figures.p999Ms,
          figures.maxMs,
          versus ? '' : ratio(figures.p50Ms, kafka.p50Ms),
          versus ? '' : ratio(figures.p99Ms, kafka.p99Ms),
          figures.brokerCores,
          figures.otherCores,
        ]);
      }
    }
    printTable(
      `Produce latency, acks=all, ${rate} records/s of 1 KiB, 1 partition, ${seconds} s measured after ${warmupRecords} warm-up records (median of ${reps})`,
      [
        'broker',
        'client',
        'records/s',
        'avg ms',
        'p50 ms',
        'p99 ms',
        'p99.9 ms',
        'max ms',
        'p50 x Kafka',
        'p99 x Kafka',
        'broker cores',
        'other cores',
      ],
      rows,
    );
    printNoiseNote(
      Object.values(medians).map((figures) => figures.otherCores),
      availableParallelism(),
    );
    const allRuns = Object.fromEntries(runs);
    printJsonLine('latency', {
      rate,
      seconds,
      reps,
      recordSize,
      acks: 'all',
      results: medians,
      runs: allRuns,
    });
  } finally {
    for (const broker of brokers) await broker.stop();
  }
}

await main();

// org.apache.kafka.tools.ProducerPerformance (kafka-producer-perf-test.sh): running it, reading its summary.
import type { ClientRun } from './java-client.ts';
import { kafkaTool, runJavaClient } from './java-client.ts';

export interface ProducerSummary {
  records: number;
  recordsPerSec: number;
  /** As the tool prints it: MiB (2^20 bytes) of record values per second. */
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
}

const summaryPattern =
  /^(\d+) (?:steady state )?records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th/gm;

/**
 * The last summary line: the steady-state one when the run had warm-up records, else the only one (the
 * 5-second progress windows have no percentiles, so they do not match).
 */
export function parseProducerSummary(output: string): ProducerSummary {
  const match = [...output.matchAll(summaryPattern)].at(-1);
  if (!match) throw new Error(`no ProducerPerformance summary in:\n${output.slice(-2000)}`);
  const [records, recordsPerSec, mbPerSec, avgLatencyMs, maxLatencyMs, p50Ms, p95Ms, p99Ms, p999Ms] = match
    .slice(1)
    .map(Number);
  return { records, recordsPerSec, mbPerSec, avgLatencyMs, maxLatencyMs, p50Ms, p95Ms, p99Ms, p999Ms };
}

export interface ProducerPerformanceOptions {
  bootstrap: string;
  brokerPid: number;
  topic: string;
  /** Measured records, sent after the warm-up ones. */
  records: number;
  recordSize: number;
  /** Records per second; -1 for as fast as possible. */
  throughput: number;
  /** Records sent first and left out of the figures (JIT warm-up, connections, metadata). */
  warmupRecords?: number;
  producerProps: Record<string, string>;
}

export async function runProducerPerformance(
  options: ProducerPerformanceOptions,
): Promise<{ summary: ProducerSummary; run: ClientRun }> {
  const warmup = options.warmupRecords ?? 0;
  const args = ['--bootstrap-server', options.bootstrap, '--topic', options.topic];
  args.push('--num-records', String(options.records + warmup), '--warmup-records', String(warmup));
  args.push('--record-size', String(options.recordSize), '--throughput', String(options.throughput));
  // --command-property is the current name of --producer-props.
  args.push(
    '--command-property',
    ...Object.entries(options.producerProps).map(([key, value]) => `${key}=${value}`),
  );
  const run = await runJavaClient(
    kafkaTool('org.apache.kafka.tools.ProducerPerformance'),
    args,
    options.brokerPid,
  );
  return { summary: parseProducerSummary(run.stdout), run };
}

// A produce run against a Nagare broker started under `node --cpu-prof`, summarised: where the broker's
// CPU goes while it takes records as fast as a producer sends them, by function (main thread, sampled
// wall-clock: a function the thread is blocked or preempted in counts too) and by thread (CPU time from
// /proc). Kept apart from the measured runs because the profiler slows the broker down.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNagareProcess } from './brokers.ts';
import { type CpuProfile, type ProfileSummary, summariseProfile, type Window } from './cpu-profile.ts';
import { createTopic } from './kafka-admin.ts';
import { type ThreadCpu, threadCpuByName } from './proc-stats.ts';
import { runProducerPerformance } from './producer-performance.ts';
import { printTable, progress } from './report.ts';

/** The clock V8's profiler stamps samples with (CLOCK_MONOTONIC), in microseconds. */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export interface ProduceProfile extends ProfileSummary {
  mibPerSec: number;
  threads: Record<string, ThreadCpu>;
}

function threadCpuDelta(
  before: Map<string, ThreadCpu>,
  after: Map<string, ThreadCpu>,
): Record<string, ThreadCpu> {
  const delta: Record<string, ThreadCpu> = {};
  for (const [name, cpu] of after) {
    const start = before.get(name) ?? { userSeconds: 0, systemSeconds: 0 };
    const used = {
      userSeconds: cpu.userSeconds - start.userSeconds,
      systemSeconds: cpu.systemSeconds - start.systemSeconds,
    };
    if (used.userSeconds + used.systemSeconds > 0) delta[name] = used;
  }
  return delta;
}

export async function profileNagareProduce(recordSize: number, records = 300_000): Promise<ProduceProfile> {
  const profileDir = await mkdtemp(join(tmpdir(), 'nagare-bench-profile-'));
  // Only the produce run counts: the broker's own startup (module loading, type stripping) is left out.
  const window: Window = { fromUs: 0, toUs: Number.POSITIVE_INFINITY };
  let threads: Record<string, ThreadCpu> = {};
  let mibPerSec = Number.NaN;
  try {
    progress(`profiling Nagare (node --cpu-prof) during a produce run of ${records} records`);
    const broker = await startNagareProcess({
      label: 'Nagare profiled',
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    });
    try {
      await createTopic(broker.bootstrap, 'profiled', 1);
      window.fromUs = monotonicUs();
      const threadsBefore = threadCpuByName(broker.pid);
      const { summary } = await runProducerPerformance({
        bootstrap: broker.bootstrap,
        brokerPid: broker.pid,
        topic: 'profiled',
        records,
        recordSize,
        throughput: -1,
        producerProps: { acks: '1' },
      });
      window.toUs = monotonicUs();
      threads = threadCpuDelta(threadsBefore, threadCpuByName(broker.pid));
      mibPerSec = summary.mbPerSec;
    } finally {
      // The profile is written when the process exits cleanly (SIGTERM is a clean stop for the CLI).
      await broker.stop();
    }
    const [file] = (await readdir(profileDir)).filter((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error('the profiled broker wrote no .cpuprofile');
    const summary = summariseProfile(
      JSON.parse(await readFile(join(profileDir, file), 'utf8')) as CpuProfile,
      window,
    );
    const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
    printTable(
      `Nagare broker CPU profile, produce acks=1, 1 partition, during the run: ${(summary.busyMs / 1000).toFixed(1)} s busy, ${(summary.idleMs / 1000).toFixed(1)} s idle — top functions by self time`,
      ['function', 'self', 'ms'],
      summary.functions.map((share) => [share.name, percent(share.share), Math.round(share.ms)]),
    );
    printTable(
      'Same profile by area (file or package)',
      ['area', 'self', 'ms'],
      summary.areas.map((share) => [share.name, percent(share.share), Math.round(share.ms)]),
    );
    printTable(
      `Nagare broker CPU by thread during the same run (${mibPerSec} MiB/s under the profiler)`,
      ['thread', 'user s', 'system s'],
      Object.entries(threads).map(([name, cpu]) => [name, cpu.userSeconds, cpu.systemSeconds]),
    );
    return { ...summary, mibPerSec, threads };
  } finally {
    await rm(profileDir, { recursive: true, force: true });
  }
}

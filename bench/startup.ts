// Startup time (process spawn to the first Metadata answer) and idle memory (VmRSS once it settles),
// Nagare next to Apache Kafka measured in this run. Both restart an initialised, empty data dir: Kafka
// needs its storage formatted before a first start, so a restart is the start both brokers share.
// Usage: node bench/startup.ts [--reps N]
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startKafkaProcess, startNagareProcess } from './support/brokers.ts';
import { metadataAnswers } from './support/kafka-admin.ts';
import { checkPrerequisites } from './support/prerequisites.ts';
import { cpuSeconds, machineBusySeconds, rssMiB } from './support/proc-stats.ts';
import { commandLineOf, spawnLogged, terminatePid } from './support/process-control.ts';
import { type Cell, printJsonLine, printNoiseNote, printTable, progress } from './support/report.ts';
import { medianOfFields, ratio } from './support/stats.ts';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' } } });
const reps = Number(values.reps);
const readyTimeoutMs = 120_000;
/** RSS has settled when it stays within this fraction over the settle window. */
const settleTolerance = 0.02;
const settleWindowMs = 3000;
const settleCapMs = 30_000;

type Figures = Record<string, number>;

interface Started {
  pid: number;
  bootstrap: string;
  spawnedAt: number;
  /** Why the process ended, while waiting for it to answer. */
  exitReason(): string | undefined;
}

/** Polls Metadata as fast as refusals come back; measures to the first answer. */
async function waitForFirstAnswer(started: Started): Promise<number> {
  const deadline = started.spawnedAt + readyTimeoutMs;
  while (!(await metadataAnswers(started.bootstrap))) {
    const reason = started.exitReason();
    if (reason !== undefined) throw new Error(`broker process ${reason} before answering`);
    if (performance.now() > deadline) throw new Error(`no Metadata answer after ${readyTimeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started.spawnedAt;
}

/** Samples VmRSS until it stays within the tolerance for the settle window (or the cap is reached). */
async function settledRss(pid: number): Promise<{ rssMiB: number; settleMs: number }> {
  const started = performance.now();
  const samples: { at: number; rss: number }[] = [];
  while (true) {
    const now = performance.now();
    samples.push({ at: now, rss: rssMiB(pid) });
    const window = samples.filter((sample) => sample.at >= now - settleWindowMs);
    const low = Math.min(...window.map((sample) => sample.rss));
    const high = Math.max(...window.map((sample) => sample.rss));
    const longEnough = now - started >= settleWindowMs;
    if ((longEnough && high - low <= low * settleTolerance) || now - started >= settleCapMs) {
      return { rssMiB: samples[samples.length - 1].rss, settleMs: now - started };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function measureStart(started: Started, machineBusyAtSpawn: number): Promise<Figures> {
  const firstAnswerMs = await waitForFirstAnswer(started);
  const cpuToReadySec = cpuSeconds(started.pid);
  // Everything else the machine did meanwhile (this prober included, which is little).
  const otherCores = (machineBusySeconds() - machineBusyAtSpawn - cpuToReadySec) / (firstAnswerMs / 1000);
  const { rssMiB: idleRssMiB, settleMs } = await settledRss(started.pid);
  await terminatePid(started.pid);
  return { firstAnswerMs, cpuToReadySec, idleRssMiB, settleMs, otherCores: Math.max(0, otherCores) };
}

async function nagareStarts(): Promise<Figures[]> {
  // The first start initialises the data dir; the measured starts reopen it.
  const first = await startNagareProcess();
  await first.terminate();
  const runs: Figures[] = [];
  try {
    for (let rep = 1; rep <= reps; rep++) {
      progress(`Nagare start ${rep}/${reps}`);
      const machineBusy = machineBusySeconds();
      const broker = await startNagareProcess({ dataDir: first.dataDir, noWait: true });
      let exitReason: string | undefined;
      broker.child.once('exit', (code, signal) => {
        exitReason = `exited (code ${code}, signal ${signal})`;
      });
      try {
        runs.push(await measureStart({ ...broker, exitReason: () => exitReason }, machineBusy));
      } finally {
        await broker.stop();
      }
    }
  } finally {
    await first.stop();
  }
  return runs;
}

async function kafkaStarts(): Promise<Figures[]> {
  // Format and first start through the test launcher; then the same command line again, as a restart.
  const kafka = await startKafkaProcess();
  const argv = commandLineOf(kafka.pid);
  const runs: Figures[] = [];
  try {
    await terminatePid(kafka.pid);
    for (let rep = 1; rep <= reps; rep++) {
      progress(`Kafka start ${rep}/${reps}`);
      const machineBusy = machineBusySeconds();
      const spawnedAt = performance.now();
      const child = spawnLogged(argv, join(kafka.dataDir, 'kafka.log'));
      let exitReason: string | undefined;
      child.once('exit', (code, signal) => {
        exitReason = `exited (code ${code}, signal ${signal})`;
      });
      try {
        const pid = child.pid ?? -1;
        const started = { pid, bootstrap: kafka.bootstrap, spawnedAt, exitReason: () => exitReason };
        runs.push(await measureStart(started, machineBusy));
      } finally {
        if (child.pid !== undefined) await terminatePid(child.pid);
      }
    }
  } finally {
    await kafka.stop();
  }
  return runs;
}

async function main(): Promise<void> {
  checkPrerequisites();
  // One broker after the other: while one starts, the other is not running at all.
  const runs = { nagare: await nagareStarts(), kafka: await kafkaStarts() };
  const nagare = medianOfFields(runs.nagare);
  const kafka = medianOfFields(runs.kafka);
  const rows: Cell[][] = [
    [
      'Nagare',
      nagare.firstAnswerMs,
      ratio(nagare.firstAnswerMs, kafka.firstAnswerMs),
      nagare.cpuToReadySec,
      nagare.otherCores,
    ],
    ['Kafka', kafka.firstAnswerMs, '', kafka.cpuToReadySec, kafka.otherCores],
  ];
  printTable(
    `Startup: spawn to first Metadata answer, restart of an empty initialised broker (median of ${reps})`,
    ['broker', 'ms', 'x Kafka', 'CPU s to ready', 'other cores'],
    rows,
  );
  printTable(
    'Idle memory once RSS settles (VmRSS of the whole process)',
    ['broker', 'RSS MiB', 'x Kafka', 'settled after ms'],
    [
      ['Nagare', nagare.idleRssMiB, ratio(nagare.idleRssMiB, kafka.idleRssMiB), nagare.settleMs],
      ['Kafka', kafka.idleRssMiB, '', kafka.settleMs],
    ],
  );
  printNoiseNote([nagare.otherCores, kafka.otherCores], availableParallelism());
  printJsonLine('startup', { reps, nagare, kafka, runs });
}

await main();

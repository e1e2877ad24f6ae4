// Runs tests of librdkafka's suite against a broker target. One test-runner process per test number
// (TESTS=<number> selects every variant of it; -L leaves the local ones out), several processes at a
// time, each with a wall-clock limit: a crash or hang costs one number, not the run. Each scenario
// the tests need (default: topics auto-created; noautocreate: not) gets a broker of its own, set up
// as the suite's scenarios/*.json describe.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apacheKafkaLibs, apacheKafkaVersion } from '../../support/apache-kafka.ts';
import type { RunningBroker, Target } from '../../support/targets.ts';
import { brokerFacing, parseBrokerVersion, type SuiteTest } from './catalogue.ts';
import type { SuiteBuild } from './suite.ts';
import { resultsOfRun, type TestResult } from './summary.ts';

/** Broker settings per scenario, after the suite's scenarios/<name>.json (single broker here). */
const scenarioOverrides: Record<string, Record<string, string>> = {
  default: { 'auto.create.topics.enable': 'true', 'num.partitions': '4' },
  noautocreate: { 'auto.create.topics.enable': 'false', 'num.partitions': '4' },
};
/**
 * Kafka's default join delay, which the test helpers here lower to 0: the suite's group tests assume it
 * (0113 expects two consumers that subscribe one after the other to land in the same first generation).
 */
const commonOverrides = { 'group.initial.rebalance.delay.ms': '3000' };

export interface SuiteRunOptions {
  target: Target;
  /** Tests to run; every broker-facing variant of their numbers runs (and is reported) with them. */
  tests: SuiteTest[];
  /** Broker version the suite assumes (TEST_KAFKA_VERSION): version-gated tests follow it. */
  brokerVersion: string;
  /** test-runner processes at a time. */
  jobs: number;
  /** Wall-clock limit of one test-runner process. */
  processTimeoutMs: number;
  /** Multiplies the suite's own per-test timeouts (test.timeout.multiplier). */
  timeoutMultiplier: number;
  /** Keeps each process's output as <logDir>/<scenario>-<number>.log. */
  logDir?: string;
  onResult?: (result: TestResult) => void;
}

export interface SuiteRunReport {
  results: TestResult[];
  seconds: number;
}

interface Job {
  scenario: string;
  number: string;
  expected: string[];
}

/** One job per (scenario, number): the first supported scenario of each test decides where it runs. */
function planJobs(tests: SuiteTest[], all: SuiteTest[], brokerVersion: string): Job[] {
  const facing = brokerFacing(all, parseBrokerVersion(brokerVersion));
  const jobs = new Map<string, Job>();
  for (const test of tests) {
    const scenario = scenarioOf(test);
    const key = `${scenario}/${test.number}`;
    if (jobs.has(key)) continue;
    const expected = facing.filter((t) => t.number === test.number && scenarioOf(t) === scenario);
    jobs.set(key, { scenario, number: test.number, expected: expected.map((t) => t.name) });
  }
  return [...jobs.values()];
}

function scenarioOf(test: SuiteTest): string {
  const scenario = test.scenarios.find((name) => name in scenarioOverrides);
  if (!scenario) throw new Error(`${test.name} needs scenario ${test.scenarios.join('|')}, not set up here`);
  return scenario;
}

export async function runSuite(suite: SuiteBuild, options: SuiteRunOptions): Promise<SuiteRunReport> {
  const started = performance.now();
  const jobs = planJobs(options.tests, suite.tests, options.brokerVersion);
  const workDir = await mkdtemp(join(tmpdir(), 'nagare-librdkafka-'));
  const brokers = new Map<string, RunningBroker>();
  try {
    const kafkaPath = await kafkaToolsDir(workDir);
    await symlink(join(suite.dir, 'src'), join(workDir, 'src'));
    for (const scenario of new Set(jobs.map((job) => job.scenario))) {
      const overrides = { ...commonOverrides, ...scenarioOverrides[scenario] };
      const broker = await options.target.start({ overrides });
      brokers.set(scenario, broker);
      await prepareScenarioDir(suite, join(workDir, scenario), broker.bootstrap, options.timeoutMultiplier);
    }
    if (options.logDir) await mkdir(options.logDir, { recursive: true });
    const results: TestResult[] = [];
    await runPool(jobs, options.jobs, async (job) => {
      const cwd = join(workDir, job.scenario);
      const logPath = join(options.logDir ?? cwd, `${job.scenario}-${job.number}.log`);
      const bootstrap = brokers.get(job.scenario)!.bootstrap;
      const ending = await runTestRunner(suite, job, { cwd, logPath, bootstrap, kafkaPath, options });
      const output = await readFile(logPath, 'utf8');
      for (const result of resultsOfRun(job.expected, output, ending)) {
        results.push(result);
        options.onResult?.(result);
      }
    });
    return { results, seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const broker of brokers.values()) await broker.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

async function runPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

/**
 * A scenario's working dir, laid out like the suite's tests dir: test.conf naming the scenario's broker,
 * the plugin and fixtures beside it, and ../src (the statistics JSON schema).
 */
async function prepareScenarioDir(
  suite: SuiteBuild,
  dir: string,
  bootstrap: string,
  timeoutMultiplier: number,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'test.conf'),
    `bootstrap.servers=${bootstrap}\ntest.timeout.multiplier=${timeoutMultiplier}\n`,
  );
  for (const entry of ['interceptor_test', 'fixtures']) {
    await symlink(join(suite.testsDir, entry), join(dir, entry));
  }
}

/**
 * A few tests call Kafka's command-line tools from $KAFKA_PATH/bin (kafka-topics.sh to create a topic
 * with configs or add partitions, kafka-acls.sh). They are served by Apache Kafka's own tool classes
 * from the fetched jars, when those are there; without them such tests fail, as without Kafka.
 */
async function kafkaToolsDir(workDir: string): Promise<string | undefined> {
  const libs = apacheKafkaLibs();
  if (!libs) return undefined;
  const bin = join(workDir, 'kafka', 'bin');
  await mkdir(bin, { recursive: true });
  const tools: Record<string, string> = {
    'kafka-topics.sh': 'org.apache.kafka.tools.TopicCommand',
    'kafka-acls.sh': 'org.apache.kafka.tools.AclCommand',
    'kafka-configs.sh': 'kafka.admin.ConfigCommand',
    'kafka-run-class.sh': '',
  };
  const java = `exec java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '${join(libs, '*')}'`;
  for (const [name, mainClass] of Object.entries(tools)) {
    await writeFile(join(bin, name), `#!/bin/sh\n${java} ${mainClass} "$@"\n`, { mode: 0o755 });
  }
  return join(workDir, 'kafka');
}

interface ProcessContext {
  cwd: string;
  logPath: string;
  bootstrap: string;
  kafkaPath: string | undefined;
  options: SuiteRunOptions;
}

/** Runs one test number; resolves to why the process ended when that was not a normal exit. */
function runTestRunner(suite: SuiteBuild, job: Job, context: ProcessContext): Promise<string> {
  const { options } = context;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TESTS: job.number,
    TEST_KAFKA_VERSION: options.brokerVersion,
    RDKAFKA_TEST_CONF: join(context.cwd, 'test.conf'),
    LD_LIBRARY_PATH: suite.libDir,
    BROKERS: context.bootstrap,
    ...(context.kafkaPath ? { KAFKA_PATH: context.kafkaPath } : {}),
  };
  // Under CI=true test-runner changes its own timeouts and parallelism; the run is the same everywhere.
  delete env.CI;
  const logFd = openSync(context.logPath, 'w');
  const child = spawn(suite.testRunner, ['-L', '-p1', '-s', job.scenario], {
    cwd: context.cwd,
    env,
    stdio: ['ignore', logFd, logFd],
    // Its own process group: a timeout also ends the Kafka tools a test may have started.
    detached: true,
  });
  closeSync(logFd);
  if (child.pid !== undefined) liveRunners.add(child.pid);
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.processTimeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve(`test-runner failed to start: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (child.pid !== undefined) liveRunners.delete(child.pid);
      if (timedOut) resolve(`killed after ${options.processTimeoutMs / 1000} s`);
      else if (signal) resolve(`test-runner died of ${signal}`);
      else resolve(`test-runner exited with code ${code} without a summary`);
    });
  });
}

/** Process groups of running test-runners: none may outlive this process, however it ends. */
const liveRunners = new Set<number>();
process.on('exit', () => {
  for (const pid of liveRunners) killGroup(pid);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const pid of liveRunners) killGroup(pid);
    process.kill(process.pid, signal);
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * How CI and run.ts run the suite. The broker version is Apache Kafka's from scripts/ci/kafka-pom.xml:
 * Nagare answers as Kafka 4.x does, and the reference run uses that very Kafka.
 */
export function defaultRunSettings(): Omit<SuiteRunOptions, 'target' | 'tests'> {
  return {
    brokerVersion: apacheKafkaVersion(),
    jobs: Number(process.env.LIBRDKAFKA_SUITE_JOBS) || 4,
    processTimeoutMs: 720_000,
    timeoutMultiplier: 2,
  };
}

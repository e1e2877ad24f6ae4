// The brokers a benchmark compares, each as its own OS process so that its CPU time and memory can be
// read from /proc: Nagare through its CLI, Apache Kafka through the test suite's launcher.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApacheKafka } from '../../test/support/apache-kafka.ts';
import { waitForBroker } from '../../test/support/broker-ready.ts';
import { freePorts } from '../../test/support/free-ports.ts';

export interface BenchBroker {
  /** Row label in the tables, e.g. `Nagare` or `Kafka`. */
  label: string;
  bootstrap: string;
  port: number;
  /** The broker's OS process (the node process, or the JVM with all its threads). */
  pid: number;
  /** Where its partition logs live: the disk limit is measured on the same filesystem. */
  dataDir: string;
  stop(): Promise<void>;
}

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Node 24 from node_modules: the system node may be older. */
export const nodeBinary = join(repoRoot, 'node_modules', '.bin', 'node');
const cliPath = join(repoRoot, 'src', 'cli', 'main.ts');

/** What bin/kafka-server-start.sh and kafka-run-class.sh give a broker by default: the setup users run. */
export const kafkaStartScriptJvmArgs = [
  '-Xmx1G',
  '-Xms1G',
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
];

/** Nagare's durable mode: fsync before acknowledging (with group commit). */
export const nagareDurableOverrides = { 'nagare.log.fsync.on.append': 'true' };

export interface NagareProcessOptions {
  label?: string;
  overrides?: Record<string, string>;
  /** Flags for node itself, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** An existing data dir to reuse (restarts); by default a fresh temp dir, removed by stop(). */
  dataDir?: string;
  /** Resolve as soon as the process is spawned instead of waiting for it to answer Metadata. */
  noWait?: boolean;
}

export interface NagareProcess extends BenchBroker {
  /** Ends the process (SIGTERM, so that it can flush and write a --cpu-prof profile) but keeps the data. */
  terminate(): Promise<void>;
  child: ChildProcess;
  /** performance.now() just before the spawn: where a startup time starts. */
  spawnedAt: number;
}

/** The Nagare CLI; absent while it is being written. */
export function nagareCliPath(): string {
  return cliPath;
}

export async function startNagareProcess(options: NagareProcessOptions = {}): Promise<NagareProcess> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'nagare-bench-')));
  const runDir = await mkdtemp(join(tmpdir(), 'nagare-bench-run-'));
  const logPath = join(runDir, 'broker.log');
  const [port] = await freePorts(1);
  const overrides = { listeners: `PLAINTEXT://127.0.0.1:${port}`, 'log.dirs': dataDir, ...options.overrides };
  const args = [...(options.nodeArgs ?? []), cliPath, 'broker'];
  for (const [key, value] of Object.entries(overrides)) args.push('--override', `${key}=${value}`);
  const logFd = openSync(logPath, 'a');
  const spawnedAt = performance.now();
  const child = spawn(nodeBinary, args, { cwd: runDir, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const exited = exitOf(child);
  let exitReason: string | undefined;
  exited.then((reason) => {
    exitReason = reason;
  });
  const bootstrap = `127.0.0.1:${port}`;
  const terminate = async () => {
    if (exitReason === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const broker: NagareProcess = {
    label: options.label ?? 'Nagare',
    bootstrap,
    port,
    pid: child.pid ?? -1,
    dataDir,
    child,
    spawnedAt,
    terminate,
    async stop() {
      await terminate();
      await rm(runDir, { recursive: true, force: true });
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  if (options.noWait) return broker;
  try {
    await waitForBroker(bootstrap, { timeoutMs: 60_000, abortReason: () => exitReason });
  } catch (error) {
    const log = await readFile(logPath, 'utf8').catch(() => '');
    await broker.stop();
    throw new Error(`Nagare did not start: ${(error as Error).message}\n${log.slice(-3000)}`);
  }
  return broker;
}

function exitOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(`exited (code ${code}, signal ${signal})`));
    child.once('error', (error) => resolve(`failed: ${error.message}`));
  });
}

export async function startKafkaProcess(
  options: { label?: string; overrides?: Record<string, string> } = {},
): Promise<BenchBroker> {
  const kafka = await startApacheKafka({ jvmArgs: kafkaStartScriptJvmArgs, overrides: options.overrides });
  return { label: options.label ?? 'Kafka', ...kafka, pid: findKafkaPid(kafka.dataDir) };
}

/**
 * The launcher does not hand out the JVM's pid; the JVM is the one process whose command line runs
 * kafka.Kafka with the server.properties inside this broker's data dir.
 */
export function findKafkaPid(dataDir: string): number {
  const propertiesPath = join(dataDir, 'server.properties');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv.includes('kafka.Kafka') && argv.includes(propertiesPath)) return Number(entry);
  }
  throw new Error(`no kafka.Kafka process for ${propertiesPath}`);
}

import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitForBroker } from './broker-ready.ts';
import { freePorts } from './free-ports.ts';

/** A running broker as tests see it; Nagare's test helper returns the same shape. */
export interface RunningBroker {
  bootstrap: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface StartApacheKafkaOptions {
  /** Broker properties applied over the test defaults. */
  overrides?: Record<string, string>;
  /** JVM flags replacing the small-and-quick test defaults (benchmarks want C2 and a bigger heap). */
  jvmArgs?: string[];
  /** How long to wait for the broker to answer Metadata. */
  startTimeoutMs?: number;
}

const repoRoot = new URL('../../', import.meta.url);
const pomPath = new URL('scripts/ci/kafka-pom.xml', repoRoot);

/** Quick to start and small: tests run a few brokers on a 2-core machine. */
export const testJvmArgs = ['-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

/** The Kafka version scripts/ci/fetch-kafka.sh fetches (one source of truth: the pom). */
export function apacheKafkaVersion(): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(pomPath, 'utf8'));
  if (!match) throw new Error('scripts/ci/kafka-pom.xml has no <kafka.version>');
  return match[1];
}

/** Cache root shared with the scripts in scripts/ci. */
export function nagareCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nagare');
}

/** The directory of Kafka's jars, or undefined when scripts/ci/fetch-kafka.sh has not run. */
export function apacheKafkaLibs(): string | undefined {
  const libs = join(nagareCacheDir(), `kafka-${apacheKafkaVersion()}`, 'libs');
  return existsSync(libs) ? libs : undefined;
}

/** Classpath wildcard for `java -cp`: every jar of the fetched Kafka. */
export function apacheKafkaClasspath(): string {
  const libs = apacheKafkaLibs();
  if (!libs) throw new Error('Apache Kafka is not fetched: run `bash scripts/ci/fetch-kafka.sh`');
  return join(libs, '*');
}

/**
 * Starts a single-node Apache Kafka in KRaft combined mode (broker + controller) on free loopback
 * ports with its data in a fresh temp dir. Resolves once it answers Metadata.
 */
export async function startApacheKafka(options: StartApacheKafkaOptions = {}): Promise<RunningBroker> {
  const classpath = apacheKafkaClasspath();
  const jvmArgs = options.jvmArgs ?? testJvmArgs;
  const dataDir = await mkdtemp(join(tmpdir(), 'nagare-apache-kafka-'));
  const logPath = join(dataDir, 'kafka.log');
  try {
    const [port, controllerPort] = await freePorts(2);
    const propertiesPath = join(dataDir, 'server.properties');
    const properties = { ...brokerDefaults(dataDir, port, controllerPort), ...options.overrides };
    await writeFile(propertiesPath, formatProperties(properties));
    const log4jPath = join(dataDir, 'log4j2.properties');
    await writeFile(log4jPath, log4jConfig);
    const sharing = classDataSharing(jvmArgs, port);
    const java = [...jvmArgs, ...sharing.use, `-Dlog4j2.configurationFile=${log4jPath}`, '-cp', classpath];

    await formatStorage(java, propertiesPath, logPath);
    const broker = launchBroker([...sharing.record, ...java], propertiesPath, logPath, dataDir);
    const bootstrap = `127.0.0.1:${port}`;
    try {
      await waitForBroker(bootstrap, {
        timeoutMs: options.startTimeoutMs ?? 60_000,
        abortReason: () => broker.exitReason(),
      });
    } catch (error) {
      await broker.kill();
      throw error;
    }
    return {
      bootstrap,
      port,
      dataDir,
      async stop() {
        if (sharing.record.length > 0) {
          // The archive is written at a clean exit only: pay for one graceful shutdown, once.
          await broker.terminate(30_000);
          await sharing.keep();
        } else {
          await broker.kill();
        }
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    const tail = await logTail(logPath);
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(
      `Apache Kafka did not start: ${(error as Error).message}\n--- kafka log tail ---\n${tail}`,
    );
  }
}

/**
 * Class-data sharing: the first JVM run with given JVM flags records the classes it loaded into an
 * archive in the Kafka cache; later JVMs map that archive instead of loading the same classes again,
 * which cuts Kafka's start by about 40% here. The JVM ignores an archive that no longer matches.
 * `unique` keeps concurrent first runs apart (a port, a process-wide counter).
 */
export function classDataSharing(jvmArgs: string[], unique: number) {
  const key = createHash('sha256').update(jvmArgs.join('\0')).digest('hex').slice(0, 12);
  const archive = join(nagareCacheDir(), `kafka-${apacheKafkaVersion()}`, `cds-${key}.jsa`);
  if (existsSync(archive))
    return { use: [`-XX:SharedArchiveFile=${archive}`], record: [], keep: async () => {} };
  // Written under a name of its own, then renamed: concurrent first runs cannot mix their archives.
  const recording = `${archive}.${process.pid}-${unique}.tmp`;
  return {
    use: [],
    record: [`-XX:ArchiveClassesAtExit=${recording}`],
    keep: () => rename(recording, archive).catch(() => rm(recording, { force: true })),
  };
}

function brokerDefaults(dataDir: string, port: number, controllerPort: number): Record<string, string> {
  return {
    'process.roles': 'broker,controller',
    'node.id': '1',
    // Kafka 4 dynamic quorum: the storage is formatted with --standalone, so no static voters.
    'controller.quorum.bootstrap.servers': `127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': join(dataDir, 'data'),
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
  };
}

/** INFO to stdout (which goes to the log file); the controller's chatter at WARN. */
const log4jConfig = `status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
logger.controller.name = org.apache.kafka.controller
logger.controller.level = warn
`;

function formatProperties(properties: Record<string, string>): string {
  return `${Object.entries(properties)
    .map(([key, value]) => `${key}=${value.replaceAll('\\', '\\\\')}`)
    .join('\n')}\n`;
}

/** Kafka's own StorageTool writes meta.properties and the bootstrap metadata for a new cluster. */
async function formatStorage(java: string[], propertiesPath: string, logPath: string): Promise<void> {
  const clusterId = newClusterId();
  const args = [...java, 'kafka.tools.StorageTool', 'format'];
  args.push('--cluster-id', clusterId, '--config', propertiesPath, '--standalone');
  try {
    const { stdout, stderr } = await promisify(execFile)('java', args);
    await writeFile(logPath, `${stdout}${stderr}`);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    await writeFile(logPath, `${stdout}${stderr}`);
    throw new Error('kafka.tools.StorageTool format failed');
  }
}

/**
 * A random Kafka Uuid as text (16 bytes, base64url). Like Kafka's own Uuid.randomUuid(), never one
 * starting with '-', which the command line would take for an option.
 */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

interface BrokerProcess {
  /** Why the process is gone, or undefined while it runs. */
  exitReason(): string | undefined;
  kill(): Promise<void>;
  /** Asks for a clean shutdown (SIGTERM); kills it if that takes longer than the timeout. */
  terminate(timeoutMs: number): Promise<void>;
}

/** Process group id → data dir of every broker started and not yet stopped. */
const liveBrokers = new Map<number, string>();
// Brokers run in their own process group (so stop() reaches every JVM thread and child); this makes
// sure none outlives a test process that ends (or is interrupted) without calling stop().
function killLiveBrokers(): void {
  for (const [pid, dataDir] of liveBrokers) {
    killGroup(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}
process.on('exit', killLiveBrokers);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killLiveBrokers();
    // Die of the same signal, as without this handler.
    process.kill(process.pid, signal);
  });
}

function launchBroker(
  java: string[],
  propertiesPath: string,
  logPath: string,
  dataDir: string,
): BrokerProcess {
  const logFd = openSync(logPath, 'a');
  const child = spawn('java', [...java, 'kafka.Kafka', propertiesPath], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  let exitReason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitReason = `process exited (code ${code}, signal ${signal})`;
      resolve();
    });
    child.once('error', (error) => {
      exitReason = `process failed: ${error.message}`;
      resolve();
    });
  });
  const pid = child.pid;
  if (pid !== undefined) liveBrokers.set(pid, dataDir);
  const stopWith = async (signal: NodeJS.Signals, timeoutMs: number) => {
    if (pid === undefined) return;
    if (exitReason === undefined) killGroup(pid, signal);
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
    liveBrokers.delete(pid);
  };
  return {
    exitReason: () => exitReason,
    // SIGKILL: the data dir is thrown away, so a clean controlled shutdown would only cost seconds.
    kill: () => stopWith('SIGKILL', 0),
    terminate: (timeoutMs) => stopWith('SIGTERM', timeoutMs),
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

async function logTail(logPath: string, lines = 60): Promise<string> {
  try {
    return (await readFile(logPath, 'utf8')).split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

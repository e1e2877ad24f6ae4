// Kafka's Java clients as load generators: the perf tools in the kafka-tools jar and the small programs
// in bench/java, compiled once per benchmark run into a temp dir against the fetched Kafka jars.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { apacheKafkaClasspath } from '../../test/support/apache-kafka.ts';
import { repoRoot } from './brokers.ts';
import { cpuSeconds, machineBusySeconds, reapedChildrenCpuSeconds } from './proc-stats.ts';

/** What kafka-producer-perf-test.sh and kafka-run-class.sh give a client JVM. */
const clientJvmArgs = ['-Xmx512M', '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20'];

export interface ClientRun {
  stdout: string;
  /** From spawn to exit, JVM start included. */
  wallSeconds: number;
  /** CPU of the client JVM (all threads). */
  clientCpuSeconds: number;
  /** CPU the broker process used while the client ran. */
  brokerCpuSeconds: number;
  /** CPU every other process on the machine used meanwhile (other work on a shared machine). */
  otherCpuSeconds: number;
}

let benchClassesDir: string | undefined;

/** The classpath holding the bench/java programs, compiled on first use and removed when the run ends. */
function benchClasses(): string {
  if (benchClassesDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'nagare-bench-java-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const sourceDir = join(repoRoot, 'bench', 'java');
    const sources = readdirSync(sourceDir)
      .filter((name) => name.endsWith('.java'))
      .map((name) => join(sourceDir, name));
    execFileSync('javac', ['-d', dir, '-cp', apacheKafkaClasspath(), ...sources], { stdio: 'inherit' });
    benchClassesDir = dir;
  }
  return benchClassesDir;
}

/** A main class: from the Kafka jars (`org.apache.kafka.tools.…`) or one of bench/java's programs. */
export interface JavaMain {
  className: string;
  fromBench: boolean;
}

export function kafkaTool(className: string): JavaMain {
  return { className, fromBench: false };
}

export function benchProgram(className: 'AssignConsumerPerf' | 'PacedProducerLatency'): JavaMain {
  return { className, fromBench: true };
}

/** Runs a Java client to its end and measures its CPU, the broker's and the rest of the machine's. */
export async function runJavaClient(main: JavaMain, args: string[], brokerPid: number): Promise<ClientRun> {
  const classpath = main.fromBench
    ? `${benchClasses()}${delimiter}${apacheKafkaClasspath()}`
    : apacheKafkaClasspath();
  const brokerCpuBefore = cpuSeconds(brokerPid);
  const clientCpuBefore = reapedChildrenCpuSeconds();
  const machineBefore = machineBusySeconds();
  const started = performance.now();
  const javaArgs = [...clientJvmArgs, '-cp', classpath, main.className, ...args];
  const child = spawn('java', javaArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const brokerCpuSeconds = cpuSeconds(brokerPid) - brokerCpuBefore;
  const clientCpuSeconds = reapedChildrenCpuSeconds() - clientCpuBefore;
  const otherCpuSeconds = Math.max(
    0,
    machineBusySeconds() - machineBefore - brokerCpuSeconds - clientCpuSeconds,
  );
  if (code !== 0) {
    throw new Error(
      `java ${main.className} exited with ${code}\n${stdout.slice(-2000)}\n${stderr.slice(-3000)}`,
    );
  }
  return { stdout, wallSeconds, clientCpuSeconds, brokerCpuSeconds, otherCpuSeconds };
}

/** The last line of a program's output that is a JSON object. */
export function lastJsonLine(stdout: string): Record<string, unknown> {
  const line = stdout
    .split('\n')
    .reverse()
    .find((text) => text.startsWith('{'));
  if (!line) throw new Error(`no JSON line in output:\n${stdout.slice(-2000)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

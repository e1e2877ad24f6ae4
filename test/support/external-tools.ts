import { spawnSync } from 'node:child_process';
import { apacheKafkaLibs } from './apache-kafka.ts';

/**
 * Detection of the tools real-client tests need. Each check returns why a test cannot run (a skip
 * reason naming the install command) or undefined when the tool is there. Wrap the result in
 * requireInCI() so that CI, which installs everything, fails instead of skipping.
 */

const installAll = 'run `bash .ci/run` once (as root) to install every test tool';

/** The Debian interpreter: python3-kafka and python3-confluent-kafka install for it, not for pyenv's. */
export const systemPython = '/usr/bin/python3';

export function kcatMissing(): string | undefined {
  return runs('kcat', ['-V']) ? undefined : `kcat not found: apt-get install -y kcat, or ${installAll}`;
}

export function opensslMissing(): string | undefined {
  return runs('openssl', ['version'])
    ? undefined
    : `openssl not found: apt-get install -y openssl, or ${installAll}`;
}

export function javaMissing(): string | undefined {
  if (runs('java', ['-version']) && runs('javac', ['-version'])) return undefined;
  return `java/javac not found: apt-get install -y openjdk-17-jdk-headless, or ${installAll}`;
}

export function apacheKafkaMissing(): string | undefined {
  const java = javaMissing();
  if (java) return java;
  if (apacheKafkaLibs()) return undefined;
  return `Apache Kafka jars not fetched: bash scripts/ci/fetch-kafka.sh, or ${installAll}`;
}

/** kafka-python (`kafka`) and confluent-kafka (`confluent_kafka`) importable by /usr/bin/python3. */
export function pythonKafkaClientsMissing(): string | undefined {
  return pythonModulesMissing(['kafka', 'confluent_kafka']);
}

export function pythonModulesMissing(modules: string[]): string | undefined {
  const missing = modules.filter((module) => !runs(systemPython, ['-c', `import ${module}`]));
  if (missing.length === 0) return undefined;
  const packages = missing.map((module) => `python3-${module.replaceAll('_', '-')}`).join(' ');
  return `${systemPython} cannot import ${missing.join(', ')}: apt-get install -y ${packages}, or ${installAll}`;
}

/**
 * Turns a skip reason into node:test's `skip` option, except in CI (CI=true): CI must skip nothing,
 * so a missing tool there throws, failing the suite or file that asked for it.
 */
export function requireInCI(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  if (process.env.CI === 'true') throw new Error(`CI=true and a test tool is missing: ${reason}`);
  return reason;
}

const probed = new Map<string, boolean>();

function runs(command: string, args: string[]): boolean {
  const key = [command, ...args].join(' ');
  let ok = probed.get(key);
  if (ok === undefined) {
    ok = spawnSync(command, args, { stdio: 'ignore', timeout: 30_000 }).status === 0;
    probed.set(key, ok);
  }
  return ok;
}

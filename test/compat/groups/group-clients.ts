// The clients the group scenario runs, each as a driver: the command line of one group member and how
// its output reads. Every driver subscribes one member to one topic with auto-commit, starts from the
// earliest offset when the group has no commit, and closes cleanly (commit, leave) on SIGTERM.
import { execFile } from 'node:child_process';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { apacheKafkaClasspath } from '../../support/apache-kafka.ts';
import {
  apacheKafkaMissing,
  kcatMissing,
  pythonModulesMissing,
  systemPython,
} from '../../support/external-tools.ts';
import { parseEventLine, parseKcatStderr, parseKcatStdout } from './member-events.ts';
import type { MemberCommand } from './member-process.ts';

export interface MemberOptions {
  bootstrap: string;
  group: string;
  topic: string;
  clientId: string;
  /** Asked by classic members; KIP-848 members get the broker's group.consumer.session.timeout.ms. */
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  autoCommitIntervalMs: number;
}

export interface GroupClient {
  /** Shown in test names. */
  name: string;
  /** The group protocol its members speak: `consumer` is KIP-848's ConsumerGroupHeartbeat. */
  protocol: 'classic' | 'consumer';
  /**
   * Why the client may deliver records again, or go back to an earlier offset, after a rebalance in
   * which no member crashed; undefined for clients that must not.
   */
  redeliversAfterRebalance?: string;
  /** Why it cannot run on this machine, or undefined. */
  missing(): string | undefined;
  command(options: MemberOptions): Promise<MemberCommand>;
}

export const driversDir = fileURLToPath(new URL('./drivers/', import.meta.url));
const run = promisify(execFile);

/** Only our own drivers' JSON lines are events; the client libraries may log on either stream. */
const driverOutput = (line: string, stream: 'stdout' | 'stderr') =>
  stream === 'stdout' ? parseEventLine(line) : undefined;

/** The command-line options every driver in drivers/ takes. */
export function driverArgs(options: MemberOptions): string[] {
  return [
    ...['--bootstrap', options.bootstrap, '--group', options.group, '--topic', options.topic],
    ...['--client-id', options.clientId],
    ...['--session-timeout-ms', String(options.sessionTimeoutMs)],
    ...['--heartbeat-interval-ms', String(options.heartbeatIntervalMs)],
    ...['--auto-commit-interval-ms', String(options.autoCommitIntervalMs)],
  ];
}

/** kcat -G commits only when it closes: all that a killed kcat read comes again. */
export const kcat: GroupClient = {
  name: 'kcat -G',
  protocol: 'classic',
  missing: kcatMissing,
  async command(options) {
    const properties = {
      'client.id': options.clientId,
      'session.timeout.ms': options.sessionTimeoutMs,
      'heartbeat.interval.ms': options.heartbeatIntervalMs,
      'auto.commit.interval.ms': options.autoCommitIntervalMs,
      'auto.offset.reset': 'earliest',
    };
    const args = ['-b', options.bootstrap, '-G', options.group, '-J', '-u'];
    for (const [name, value] of Object.entries(properties)) args.push('-X', `${name}=${value}`);
    args.push(options.topic);
    return {
      file: 'kcat',
      args,
      parse: (line, stream) => (stream === 'stdout' ? parseKcatStdout(line) : parseKcatStderr(line)),
      closeShows: 'exit-0',
    };
  },
};

function pythonClient(name: string, module: string, script: string): GroupClient {
  return {
    name,
    protocol: 'classic',
    missing: () => pythonModulesMissing([module]),
    async command(options) {
      // -B: no __pycache__ in the repository.
      const args = ['-B', `${driversDir}${script}`, ...driverArgs(options)];
      return { file: systemPython, args, parse: driverOutput, closeShows: 'closed-event' };
    },
  };
}

export const confluentKafka = pythonClient('confluent-kafka', 'confluent_kafka', 'confluent_kafka_member.py');
export const kafkaPython = pythonClient('kafka-python', 'kafka', 'kafka_python_member.py');

function nodeClient(name: string, script: string, redeliversAfterRebalance?: string): GroupClient {
  return {
    name,
    redeliversAfterRebalance,
    protocol: 'classic',
    missing: () => undefined,
    async command(options) {
      const args = [`${driversDir}${script}`, ...driverArgs(options)];
      return { file: process.execPath, args, parse: driverOutput, closeShows: 'closed-event' };
    },
  };
}

export const kafkajs = nodeClient('kafkajs', 'kafkajs-member.ts');
export const platformatic = nodeClient(
  '@platformatic/kafka',
  'platformatic-member.ts',
  'its commits are not settled before it rejoins an (eager) rebalance, and after one its stream still hands out records fetched before, then reads again from the committed offset',
);

const compileScript = fileURLToPath(new URL('../../../scripts/ci/compile-java-compat.sh', import.meta.url));
let javaClasses: Promise<string> | undefined;

/**
 * The classpath of test/compat/java's programs and the Kafka clients, compiled once per process (the
 * script caches the classes by source hash). The group benchmark runs GroupMembers from it too.
 */
export async function javaCompatClasspath(): Promise<string> {
  javaClasses ??= run('bash', [compileScript]).then(({ stdout }) => stdout.trim().split('\n').at(-1)!);
  return `${await javaClasses}${delimiter}${apacheKafkaClasspath()}`;
}

/** Small and quick to start: three member JVMs share the machine with the broker. */
const memberJvmArgs = ['-Xmx128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

/** The Java client; `assignor` replaces the classic protocol's default (range, eager). */
function javaClient(
  protocol: 'classic' | 'consumer',
  assignor?: { name: string; className: string },
): GroupClient {
  return {
    name: `Java consumer group.protocol=${protocol}${assignor ? ` ${assignor.name}` : ''}`,
    protocol,
    missing: apacheKafkaMissing,
    async command(options) {
      const args = [...memberJvmArgs, '-cp', await javaCompatClasspath(), 'GroupMembers'];
      args.push('--bootstrap', options.bootstrap, '--group', options.group, '--topic', options.topic);
      args.push('--protocol', protocol, `client.id=${options.clientId}`);
      args.push(`auto.commit.interval.ms=${options.autoCommitIntervalMs}`);
      // KIP-848 moved both timings to the broker; the client refuses them.
      if (protocol === 'classic') {
        args.push(`session.timeout.ms=${options.sessionTimeoutMs}`);
        args.push(`heartbeat.interval.ms=${options.heartbeatIntervalMs}`);
      }
      if (assignor) args.push(`partition.assignment.strategy=${assignor.className}`);
      return { file: 'java', args, parse: driverOutput, closeShows: 'closed-event' };
    },
  };
}

export const javaClassic = javaClient('classic');
/** Incremental (cooperative) rebalancing of the classic protocol: members keep what they keep. */
export const javaCooperative = javaClient('classic', {
  name: 'cooperative-sticky',
  className: 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor',
});
export const javaConsumer = javaClient('consumer');

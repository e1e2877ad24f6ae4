// Apache Kafka's own command-line tools (kafka-topics, kafka-configs, …) run from the jars that
// scripts/ci/fetch-kafka.sh fetches: each invocation is `java -cp <libs>/* <main class> --bootstrap-server
// <broker> <args>`, as the shell scripts of a Kafka distribution do. A JVM start costs about a second of
// CPU, so invocations share a class-data archive and at most a few run at once.
import { execFile } from 'node:child_process';
import { apacheKafkaClasspath, classDataSharing } from './apache-kafka.ts';

/** The main class behind each kafka-*.sh script of Kafka 4.3. */
export const KAFKA_TOOLS = {
  'kafka-topics': 'org.apache.kafka.tools.TopicCommand',
  'kafka-configs': 'kafka.admin.ConfigCommand',
  'kafka-consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  'kafka-share-groups': 'org.apache.kafka.tools.consumer.group.ShareGroupCommand',
  'kafka-delete-records': 'org.apache.kafka.tools.DeleteRecordsCommand',
  'kafka-log-dirs': 'org.apache.kafka.tools.LogDirsCommand',
  'kafka-get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
  'kafka-broker-api-versions': 'org.apache.kafka.tools.BrokerApiVersionsCommand',
  'kafka-leader-election': 'org.apache.kafka.tools.LeaderElectionCommand',
  'kafka-reassign-partitions': 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand',
  'kafka-acls': 'org.apache.kafka.tools.AclCommand',
  'kafka-transactions': 'org.apache.kafka.tools.TransactionsCommand',
} as const;

export type KafkaTool = keyof typeof KAFKA_TOOLS;

export interface ToolResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Small and quick: tools do little work, and a test runs many of them. */
const toolJvmArgs = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss1m'];
/** The JVM's own notes (class-data sharing warnings) would mix with what the tool prints. */
const quietJvm = ['-Xlog:disable', '-Xlog:all=error:stderr'];
const TIMEOUT_MS = 120_000;
/** JVMs at once: more only makes each start slower on a small machine. */
const MAX_RUNNING = 3;

let running = 0;
const queue: (() => void)[] = [];
let invocations = 0;

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    queue.shift()?.();
  }
}

/**
 * Runs a tool against a broker and returns what it printed and its exit code (a non-zero exit is a
 * result, not an error). Throws only when the JVM cannot run or the tool hangs.
 */
export function runKafkaTool(
  tool: KafkaTool,
  bootstrap: string,
  args: readonly string[],
): Promise<ToolResult> {
  return slot(async () => {
    const sharing = classDataSharing(toolJvmArgs, ++invocations);
    const argv = [
      ...toolJvmArgs,
      ...quietJvm,
      ...sharing.use,
      ...sharing.record,
      '-cp',
      apacheKafkaClasspath(),
      KAFKA_TOOLS[tool],
      '--bootstrap-server',
      bootstrap,
      ...args,
    ];
    const result = await new Promise<ToolResult>((resolve, reject) => {
      execFile(
        'java',
        argv,
        { timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== 'number') {
            reject(new Error(`${tool} ${args.join(' ')} did not complete: ${error.message}\n${stderr}`));
            return;
          }
          resolve({ exitCode: error ? (error.code as number) : 0, stdout, stderr });
        },
      );
    });
    await sharing.keep();
    return result;
  });
}

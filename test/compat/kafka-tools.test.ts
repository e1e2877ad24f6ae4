import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import {
  Admin,
  Consumer,
  MessagesStreamModes,
  Producer,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import { describeDifferential } from '../support/differential-suite.ts';
import { type KafkaTool, runKafkaTool } from '../support/kafka-tools.ts';
import { compareOn, type RunningBroker } from '../support/targets.ts';

// Apache Kafka's own command-line tools, run from the Kafka 4.3 jars against Apache Kafka and against
// the broker under test: each scenario runs the same commands on both, and what the tools print (stdout,
// stderr, exit code) must be equal once the values that legitimately differ are normalised: ports, topic
// ids, log directories, timestamps of log lines, member and producer ids. Assertions on the reference's
// output keep a Kafka-vs-Kafka run (NAGARE_TEST_SUBJECT=apache-kafka) from passing vacuously.

/** Static configs of the Kafka test harness that Nagare also knows, given to both so that they agree. */
const HARNESS_CONFIGS = {
  'node.id': '1',
  'process.roles': 'broker,controller',
  'controller.listener.names': 'CONTROLLER',
  'inter.broker.listener.name': 'PLAINTEXT',
  'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
  'offsets.topic.replication.factor': '1',
  'offsets.topic.num.partitions': '1',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  'transaction.state.log.num.partitions': '1',
  'share.coordinator.state.topic.replication.factor': '1',
  'share.coordinator.state.topic.min.isr': '1',
  'group.initial.rebalance.delay.ms': '0',
};

/** One CreateTime base for both brokers, an hour back (within Kafka's default timestamp bounds). */
const T0 = Date.now() - 3_600_000;

/** What one tool invocation printed, normalised. */
interface Observed {
  command: string;
  exitCode: number;
  stdout: string[];
  stderr: string[];
}

/** The tool invocations of one scenario on one broker, with files for the tools and the broker's clients. */
class ToolSession {
  readonly outputs: Observed[] = [];
  readonly broker: RunningBroker;
  readonly dir: string;
  readonly extraNormalisers: ((text: string) => string)[] = [];

  constructor(broker: RunningBroker, dir: string) {
    this.broker = broker;
    this.dir = dir;
  }

  /** Runs a tool; its output takes its place among the outputs in call order, even when run concurrently. */
  run(tool: KafkaTool, ...args: string[]): Promise<Observed> {
    return this.runTool(tool, args, false);
  }

  /** Like run, for a tool that prints its results in no particular order: its stdout lines are sorted. */
  runUnordered(tool: KafkaTool, ...args: string[]): Promise<Observed> {
    return this.runTool(tool, args, true);
  }

  private async runTool(tool: KafkaTool, args: string[], unordered: boolean): Promise<Observed> {
    const observed: Observed = { command: [tool, ...args].join(' '), exitCode: -1, stdout: [], stderr: [] };
    this.outputs.push(observed);
    const result = await runKafkaTool(tool, this.broker.bootstrap, args);
    observed.command = this.normalise(observed.command).join(' ');
    observed.exitCode = result.exitCode;
    observed.stdout = this.normalise(result.stdout);
    if (unordered) observed.stdout.sort();
    observed.stderr = this.normalise(result.stderr);
    return observed;
  }

  async file(name: string, content: unknown): Promise<string> {
    const path = join(this.dir, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  /** Lines with what legitimately differs between brokers replaced by placeholders. */
  normalise(text: string): string[] {
    let out = text
      .replaceAll(this.broker.bootstrap, '<bootstrap>')
      .replaceAll(this.dir, '<files>')
      // Log directories of both brokers live in temp dirs.
      .replace(new RegExp(`${escapeRegExp(tmpdir())}/[^"\\s,\\]]+`, 'g'), '<log-dir>')
      .replace(/TopicId: [A-Za-z0-9_-]{22}/g, 'TopicId: <topic-id>')
      // log4j lines of the tools start with the time.
      .replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /gm, '');
    for (const normaliser of this.extraNormalisers) out = normaliser(out);
    const lines = out.split('\n');
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A scenario run on each broker in its own session; both sides' outputs are compared. */
function toolScenario(
  name: string,
  steps: (session: ToolSession) => Promise<void>,
  align?: (reference: Observed[], subject: Observed[]) => [unknown, unknown],
) {
  return {
    name,
    align,
    async run(broker: RunningBroker): Promise<Observed[]> {
      const dir = await mkdtemp(join(tmpdir(), 'nagare-kafka-tools-'));
      try {
        const session = new ToolSession(broker, dir);
        await steps(session);
        return session.outputs;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

// --- Clients used to prepare data (cheaper than starting a JVM). ---

async function createTopic(
  broker: RunningBroker,
  topic: string,
  partitions: number,
  configs: Record<string, string> = {},
) {
  const admin = new Admin({ clientId: 'kafka-tools-test', bootstrapBrokers: [broker.bootstrap] });
  try {
    await admin.createTopics({
      topics: [topic],
      partitions,
      replicas: 1,
      configs: Object.entries(configs).map(([name, value]) => ({ name, value })),
    });
  } finally {
    await admin.close();
  }
}

/** Produces one batch per partition, with CreateTimes T0 + index, so that both brokers store the same bytes. */
async function produce(
  broker: RunningBroker,
  topic: string,
  valuesByPartition: Record<number, string[]>,
  idempotent = false,
) {
  const producer = new Producer({
    clientId: 'kafka-tools-test',
    bootstrapBrokers: [broker.bootstrap],
    serializers: stringSerializers,
    idempotent,
    acks: -1,
    // Kafka serves a new topic's partitions a moment after creating it; the producer retries meanwhile.
    retries: 20,
    retryDelay: 100,
  });
  try {
    for (const [partition, values] of Object.entries(valuesByPartition)) {
      await producer.send({
        messages: values.map((value, i) => ({
          topic,
          partition: Number(partition),
          key: `k${i}`,
          value,
          timestamp: BigInt(T0 + i),
        })),
      });
    }
  } finally {
    await producer.close();
  }
}

/** Whether the broker under test has a group coordinator yet (Apache Kafka always has). */
function groupsMissing(broker: RunningBroker): boolean {
  const nagare = (broker as { broker?: object }).broker;
  return nagare !== undefined && !('groups' in nagare);
}

/** Everything a tool printed, for assertions that do not care which stream. */
const lines = (observed: Observed) => [...observed.stdout, ...observed.stderr].join('\n');

describeDifferential('kafka tools', { overrides: HARNESS_CONFIGS }, (pair) => {
  // Scenarios on their own topics run side by side; broker-wide changes come after them.
  describe('per-topic scenarios', { concurrency: 3 }, () => {
    it('kafka-topics: create, errors, alter partitions, describe, list, delete', async () => {
      const { reference } = await compareOn(
        pair,
        toolScenario('kafka-topics', async (s) => {
          await s.run(
            'kafka-topics',
            '--create',
            '--topic',
            'kt-main',
            '--partitions',
            '2',
            '--replication-factor',
            '1',
            '--config',
            'retention.ms=3600000',
            '--config',
            'cleanup.policy=compact',
          );
          await Promise.all([
            s.run('kafka-topics', '--create', '--topic', 'kt-main', '--partitions', '1'),
            s.run('kafka-topics', '--create', '--topic', 'kt-main', '--if-not-exists'),
            s.run('kafka-topics', '--create', '--topic', 'kt-bad-config', '--config', 'retention.ms=soon'),
            s.run('kafka-topics', '--create', '--topic', 'kt-two-replicas', '--replication-factor', '2'),
            s.run('kafka-topics', '--create', '--topic', 'kt-plain'),
          ]);
          await s.run('kafka-topics', '--alter', '--topic', 'kt-main', '--partitions', '4');
          await Promise.all([
            s.run('kafka-topics', '--alter', '--topic', 'kt-main', '--partitions', '3'),
            s.run('kafka-topics', '--describe', '--topic', 'kt-main'),
            s.run('kafka-topics', '--describe', '--topics-with-overrides', '--topic', 'kt-.*'),
            s.run('kafka-topics', '--describe', '--topic', 'kt-missing'),
          ]);
          await s.run('kafka-topics', '--delete', '--topic', 'kt-plain');
          await s.run('kafka-topics', '--list', '--exclude-internal', '--topic', 'kt-.*');
        }),
      );
      const [created, exists, ifNotExists, badConfig, twoReplicas] = reference;
      assert.deepEqual(created.stdout, ['Created topic kt-main.']);
      assert.match(exists.stdout.join('\n'), /Topic 'kt-main' already exists/);
      assert.deepEqual([ifNotExists.exitCode, ifNotExists.stdout], [0, []]);
      assert.match(lines(badConfig), /Invalid value soon for configuration retention\.ms/);
      assert.match(lines(twoReplicas), /Unable to replicate the partition 2 time\(s\)/);
      const describeMain = reference.find((o) => o.command === 'kafka-topics --describe --topic kt-main');
      assert.match(
        describeMain?.stdout[0] ?? '',
        /PartitionCount: 4\tReplicationFactor: 1\tConfigs: min\.insync\.replicas=1,cleanup\.policy=compact,retention\.ms=3600000$/,
      );
      assert.deepEqual(reference.at(-1)?.stdout, ['kt-main']);
    });

    it('kafka-configs on topics: add, describe (--all), delete, refusals', async () => {
      const { reference } = await compareOn(
        pair,
        toolScenario('kafka-configs-topics', async (s) => {
          await createTopic(s.broker, 'kc-topic', 1);
          const alter = (...args: string[]) =>
            s.run('kafka-configs', '--alter', '--entity-type', 'topics', ...args);
          await alter(
            '--entity-name',
            'kc-topic',
            '--add-config',
            'retention.ms=1000,cleanup.policy=[compact,delete]',
          );
          await Promise.all([
            s.run('kafka-configs', '--describe', '--entity-type', 'topics', '--entity-name', 'kc-topic'),
            s.run(
              'kafka-configs',
              '--describe',
              '--entity-type',
              'topics',
              '--entity-name',
              'kc-topic',
              '--all',
            ),
            alter('--entity-name', 'kc-topic', '--add-config', 'retention.ms=later'),
            alter('--entity-name', 'kc-topic', '--add-config', 'no.such.config=1'),
            alter('--entity-name', 'kc-missing', '--add-config', 'retention.ms=1'),
          ]);
          await alter('--entity-name', 'kc-topic', '--delete-config', 'retention.ms');
          await s.run('kafka-configs', '--describe', '--entity-type', 'topics', '--entity-name', 'kc-topic');
        }),
      );
      assert.match(
        lines(reference[1]),
        /retention\.ms=1000 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=1000/,
      );
      assert.match(lines(reference[2]), /segment\.bytes=1073741824 sensitive=false/);
      assert.match(lines(reference[3]), /Invalid value later for configuration retention\.ms/);
      assert.doesNotMatch(lines(reference.at(-1) as Observed), /retention\.ms/);
    });

    it('kafka-delete-records and kafka-get-offsets', async () => {
      const { reference } = await compareOn(
        pair,
        toolScenario('delete-records', async (s) => {
          await createTopic(s.broker, 'kd-topic', 2);
          await produce(s.broker, 'kd-topic', { 0: ['a', 'b', 'c', 'd', 'e'], 1: ['f', 'g', 'h'] });
          const trim = await s.file('trim.json', {
            version: 1,
            partitions: [
              { topic: 'kd-topic', partition: 0, offset: 2 },
              { topic: 'kd-topic', partition: 1, offset: -1 },
            ],
          });
          const beyond = await s.file('beyond.json', {
            version: 1,
            partitions: [{ topic: 'kd-topic', partition: 0, offset: 50 }],
          });
          await Promise.all([
            s.run('kafka-get-offsets', '--topic', 'kd-topic'),
            s.run('kafka-get-offsets', '--topic', 'kd-topic', '--time', '-3'),
          ]);
          await s.runUnordered('kafka-delete-records', '--offset-json-file', trim);
          await Promise.all([
            s.run('kafka-delete-records', '--offset-json-file', beyond),
            s.run('kafka-get-offsets', '--topic', 'kd-topic', '--partitions', '0,1', '--time', 'earliest'),
          ]);
        }),
      );
      assert.deepEqual(reference[0].stdout, ['kd-topic:0:5', 'kd-topic:1:3']);
      assert.deepEqual(reference[2].stdout.slice(-2), [
        'partition: kd-topic-0\tlow_watermark: 2',
        'partition: kd-topic-1\tlow_watermark: 3',
      ]);
      assert.match(lines(reference[3]), /OffsetOutOfRangeException/);
      assert.deepEqual(reference[4].stdout, ['kd-topic:0:2', 'kd-topic:1:3']);
    });

    it('kafka-log-dirs, kafka-leader-election, kafka-reassign-partitions, kafka-acls, client quotas', async () => {
      const { reference } = await compareOn(
        pair,
        toolScenario('cluster-tools', async (s) => {
          await createTopic(s.broker, 'kl-topic', 2);
          await produce(s.broker, 'kl-topic', { 0: ['one', 'two', 'three'], 1: ['four'] });
          const toSelf = await s.file('to-self.json', {
            version: 1,
            partitions: [{ topic: 'kl-topic', partition: 0, replicas: [1], log_dirs: ['any'] }],
          });
          const toOther = await s.file('to-other.json', {
            version: 1,
            partitions: [{ topic: 'kl-topic', partition: 1, replicas: [2] }],
          });
          const topics = await s.file('topics.json', { version: 1, topics: [{ topic: 'kl-topic' }] });
          await Promise.all([
            s.run('kafka-log-dirs', '--describe', '--topic-list', 'kl-topic'),
            s.run('kafka-leader-election', '--election-type', 'preferred', '--all-topic-partitions'),
            s.run(
              'kafka-leader-election',
              '--election-type',
              'unclean',
              '--topic',
              'kl-topic',
              '--partition',
              '1',
            ),
            s.run('kafka-reassign-partitions', '--list'),
            s.run(
              'kafka-reassign-partitions',
              '--generate',
              '--topics-to-move-json-file',
              topics,
              '--broker-list',
              '1',
            ),
            s.run('kafka-reassign-partitions', '--execute', '--reassignment-json-file', toOther),
            s.run('kafka-acls', '--list'),
            s.run('kafka-configs', '--describe', '--entity-type', 'clients'),
            s.run(
              'kafka-acls',
              '--add',
              '--allow-principal',
              'User:alice',
              '--operation',
              'Read',
              '--topic',
              'kl-topic',
            ),
          ]);
          await s.run(
            'kafka-reassign-partitions',
            '--execute',
            '--throttle',
            '1000000',
            '--reassignment-json-file',
            toSelf,
          );
          await s.run('kafka-reassign-partitions', '--verify', '--reassignment-json-file', toSelf);
        }),
      );
      const logDirs = JSON.parse(reference[0].stdout.at(-1) as string);
      const sizes = Object.fromEntries(
        logDirs.brokers[0].logDirs[0].partitions.map((p: { partition: string; size: number }) => [
          p.partition,
          p.size,
        ]),
      );
      assert.ok(sizes['kl-topic-0'] > sizes['kl-topic-1'] && sizes['kl-topic-1'] > 0, JSON.stringify(sizes));
      assert.deepEqual(reference[2].stdout, ['Valid replica already elected for partitions kl-topic-1']);
      assert.deepEqual(reference[3].stdout, ['No partition reassignments found.']);
      assert.match(lines(reference[5]), /Unknown broker id 2/);
      assert.match(lines(reference[6]), /No Authorizer is configured on the broker/);
      assert.deepEqual([reference[7].exitCode, reference[7].stdout], [0, []], 'no client quotas');
      assert.match(lines(reference[9]), /Successfully started partition reassignment for kl-topic-0/);
      assert.match(lines(reference[10]), /Reassignment of partition kl-topic-0 is completed/);
    });

    it('kafka-transactions describe-producers and kafka-broker-api-versions', async () => {
      const { reference } = await compareOn(
        pair,
        toolScenario(
          'producers-and-api-versions',
          async (s) => {
            await createTopic(s.broker, 'kp-topic', 1);
            await produce(s.broker, 'kp-topic', { 0: ['x', 'y', 'z'] }, true);
            // Producer ids are the broker's to choose.
            s.extraNormalisers.push((text) => text.replace(/^\d+ *\t/gm, '<producer-id>\t'));
            await Promise.all([
              s.run('kafka-transactions', 'describe-producers', '--topic', 'kp-topic', '--partition', '0'),
              s.run('kafka-broker-api-versions'),
            ]);
          },
          // Version ranges are each broker's own: compare which APIs the tool lists and that those the
          // admin tools need are usable on both.
          (reference, subject) => [apiVersionsView(reference), apiVersionsView(subject)],
        ),
      );
      assert.deepEqual(reference[0].stdout, [
        'ProducerId\tProducerEpoch\tLatestCoordinatorEpoch\tLastSequence\tLastTimestamp\tCurrentTransactionStartOffset\t',
        `<producer-id>\t0            \t-1                    \t2           \t${T0 + 2}\tNone                         \t`,
      ]);
      assert.match(lines(reference[1]), /DescribeTopicPartitions\(75\): 0 \[usable: 0\]/);
    });
  });

  describe('consumer groups', () => {
    it('kafka-consumer-groups: list, describe, reset offsets, delete offsets, delete', async (t: TestContext) => {
      if (groupsMissing(pair.subject.broker)) {
        t.skip('needs the group coordinator');
        return;
      }
      const { reference } = await compareOn(pair, toolScenario('consumer-groups', consumerGroupSteps));
      assertConsumerGroupReference(reference);
    });
  });

  describe('broker-wide configs', () => {
    it('kafka-configs on the broker and the cluster default: alter, describe, refusals, delete', async () => {
      const { reference } = await compareOn(
        pair,
        toolScenario(
          'kafka-configs-brokers',
          async (s) => {
            await createTopic(s.broker, 'kb-topic', 1);
            const brokers = (...args: string[]) =>
              s.run('kafka-configs', '--entity-type', 'brokers', ...args);
            await brokers(
              '--alter',
              '--entity-name',
              '1',
              '--add-config',
              'log.retention.ms=100000,log.cleaner.threads=2,custom.key=1',
            );
            await brokers(
              '--alter',
              '--entity-default',
              '--add-config',
              'log.retention.ms=200000,leader.replication.throttled.rate=5,message.max.bytes=2000000',
            );
            await Promise.all([
              brokers('--describe'),
              brokers('--describe', '--entity-name', '1', '--all'),
              s.run(
                'kafka-configs',
                '--describe',
                '--entity-type',
                'topics',
                '--entity-name',
                'kb-topic',
                '--all',
              ),
              brokers('--alter', '--entity-name', '1', '--add-config', 'log.dirs=/elsewhere'),
              brokers('--alter', '--entity-default', '--add-config', 'listeners=PLAINTEXT://:9'),
              brokers('--alter', '--entity-default', '--add-config', 'log.retention.ms=forever'),
              brokers('--alter', '--entity-name', '1', '--add-config', 'log.segment.bytes=10'),
            ]);
            await brokers(
              '--alter',
              '--entity-name',
              '1',
              '--delete-config',
              'log.retention.ms,custom.key,log.cleaner.threads',
            );
            await brokers(
              '--alter',
              '--entity-default',
              '--delete-config',
              'log.retention.ms,leader.replication.throttled.rate,message.max.bytes',
            );
            await brokers('--describe');
          },
          (reference, subject) => [
            allBrokerConfigsView(reference, subject),
            allBrokerConfigsView(subject, reference),
          ],
        ),
      );
      assert.match(
        lines(reference[2]),
        /log\.retention\.ms=100000 sensitive=false synonyms=\{DYNAMIC_BROKER_CONFIG:log\.retention\.ms=100000, DYNAMIC_DEFAULT_BROKER_CONFIG:log\.retention\.ms=200000/,
      );
      assert.match(lines(reference[2]), /custom\.key=null sensitive=true/);
      assert.match(
        lines(reference[4]),
        /retention\.ms=100000 sensitive=false synonyms=\{DYNAMIC_BROKER_CONFIG:log\.retention\.ms=100000/,
      );
      assert.match(lines(reference[5]), /Cannot update these configs dynamically: \[log\.dirs\]/);
      assert.match(lines(reference[6]), /broker id must be specified: \[listeners\]/);
      assert.match(
        lines(reference[7]),
        /Invalid value forever for configuration log\.retention\.ms: Not a number of type LONG/,
      );
      assert.match(lines(reference[8]), /Value must be at least 1048576/);
      assert.deepEqual(reference.at(-1)?.stdout, [
        'Dynamic configs for broker 1 are:',
        'Default configs for brokers in the cluster are:',
        '  min.insync.replicas=1 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:min.insync.replicas=1}',
      ]);
    });
  });
});

// --- Consumer groups ---

async function consumerGroupSteps(s: ToolSession): Promise<void> {
  await createTopic(s.broker, 'kg-topic', 3);
  await produce(s.broker, 'kg-topic', { 0: ['a', 'b', 'c', 'd'], 1: ['e', 'f'], 2: ['g'] });
  // Member ids are made by the coordinator; the client id is ours.
  s.extraNormalisers.push((text) => text.replace(/kafka-tools-member-[0-9a-f-]{36}/g, '<member-id>'));
  const groups = (...args: string[]) => s.run('kafka-consumer-groups', ...args);
  // A group without members, its offsets set by the tool itself.
  await groups(
    '--reset-offsets',
    '--group',
    'kg-idle',
    '--topic',
    'kg-topic',
    '--to-offset',
    '1',
    '--execute',
  );
  const consumer = new Consumer({
    groupId: 'kg-live',
    clientId: 'kafka-tools-member',
    bootstrapBrokers: [s.broker.bootstrap],
    deserializers: stringDeserializers,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
  });
  try {
    const stream = await consumer.consume({
      topics: ['kg-topic'],
      mode: MessagesStreamModes.EARLIEST,
      autocommit: false,
    });
    let read = 0;
    for await (const message of stream) {
      await message.commit();
      if (++read === 7) break;
    }
    await Promise.all([
      groups('--list'),
      groups('--describe', '--group', 'kg-live'),
      groups('--describe', '--group', 'kg-live', '--members', '--verbose'),
      groups('--describe', '--group', 'kg-live', '--state'),
      groups('--reset-offsets', '--group', 'kg-live', '--topic', 'kg-topic', '--to-earliest', '--execute'),
      groups('--delete', '--group', 'kg-live'),
    ]);
  } finally {
    await consumer.close(true);
  }
  // A missing group is left out: the tool words it by the DescribeGroups version it negotiates, v6 with
  // Kafka 4.3 (GROUP_ID_NOT_FOUND and a stack trace) but v5, the newest in the protocol definitions Nagare
  // is generated from, with Nagare (a Dead group: "does not exist").
  await Promise.all([
    groups('--describe', '--group', 'kg-idle'),
    groups('--reset-offsets', '--group', 'kg-idle', '--topic', 'kg-topic', '--to-earliest', '--dry-run'),
  ]);
  await groups(
    '--reset-offsets',
    '--group',
    'kg-idle',
    '--topic',
    'kg-topic:0,1',
    '--shift-by',
    '-1',
    '--execute',
  );
  await groups('--delete-offsets', '--group', 'kg-idle', '--topic', 'kg-topic:2');
  await groups('--describe', '--group', 'kg-idle', '--offsets');
  await groups('--delete', '--group', 'kg-idle', '--group', 'kg-live');
  await groups('--list');
}

function assertConsumerGroupReference(reference: Observed[]): void {
  const find = (command: string) => {
    const observed = reference.find((o) => o.command === `kafka-consumer-groups ${command}`);
    assert.ok(observed, command);
    return lines(observed);
  };
  assert.match(lines(reference[0]), /kg-idle\s+kg-topic\s+0\s+1/);
  assert.match(find('--describe --group kg-live'), /kg-live\s+kg-topic\s+0\s+4\s+4\s+0\s+<member-id>/);
  assert.match(find('--describe --group kg-live --state'), /Stable/);
  assert.match(find('--describe --group kg-idle'), /has no active members/);
  assert.match(find('--reset-offsets --group kg-live --topic kg-topic --to-earliest --execute'), /inactive/);
  assert.deepEqual(reference.at(-1)?.stdout, []);
}

// --- Alignments for outputs that are each broker's own by nature ---

/** kafka-broker-api-versions: the APIs listed, and whether those the admin tools use are usable. */
function apiVersionsView(observed: Observed[]) {
  const [producers, apiVersions] = observed;
  const toolApis = new Set([
    'Metadata',
    'CreateTopics',
    'DeleteTopics',
    'DeleteRecords',
    'DescribeConfigs',
    'AlterConfigs',
    'IncrementalAlterConfigs',
    'CreatePartitions',
    'DescribeLogDirs',
    'ElectLeaders',
    'AlterPartitionReassignments',
    'ListPartitionReassignments',
    'DescribeCluster',
    'DescribeProducers',
    'DescribeTopicPartitions',
    'DescribeAcls',
    'CreateAcls',
    'ListOffsets',
  ]);
  const apis = apiVersions.stdout.slice(1, -1).map((line) => {
    const match = /^\t(\w+)\((\d+)\): (.*?),?$/.exec(line);
    assert.ok(match, line);
    const [, name, key, versions] = match;
    return toolApis.has(name)
      ? `${name}(${key}): ${versions === 'UNSUPPORTED' ? 'UNSUPPORTED' : 'usable'}`
      : `${name}(${key})`;
  });
  return {
    producers,
    header: apiVersions.stdout[0].replace(/^\S+/, '<address>'),
    apis,
    exitCode: apiVersions.exitCode,
  };
}

/**
 * `--all` on the broker lists every config the broker knows, and Kafka knows many that Nagare does not
 * (SSL, SASL, quotas, KRaft, remote storage): only the configs both list are compared, except those
 * holding ports or paths, which are each broker's own.
 */
function allBrokerConfigsView(mine: Observed[], theirs: Observed[]): Observed[] {
  const own = new Set([
    'listeners',
    'advertised.listeners',
    'log.dirs',
    'controller.quorum.bootstrap.servers',
  ]);
  const configName = (line: string) => /^ {2}([^=]+)=/.exec(line)?.[1];
  const theirNames = new Set(theirs[3]?.stdout.map(configName) ?? []);
  return mine.map((observed, i) =>
    i !== 3
      ? observed
      : {
          ...observed,
          stdout: observed.stdout.filter((line) => {
            const name = configName(line);
            return name === undefined || (theirNames.has(name) && !own.has(name));
          }),
        },
  );
}

// Consumer groups, Nagare next to Apache Kafka measured in this run: (a) how long a 10-member group takes
// to settle after a member leaves (and after one joins), per group protocol; (b) consume throughput
// through a group of 3 members. Usage: node bench/groups.ts [--reps 3] [--cycles 3] [--members 10]
// [--partitions 20] [--records 400000] [--protocols classic,consumer]   (see bench/README.md)
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { javaCompatClasspath } from '../test/compat/groups/group-clients.ts';
import { GroupMembersProcess } from './groups-members.ts';
import { type BenchBroker, startKafkaProcess, startNagareProcess } from './support/brokers.ts';
import { groupSupportMissing } from './support/group-support.ts';
import { createTopic } from './support/kafka-admin.ts';
import { checkPrerequisites } from './support/prerequisites.ts';
import { cpuSeconds, machineBusySeconds, reapedChildrenCpuSeconds } from './support/proc-stats.ts';
import { runProducerPerformance } from './support/producer-performance.ts';
import { type Cell, printJsonLine, printNoiseNote, printTable, progress } from './support/report.ts';
import { median, medianOfFields, ratio } from './support/stats.ts';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    cycles: { type: 'string', default: '3' },
    members: { type: 'string', default: '10' },
    partitions: { type: 'string', default: '20' },
    records: { type: 'string', default: '400000' },
    protocols: { type: 'string', default: 'classic,consumer' },
  },
});
const settings = {
  /** Rounds; each starts a fresh group per case, cases interleaved. */
  reps: Number(values.reps),
  /** Leave-then-join cycles per group and round. */
  cycles: Number(values.cycles),
  members: Number(values.members),
  /** Partitions of the rebalance topic. */
  partitions: Number(values.partitions),
  /** 1 KiB records the consuming group reads. */
  records: Number(values.records),
  protocols: values.protocols.split(',') as Array<'classic' | 'consumer'>,
};
if (
  !(settings.reps >= 1 && settings.cycles >= 1 && settings.members >= 2) ||
  settings.partitions < settings.members ||
  !settings.protocols.every((protocol) => protocol === 'classic' || protocol === 'consumer')
) {
  throw new Error(`bad settings: ${JSON.stringify(settings)}`);
}
const recordSize = 1024;
const MiB = 1024 * 1024;
const consumeMembers = 3;
const consumePartitions = 6;
/** Members learn of a rebalance at their next heartbeat: the same short interval on both brokers. */
const heartbeatMs = 500;
/** An assignment is settled once nothing moved for this long (a rebalance may take several steps). */
const quietMs = 3 * heartbeatMs;
const stepTimeoutMs = 120_000;

/** Both brokers get these; Kafka's defaults would make every KIP-848 step wait 5 s of heartbeat. */
const brokerOverrides = {
  'group.initial.rebalance.delay.ms': '0',
  'group.consumer.min.heartbeat.interval.ms': String(heartbeatMs),
  'group.consumer.heartbeat.interval.ms': String(heartbeatMs),
};
/** Classic members choose their heartbeat; KIP-848 members get the broker's. */
const memberProps = (protocol: 'classic' | 'consumer'): Record<string, string> =>
  protocol === 'classic' ? { 'heartbeat.interval.ms': String(heartbeatMs) } : {};

interface RebalanceCase {
  broker: BenchBroker;
  protocol: 'classic' | 'consumer';
  label: string;
}

/** One group of `members` on a fresh topic: `cycles` times, the oldest member leaves and one joins. */
async function measureRebalances(testCase: RebalanceCase, classpath: string, round: number) {
  const { broker, protocol } = testCase;
  const topic = `rebalance-${protocol}-${round}`;
  await createTopic(broker.bootstrap, topic, settings.partitions);
  const members = new GroupMembersProcess({
    classpath,
    bootstrap: broker.bootstrap,
    group: topic,
    topic,
    members: settings.members,
    protocol,
    options: ['--report', 'count'],
    consumerProps: memberProps(protocol),
  });
  const leaveMs: number[] = [];
  const joinMs: number[] = [];
  try {
    await members.waitStable(settings.partitions, quietMs, stepTimeoutMs);
    let nextId = settings.members;
    for (let cycle = 0; cycle < settings.cycles; cycle++) {
      const leaver = nextId - settings.members;
      members.send(`leave ${leaver}`);
      const leftAt = await members.waitFor(`member ${leaver} leaving`, stepTimeoutMs, () =>
        eventTime(members, 'leaving', leaver),
      );
      leaveMs.push((await members.waitStable(settings.partitions, quietMs, stepTimeoutMs)) - leftAt);
      members.send('join');
      const joinedAt = await members.waitFor(`member ${nextId} joining`, stepTimeoutMs, () =>
        eventTime(members, 'joining', nextId),
      );
      joinMs.push((await members.waitStable(settings.partitions, quietMs, stepTimeoutMs)) - joinedAt);
      nextId++;
    }
  } finally {
    await members.close();
  }
  return { leaveMs, joinMs };
}

function eventTime(members: GroupMembersProcess, event: string, member: number): number | undefined {
  return members.events.find((candidate) => candidate.event === event && candidate.member === member)?.t;
}

/** A fresh group of 3 reads every record of the topic from the beginning. */
async function measureConsume(broker: BenchBroker, classpath: string, topic: string, round: number) {
  const brokerCpuBefore = cpuSeconds(broker.pid);
  const clientCpuBefore = reapedChildrenCpuSeconds();
  const machineBefore = machineBusySeconds();
  const started = performance.now();
  const members = new GroupMembersProcess({
    classpath,
    bootstrap: broker.bootstrap,
    group: `consume-${round}`,
    topic,
    members: consumeMembers,
    protocol: 'classic',
    options: ['--report', 'count', '--expect', String(settings.records)],
    consumerProps: memberProps('classic'),
  });
  const code = await members.exited();
  const wallSeconds = (performance.now() - started) / 1000;
  const brokerCpu = cpuSeconds(broker.pid) - brokerCpuBefore;
  const clientCpu = reapedChildrenCpuSeconds() - clientCpuBefore;
  const otherCpu = Math.max(0, machineBusySeconds() - machineBefore - brokerCpu - clientCpu);
  const consumed = members.events.find((event) => event.event === 'consumed') as
    | { records: number; bytes: number; firstMs: number; lastMs: number; complete: boolean }
    | undefined;
  if (code !== 0 || !consumed?.complete)
    throw new Error(
      `${broker.label}: the group read ${consumed?.records ?? 0} of ${settings.records} records`,
    );
  const seconds = (consumed.lastMs - consumed.firstMs) / 1000;
  return {
    recordsPerSec: consumed.records / seconds,
    mibPerSec: consumed.bytes / MiB / seconds,
    // From the first member's creation (the JVM is up by then) to the first record: joining the group.
    firstRecordMs: consumed.firstMs - (members.events.find((event) => event.event === 'joining')?.t ?? 0),
    brokerCpuSecPerGiB: brokerCpu / (consumed.bytes / (1024 * MiB)),
    clientCores: clientCpu / wallSeconds,
    otherCores: otherCpu / wallSeconds,
  };
}

/** Which group protocols each broker serves. */
async function servedCases(brokers: BenchBroker[]): Promise<{ cases: RebalanceCase[]; notes: string[] }> {
  const cases: RebalanceCase[] = [];
  const notes: string[] = [];
  for (const protocol of settings.protocols) {
    for (const broker of brokers) {
      const missing = await groupSupportMissing(broker.bootstrap, protocol);
      if (missing) notes.push(`${broker.label}, group.protocol=${protocol}: ${missing}`);
      else cases.push({ broker, protocol, label: `${broker.label} ${protocol}` });
    }
  }
  return { cases, notes };
}

function printRebalances(
  cases: RebalanceCase[],
  samples: Map<string, { leaveMs: number[]; joinMs: number[] }>,
) {
  const rows: Cell[][] = cases.map((testCase) => {
    const figures = samples.get(testCase.label)!;
    const kafka = samples.get(`Kafka ${testCase.protocol}`);
    const isKafka = testCase.broker.label === 'Kafka';
    return [
      testCase.broker.label,
      testCase.protocol,
      median(figures.leaveMs),
      Math.max(...figures.leaveMs),
      isKafka || !kafka ? '' : ratio(median(figures.leaveMs), median(kafka.leaveMs)),
      median(figures.joinMs),
      Math.max(...figures.joinMs),
      isKafka || !kafka ? '' : ratio(median(figures.joinMs), median(kafka.joinMs)),
    ];
  });
  printTable(
    `Group of ${settings.members} on ${settings.partitions} partitions: leave (or join) to the last assignment change, Java client, heartbeat ${heartbeatMs} ms (median of ${settings.reps * settings.cycles})`,
    ['broker', 'group.protocol', 'leave ms', 'max', 'x Kafka', 'join ms', 'max', 'x Kafka'],
    rows,
  );
}

async function main(): Promise<void> {
  checkPrerequisites();
  const classpath = await javaCompatClasspath();
  const brokers: BenchBroker[] = [];
  try {
    progress('starting Nagare and Apache Kafka');
    brokers.push(await startNagareProcess({ overrides: brokerOverrides }));
    brokers.push(await startKafkaProcess({ overrides: brokerOverrides }));
    const { cases, notes } = await servedCases(brokers);

    const rebalances = new Map(
      cases.map((testCase) => [testCase.label, { leaveMs: [] as number[], joinMs: [] as number[] }]),
    );
    // Rounds interleave the cases, so that a busy moment on a shared machine hits all of them alike.
    for (let round = 1; round <= settings.reps; round++) {
      for (const testCase of cases) {
        progress(
          `round ${round}/${settings.reps}: ${testCase.label}, ${settings.members} members, ${settings.cycles} leave/join cycles`,
        );
        const figures = await measureRebalances(testCase, classpath, round);
        const kept = rebalances.get(testCase.label)!;
        kept.leaveMs.push(...figures.leaveMs);
        kept.joinMs.push(...figures.joinMs);
      }
    }
    printRebalances(cases, rebalances);

    const consumers = brokers.filter((broker) =>
      cases.some((testCase) => testCase.broker === broker && testCase.protocol === 'classic'),
    );
    const topic = 'group-consume';
    for (const broker of consumers) {
      progress(
        `${broker.label}: producing ${settings.records} records of 1 KiB into ${consumePartitions} partitions`,
      );
      await createTopic(broker.bootstrap, topic, consumePartitions);
      await runProducerPerformance({
        bootstrap: broker.bootstrap,
        brokerPid: broker.pid,
        topic,
        records: settings.records,
        recordSize,
        throughput: -1,
        producerProps: { acks: '1' },
      });
    }
    const consumeRuns = new Map<string, Array<Record<string, number>>>(
      consumers.map((broker) => [broker.label, []]),
    );
    for (let round = 1; round <= settings.reps; round++) {
      for (const broker of consumers) {
        progress(
          `round ${round}/${settings.reps}: ${broker.label}, a group of ${consumeMembers} reads ${settings.records} records`,
        );
        consumeRuns.get(broker.label)!.push(await measureConsume(broker, classpath, topic, round));
      }
    }
    const consume = Object.fromEntries(
      [...consumeRuns].map(([label, runs]) => [label, medianOfFields(runs)]),
    );
    const kafka = consume.Kafka;
    printTable(
      `Consume through a group of ${consumeMembers} (group.protocol=classic), ${consumePartitions} partitions, 1 KiB records, first to last record (median of ${settings.reps})`,
      [
        'broker',
        'MiB/s',
        'records/s',
        'x Kafka',
        'join to 1st record ms',
        'broker CPU s/GiB',
        'client cores',
        'other cores',
      ],
      Object.entries(consume).map(([label, figures]) => [
        label,
        figures.mibPerSec,
        figures.recordsPerSec,
        label === 'Kafka' || !kafka ? '' : ratio(figures.mibPerSec, kafka.mibPerSec),
        figures.firstRecordMs,
        figures.brokerCpuSecPerGiB,
        figures.clientCores,
        figures.otherCores,
      ]),
    );
    printNoiseNote(
      Object.values(consume).map((figures) => figures.otherCores),
      availableParallelism(),
    );
    for (const note of notes) console.log(`Not measured: ${note}`);
    printJsonLine('groups', {
      settings,
      heartbeatMs,
      rebalances: Object.fromEntries(rebalances),
      consume,
      consumeRuns: Object.fromEntries(consumeRuns),
      notMeasured: notes,
    });
  } finally {
    for (const broker of brokers) await broker.stop();
  }
}

await main();

// Two different clients in one KIP-848 consumer group (group.protocol=consumer): the Java consumer
// 4.3.1 and confluent-kafka, the latter over a librdkafka new enough to speak the protocol (Debian's
// 2.0.2 is not: the librdkafka 2.15 that scripts/ci/librdkafka-suite.sh builds is loaded under the
// Debian Python binding). The coordinator splits the partitions between them, moves the partitions of
// the member that leaves to the one that stays, and keeps what both committed. Reuses the group
// compat tests' broker, producer and member processes (test/compat/groups).
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { API_KEYS } from '../../src/protocol/schema/messages.generated.ts';
import { compatSkip } from '../support/compat-target.ts';
import {
  apacheKafkaMissing,
  pythonModulesMissing,
  requireInCI,
  systemPython,
} from '../support/external-tools.ts';
import { createTopic } from '../support/platformatic-io.ts';
import { RawClient } from '../support/raw-client.ts';
import { groupTimings, startGroupBroker } from './groups/group-broker.ts';
import { driverArgs, driversDir, javaConsumer, type MemberOptions } from './groups/group-clients.ts';
import { committedOffsets, TopicProducer } from './groups/group-topic.ts';
import { parseEventLine } from './groups/member-events.ts';
import { MemberGroup, type MemberProcess } from './groups/member-process.ts';

const run = promisify(execFile);
const PARTITIONS = 6;
const TOPIC = 'kip848-mixed';
const GROUP = 'kip848-mixed';
const STEP_TIMEOUT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 30_000;
const pythonMember = `${driversDir}confluent_kafka_member.py`;
const librdkafkaSuite = fileURLToPath(new URL('../../scripts/ci/librdkafka-suite.sh', import.meta.url));

/** librdkafka's group.protocol=consumer is generally available from 2.12 (0x020c0000). */
const KIP848_LIBRDKAFKA = 0x020c0000;

/**
 * The directory of a librdkafka that speaks KIP-848, loaded under Debian's confluent-kafka binding, or
 * why there is none (a skip reason; CI builds it).
 */
async function kip848Librdkafka(): Promise<{ lib: string } | { missing: string }> {
  let lib: string;
  try {
    const { stdout } = await run('bash', [librdkafkaSuite], { maxBuffer: 64 * 1024 * 1024 });
    lib = `${stdout.trim().split('\n').at(-1)}/lib`;
  } catch (error) {
    return {
      missing: `could not build librdkafka with scripts/ci/librdkafka-suite.sh: ${(error as Error).message}`,
    };
  }
  const probe = spawnSync(
    systemPython,
    ['-c', 'import confluent_kafka; print(confluent_kafka.libversion()[1])'],
    {
      env: { ...process.env, LD_LIBRARY_PATH: lib },
      encoding: 'utf8',
    },
  );
  const version = Number(probe.stdout.trim());
  if (!(version >= KIP848_LIBRDKAFKA))
    return { missing: `librdkafka in ${lib} is older than 2.12: ${probe.stdout}${probe.stderr}` };
  return { lib };
}

function memberOptions(bootstrap: string, clientId: string): MemberOptions {
  return { bootstrap, group: GROUP, topic: TOPIC, clientId, ...groupTimings };
}

const sorted = (member: MemberProcess) => [...member.assignment].sort((a, b) => a - b);

/** Whether, between them, the members reported every record of every partition up to `ends`. */
function everyRecordSeen(members: MemberProcess[], ends: number[]): boolean {
  const seen = ends.map(() => new Set<number>());
  for (const member of members) {
    for (const { event } of member.events)
      if (event.kind === 'record') seen[event.partition].add(event.offset);
  }
  return ends.every((end, partition) => seen[partition].size >= end);
}

const skip = compatSkip(apacheKafkaMissing(), pythonModulesMissing(['confluent_kafka']));

test('the Java consumer and confluent-kafka share a KIP-848 group: split, a member leaving, partitions moving, commits kept', {
  skip,
  timeout: 600_000,
}, async (t) => {
  const librdkafka = await kip848Librdkafka();
  if ('missing' in librdkafka) {
    t.skip(requireInCI(librdkafka.missing));
    return;
  }
  const broker = await startGroupBroker();
  const group = new MemberGroup();
  const produced = Array.from({ length: PARTITIONS }, (): string[] => []);
  const producer = new TopicProducer(broker.bootstrap, TOPIC, produced);
  try {
    await createTopic(broker.bootstrap, { name: TOPIC, partitions: PARTITIONS });
    await producer.round(20);

    const java = group.start(
      'java',
      await javaConsumer.command(memberOptions(broker.bootstrap, 'kip848-java')),
    );
    await group.waitFor(
      'the Java member to get every partition',
      STEP_TIMEOUT_MS,
      () => java.assignment.size === PARTITIONS,
    );

    const python = group.start('confluent-kafka', {
      file: 'env',
      args: [
        `LD_LIBRARY_PATH=${librdkafka.lib}`,
        systemPython,
        '-B',
        pythonMember,
        ...driverArgs(memberOptions(broker.bootstrap, 'kip848-python')),
        ...['--group-protocol', 'consumer'],
      ],
      parse: (line, stream) => (stream === 'stdout' ? parseEventLine(line) : undefined),
      closeShows: 'closed-event',
    });
    await group.waitFor('three partitions each', STEP_TIMEOUT_MS, () => {
      const split = [...sorted(java), ...sorted(python)].sort((a, b) => a - b);
      return java.assignment.size === 3 && python.assignment.size === 3 && split.join() === '0,1,2,3,4,5';
    });
    const described = await describeGroup(broker.bootstrap);
    assert.deepEqual(
      [described.groupState, described.members.map((m) => m.clientId).sort()],
      ['Stable', ['kip848-java', 'kip848-python']],
    );
    assert.deepEqual(
      described.members.map((m) => m.memberEpoch),
      described.members.map(() => described.groupEpoch),
    );

    await producer.round(10);
    await group.waitFor('every record read by the two members', STEP_TIMEOUT_MS, () =>
      everyRecordSeen(group.members, producer.ends()),
    );

    // The Java member closes (commits and leaves): its partitions move to the other member.
    await java.stop(CLOSE_TIMEOUT_MS);
    await group.waitFor(
      'the partitions of the member that left',
      STEP_TIMEOUT_MS,
      () => python.assignment.size === PARTITIONS,
    );
    await producer.round(10);
    await group.waitFor('the new records read by the member that stayed', STEP_TIMEOUT_MS, () =>
      everyRecordSeen(group.members, producer.ends()),
    );
    await python.stop(CLOSE_TIMEOUT_MS);

    // What both committed: everything, each partition up to its end.
    assert.deepEqual(await committedOffsets(broker.bootstrap, GROUP, TOPIC, PARTITIONS), producer.ends());
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${group.describe()}`);
  } finally {
    await producer.close();
    await group.destroy();
    await broker.stop();
  }
});

interface DescribedMember {
  clientId: string;
  memberEpoch: number;
}

async function describeGroup(bootstrap: string) {
  const client = await RawClient.connect(Number(bootstrap.split(':').at(-1)));
  try {
    const response = await client.request(API_KEYS.ConsumerGroupDescribe, 0, {
      groupIds: [GROUP],
      includeAuthorizedOperations: false,
    });
    const [group] = response.groups as {
      groupState: string;
      groupEpoch: number;
      members: DescribedMember[];
    }[];
    return group;
  } finally {
    client.destroy();
  }
}

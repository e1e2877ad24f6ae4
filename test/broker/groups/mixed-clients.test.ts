import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import kafkajs, { type Consumer as KafkajsConsumer, type PartitionAssigner } from 'kafkajs';
import type { Message } from '../../../src/protocol/codec.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { committedOffsets } from '../../support/group-requests.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { createTopic, RawClient } from '../../support/raw-client.ts';
import { until } from './until.ts';

// A kafkajs consumer and an @platformatic/kafka consumer in one classic group: the broker elects a
// leader, passes each member's subscription to it and its assignment to everyone, so the two clients
// split the partitions between them, read every record once, and commit where they are.

const { Kafka, logLevel, PartitionAssigners } = kafkajs;
const TOPIC = 'mixed';
const GROUP = 'mixed-clients';
const PARTITIONS = 4;
const PER_PARTITION = 50;

/** kafkajs' round robin under @platformatic/kafka's protocol name, so that the members share a protocol. */
const roundRobin: PartitionAssigner = (config) => ({
  ...PartitionAssigners.roundRobin(config),
  name: 'roundrobin',
});

let broker: NagareUnderTest;
let client: RawClient;
before(async () => {
  broker = await startNagare({ overrides: { 'group.initial.rebalance.delay.ms': '0' } });
  client = await RawClient.connect(broker.port, { clientId: 'observer' });
  await createTopic(client, TOPIC, PARTITIONS);
});
after(async () => {
  client?.destroy();
  await broker?.stop();
});

test('kafkajs and @platformatic/kafka consumers share a group, its partitions and its commits', async () => {
  const seen = { kafkajs: [] as Array<[number, string]>, platformatic: [] as Array<[number, string]> };
  const kafka = new Kafka({
    clientId: 'kafkajs-member',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const kafkajsConsumer: KafkajsConsumer = kafka.consumer({
    groupId: GROUP,
    partitionAssigners: [roundRobin],
    sessionTimeout: 10_000,
    heartbeatInterval: 200,
    // kafkajs heartbeats between fetches: short polls let it notice a rebalance soon.
    maxWaitTimeInMs: 100,
  });
  const platformatic = new Consumer({
    clientId: 'platformatic-member',
    groupId: GROUP,
    bootstrapBrokers: [broker.bootstrap],
    deserializers: stringDeserializers,
    sessionTimeout: 10_000,
    heartbeatInterval: 200,
    autocommit: 100,
  });
  const producer = new Producer({
    clientId: 'producer',
    bootstrapBrokers: [broker.bootstrap],
    serializers: stringSerializers,
  });
  try {
    await kafkajsConsumer.connect();
    await kafkajsConsumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await kafkajsConsumer.run({
      autoCommitInterval: 100,
      eachMessage: async ({ partition, message }) => {
        seen.kafkajs.push([partition, String(message.value)]);
      },
    });
    const stream = await platformatic.consume({
      topics: [TOPIC],
      mode: 'committed',
      fallbackMode: 'earliest',
    });
    stream.on('data', (message) => seen.platformatic.push([message.partition, message.value as string]));

    // Both members in, each with an assignment, before any record exists.
    await until('a stable group of two members with assignments', async () => {
      const described = await client.request(API_KEYS.DescribeGroups, 5, {
        groups: [GROUP],
        includeAuthorizedOperations: false,
      });
      const [group] = described.groups as Message[];
      const members = group.members as Message[];
      const ready =
        group.groupState === 'Stable' &&
        members.length === 2 &&
        members.every((m) => (m.memberAssignment as Buffer).length > 0);
      return ready ? members.map((m) => m.clientId as string).sort() : undefined;
    }).then((clients) => assert.deepEqual(clients, ['kafkajs-member', 'platformatic-member']));

    const sent: Array<[number, string]> = [];
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const messages = Array.from({ length: PER_PARTITION }, (_, i) => ({
        topic: TOPIC,
        partition,
        key: `k${i}`,
        value: `p${partition}-${i}`,
      }));
      await producer.send({ messages });
      for (const m of messages) sent.push([partition, m.value]);
    }

    await until('every record consumed', async () =>
      seen.kafkajs.length + seen.platformatic.length >= sent.length ? true : undefined,
    );
    const partitionsOf = (records: Array<[number, string]>) => new Set(records.map(([p]) => p));
    const kafkajsPartitions = partitionsOf(seen.kafkajs);
    const platformaticPartitions = partitionsOf(seen.platformatic);
    assert.ok(kafkajsPartitions.size > 0 && platformaticPartitions.size > 0, 'both members got partitions');
    assert.deepEqual(
      [...kafkajsPartitions].filter((p) => platformaticPartitions.has(p)),
      [],
      'no partition is read by both',
    );
    const byValue = (a: [number, string], b: [number, string]) => a[1].localeCompare(b[1]);
    assert.deepEqual([...seen.kafkajs, ...seen.platformatic].sort(byValue), sent.sort(byValue));

    const expected = Object.fromEntries(
      Array.from({ length: PARTITIONS }, (_, p) => [`${TOPIC}-${p}`, BigInt(PER_PARTITION)]),
    );
    await until('the members commit their positions', async () => {
      const committed = await committedOffsets(client, GROUP);
      return Object.keys(expected).every((k) => committed[k] === expected[k]) ? true : undefined;
    });
  } finally {
    await producer.close();
    await Promise.all([platformatic.close(true), kafkajsConsumer.disconnect()]);
  }
});

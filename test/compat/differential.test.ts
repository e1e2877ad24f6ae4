import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  alterPartitionReassignmentsV0,
  ConfigResourceTypes,
  type Connection,
  createTopicsV7,
  deleteRecordsV2,
  describeAclsV3,
  describeConfigsV4,
  describeProducersV0,
  describeTopicPartitionsV0,
  fetchV12,
  incrementalAlterConfigsV1,
  listOffsetsV9,
  listPartitionReassignmentsV0,
  type MessageRecord,
  metadataV12,
  Producer,
  produceV9,
  stringSerializers,
} from '@platformatic/kafka';
import type { Message } from '../../src/protocol/codec.ts';
import { API_KEYS } from '../../src/protocol/schema/messages.generated.ts';
import { describeDifferential } from '../support/differential-suite.ts';
import { commitBody, heartbeatBody, type Joined, joinBody, syncBody } from '../support/group-requests.ts';
import { responseOf, withConnection } from '../support/kafka-requests.ts';
import { createTopic as createTopicRaw, type RawClient, withRawClient } from '../support/raw-client.ts';
import { compareOn, type RunningBroker } from '../support/targets.ts';

// Differential tests: each scenario runs against Apache Kafka and the broker under test (see
// test/support/targets.ts), and what the client observed must be equal after normalisation. The
// reference's values are asserted too, so that a Kafka-vs-Kafka run cannot pass vacuously and the
// scenarios document Kafka 4's behaviour.

/** One CreateTime base for both brokers, an hour back (within Kafka's default timestamp bounds). */
const T0 = BigInt(Date.now() - 3_600_000);
const NO_TIMESTAMP = -1;
const TIMESTAMP_TYPE_BIT = 0x08;

describeDifferential('differential', {}, (pair) => {
  it('produce: offsets, CreateTime preserved, records read back as written', async () => {
    const { reference } = await compareOn(pair, {
      name: 'produce-create-time',
      run: (broker) =>
        onBroker(broker, async (connection) => {
          await createTopic(connection, 'diff-create-time', 2);
          const acks = [
            await produce(connection, 'diff-create-time', 0, [
              rec('a', '1', 1),
              rec(null, '2', 2),
              rec('c', null, 3),
            ]),
            await produce(connection, 'diff-create-time', 1, [rec('d', '4', 7)]),
            await produce(connection, 'diff-create-time', 0, [rec('e', '5', 5, { h: 'x', n: null })]),
          ];
          const logs = [await fetchFrom(connection, 'diff-create-time', 0, 0n)];
          logs.push(await fetchFrom(connection, 'diff-create-time', 1, 0n));
          return { acks, logs };
        }),
    });
    assert.deepEqual(
      reference.acks.map((ack) => [ack.errorCode, ack.baseOffset, ack.logAppendTimeMs]),
      [
        [0, 0, NO_TIMESTAMP],
        [0, 0, NO_TIMESTAMP],
        [0, 3, NO_TIMESTAMP],
      ],
    );
    assert.deepEqual(
      reference.logs[0].records.map((record) => [record.offset, record.timestamp]),
      [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 5],
      ],
    );
    assert.deepEqual(reference.logs[0].records[3].headers, [
      ['h', 'x'],
      ['n', null],
    ]);
  });

  it('produce: LogAppendTime topics stamp batches with the broker time', async () => {
    const { reference } = await compareOn(pair, {
      name: 'produce-log-append-time',
      run: (broker) =>
        onBroker(broker, async (connection) => {
          await createTopic(connection, 'diff-log-append', 1, { 'message.timestamp.type': 'LogAppendTime' });
          const before = BigInt(Date.now());
          const ack = await produceRaw(connection, 'diff-log-append', 0, [
            rec('a', '1', 1),
            rec('b', '2', 2),
          ]);
          const after = BigInt(Date.now());
          const appendTime = ack.logAppendTimeMs;
          const { batches } = await fetchFrom(connection, 'diff-log-append', 0, 0n);
          const stamped = (value: number) => (BigInt(value) + T0 === appendTime ? 'logAppendTime' : value);
          return {
            errorCode: ack.errorCode,
            appendTimeWithinRequest: appendTime >= before && appendTime <= after,
            batches: batches.map((batch) => ({
              ...batch,
              firstTimestamp: stamped(batch.firstTimestamp),
              maxTimestamp: stamped(batch.maxTimestamp),
            })),
          };
        }),
    });
    assert.equal(reference.appendTimeWithinRequest, true);
    assert.equal(reference.batches[0].logAppendTime, true);
    assert.equal(reference.batches[0].maxTimestamp, 'logAppendTime');
  });

  it('ListOffsets: earliest, latest, by timestamp, max timestamp', async () => {
    const { reference } = await compareOn(pair, {
      name: 'list-offsets',
      run: (broker) =>
        onBroker(broker, async (connection) => {
          await createTopic(connection, 'diff-list-offsets', 1);
          // Timestamps out of order across batches: the max timestamp is not at the last offset.
          await produce(connection, 'diff-list-offsets', 0, [rec('a', '1', 10), rec('b', '2', 11)]);
          await produce(connection, 'diff-list-offsets', 0, [rec('c', '3', 30)]);
          await produce(connection, 'diff-list-offsets', 0, [rec('d', '4', 20), rec('e', '5', 21)]);
          const queries = { earliest: -2n, latest: -1n, maxTimestamp: -3n, at15: T0 + 15n, at25: T0 + 25n };
          const answers: Record<string, unknown> = {};
          for (const [name, timestamp] of Object.entries(queries)) {
            answers[name] = await listOffset(connection, 'diff-list-offsets', 0, timestamp);
          }
          answers.after = await listOffset(connection, 'diff-list-offsets', 0, T0 + 31n);
          answers.unknownPartition = await listOffset(connection, 'diff-list-offsets', 9, -1n);
          return answers;
        }),
    });
    assert.deepEqual(reference, {
      earliest: { errorCode: 0, offset: 0, timestamp: NO_TIMESTAMP },
      latest: { errorCode: 0, offset: 5, timestamp: NO_TIMESTAMP },
      maxTimestamp: { errorCode: 0, offset: 2, timestamp: 30 },
      at15: { errorCode: 0, offset: 2, timestamp: 30 },
      at25: { errorCode: 0, offset: 2, timestamp: 30 },
      after: { errorCode: 0, offset: -1, timestamp: NO_TIMESTAMP },
      unknownPartition: { errorCode: 3, offset: -1, timestamp: NO_TIMESTAMP },
    });
  });

  it('DeleteRecords: low watermarks, the high-watermark shorthand and refusals', async () => {
    const { reference } = await compareOn(pair, {
      name: 'delete-records',
      run: (broker) =>
        onBroker(broker, async (connection) => {
          await createTopic(connection, 'diff-delete-records', 1);
          for (const value of ['1', '2', '3', '4'])
            await produce(connection, 'diff-delete-records', 0, [rec('k', value, 1)]);
          const trim = async (offset: bigint) => {
            const response = await responseOf(
              deleteRecordsV2.api.async(
                connection,
                [{ name: 'diff-delete-records', partitions: [{ partitionIndex: 0, offset }] }],
                10_000,
              ),
            );
            const answer = response.topics[0].partitions[0];
            return { errorCode: answer.errorCode, lowWatermark: Number(answer.lowWatermark) };
          };
          return {
            toTwo: await trim(2n),
            beyondEnd: await trim(9n),
            toHighWatermark: await trim(-1n),
            earliestAfter: await listOffset(connection, 'diff-delete-records', 0, -2n),
          };
        }),
    });
    assert.deepEqual(reference.toTwo, { errorCode: 0, lowWatermark: 2 });
    assert.equal(reference.beyondEnd.errorCode, 1);
    assert.deepEqual(reference.toHighWatermark, { errorCode: 0, lowWatermark: 4 });
  });

  it('Metadata: topics, partitions, leaders, unknown topics with and without auto-creation', async () => {
    const { reference } = await compareOn(pair, {
      name: 'metadata',
      run: (broker) =>
        onBroker(broker, async (connection) => {
          await createTopic(connection, 'diff-metadata', 3);
          const known = await metadata(connection, ['diff-metadata', 'diff-unknown', 'bad name!'], false);
          const autoCreated = await metadata(connection, ['diff-auto-created'], true);
          // Creation may complete after the first answer (Kafka forwards it to its controller).
          const eventually = await waitFor(async () => {
            const answer = await metadata(connection, ['diff-auto-created'], true);
            return answer.topics[0].errorCode === 0 ? answer : undefined;
          });
          const firstCode = autoCreated.topics[0].errorCode;
          return {
            known,
            autoCreation: {
              firstAnswer:
                firstCode === 0 || isRetriableMetadataError(firstCode) ? 'ok or retriable' : firstCode,
              eventually: eventually.topics,
            },
          };
        }),
    });
    assert.equal(reference.known.brokers.length, 1);
    assert.equal(reference.known.controllerIsTheBroker, true);
    assert.deepEqual(
      reference.known.topics.map((topic) => [topic.name, topic.errorCode, topic.partitions.length]),
      [
        ['diff-metadata', 0, 3],
        ['diff-unknown', 3, 0],
        ['bad name!', 17, 0],
      ],
    );
    assert.deepEqual(
      reference.autoCreation.eventually.map((topic) => [topic.errorCode, topic.partitions.length]),
      [[0, 1]],
    );
  });

  it('CreateTopics errors: existing, invalid partitions, replication factor, invalid names', async () => {
    const { reference } = await compareOn(pair, {
      name: 'create-topics-errors',
      run: (broker) =>
        onBroker(broker, async (connection) => {
          await createTopic(connection, 'diff-existing', 1);
          const attempts: [string, number, number][] = [
            ['diff-existing', 1, 1],
            ['diff-zero-partitions', 0, 1],
            ['diff-replication-2', 1, 2],
            ['bad/name', 1, 1],
            ['..', 1, 1],
            ['x'.repeat(250), 1, 1],
          ];
          const codes: Record<string, number> = {};
          for (const [name, partitions, replicationFactor] of attempts) {
            const topic = (await createTopics(connection, [{ name, partitions, replicationFactor }]))[0];
            codes[name.length > 40 ? `${name.slice(0, 10)}…(${name.length})` : name] = topic.errorCode;
          }
          return codes;
        }),
    });
    assert.deepEqual(reference, {
      'diff-existing': 36,
      'diff-zero-partitions': 37,
      'diff-replication-2': 38,
      'bad/name': 17,
      '..': 17,
      'xxxxxxxxxx…(250)': 17,
    });
  });

  it('Produce and Fetch errors: unknown partition, offset out of range, message too large', async () => {
    const { reference } = await compareOn(pair, {
      name: 'produce-fetch-errors',
      run: (broker) =>
        onBroker(broker, async (connection) => {
          await createTopic(connection, 'diff-errors', 1, { 'max.message.bytes': '1000' });
          await produce(connection, 'diff-errors', 0, [rec('a', '1', 1)]);
          const produceTo = async (topic: string, partition: number, value: string) =>
            (await produceRaw(connection, topic, partition, [rec('k', value, 2)])).errorCode;
          return {
            produceUnknownPartition: await produceTo('diff-errors', 5, 'v'),
            produceUnknownTopic: await produceTo('diff-no-such-topic', 0, 'v'),
            produceTooLarge: await produceTo('diff-errors', 0, 'x'.repeat(2000)),
            fetchOutOfRange: await fetchError(connection, 'diff-errors', 0, 100n),
            fetchUnknownPartition: await fetchError(connection, 'diff-errors', 5, 0n),
            fetchAtEnd: await fetchFrom(connection, 'diff-errors', 0, 1n),
          };
        }),
    });
    assert.deepEqual(
      [
        reference.produceUnknownPartition,
        reference.produceUnknownTopic,
        reference.produceTooLarge,
        reference.fetchOutOfRange.errorCode,
        reference.fetchUnknownPartition.errorCode,
      ],
      [3, 3, 10, 1, 3],
    );
    assert.deepEqual(reference.fetchAtEnd.records, []);
    assert.equal(reference.fetchAtEnd.highWatermark, 1);
  });

  it('DescribeConfigs of a topic: names, values and sources', async () => {
    const overrides = { 'retention.ms': '3600000', 'cleanup.policy': 'compact', 'max.message.bytes': '2000' };
    const { reference } = await compareOn(pair, {
      name: 'describe-configs',
      run: (broker) =>
        onBroker(broker, async (connection) => {
          await createTopic(connection, 'diff-configs', 1, overrides);
          const response = await responseOf(
            describeConfigsV4.api.async(
              connection,
              [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: 'diff-configs' }],
              false,
              false,
            ),
          );
          const [result] = response.results;
          const configs: Record<string, { value: string | null; source: number; readOnly: boolean }> = {};
          for (const config of result.configs) {
            configs[config.name] = {
              value: config.value ?? null,
              source: config.configSource,
              readOnly: config.readOnly,
            };
          }
          return { errorCode: result.errorCode, configs };
        }),
      // Every override must be reported by both; beyond those, configs only one broker knows are not
      // compared (Kafka has tiered-storage and replication settings a single-node broker may omit).
      align: (left, right) => [
        onlyShared(left, right, Object.keys(overrides)),
        onlyShared(right, left, Object.keys(overrides)),
      ],
    });
    assert.equal(reference.errorCode, 0);
    for (const [name, value] of Object.entries(overrides)) {
      assert.deepEqual(reference.configs[name], { value, source: 1, readOnly: false }, name);
    }
    assert.deepEqual(reference.configs['segment.bytes'], { value: '1073741824', source: 5, readOnly: false });
  });

  it('segment.bytes below 1 MiB is refused; the internal.segment.bytes override tests use is not', async () => {
    const { reference } = await compareOn(pair, {
      name: 'segment-bytes-minimum',
      run: (broker) =>
        onBroker(broker, async (connection) => {
          const refused = [];
          for (const size of ['1000', '1048575']) {
            const [topic] = await createTopics(connection, [
              {
                name: 'diff-small-segments',
                partitions: 1,
                replicationFactor: 1,
                configs: { 'segment.bytes': size },
              },
            ]);
            refused.push([topic.errorCode, topic.errorMessage]);
          }
          await createTopic(connection, 'diff-internal-segments', 1, { 'internal.segment.bytes': '1000' });
          await createTopic(connection, 'diff-default-segments', 1);
          const altered = await responseOf(
            incrementalAlterConfigsV1.api.async(
              connection,
              [
                {
                  resourceType: ConfigResourceTypes.TOPIC,
                  resourceName: 'diff-internal-segments',
                  configs: [{ name: 'segment.bytes', configOperation: 0, value: '1000' }],
                },
              ],
              false,
            ),
          );
          const [alter] = altered.responses;
          const described = await responseOf(
            describeConfigsV4.api.async(
              connection,
              ['diff-internal-segments', 'diff-default-segments'].map((resourceName) => ({
                resourceType: ConfigResourceTypes.TOPIC,
                resourceName,
                configurationKeys: ['internal.segment.bytes', 'segment.bytes'],
              })),
              true,
              false,
            ),
          );
          const listed = described.results.map((result) =>
            result.configs
              .map((config) => [config.name, config.value, config.configSource, config.configType])
              .sort(),
          );
          return { refused, altered: [alter.errorCode, alter.errorMessage], listed };
        }),
    });
    assert.deepEqual(reference.refused, [
      [40, 'Invalid value 1000 for configuration segment.bytes: Value must be at least 1048576'],
      [40, 'Invalid value 1048575 for configuration segment.bytes: Value must be at least 1048576'],
    ]);
    assert.deepEqual(reference.altered, [
      40,
      'Invalid value 1000 for configuration segment.bytes: Value must be at least 1048576',
    ]);
    assert.deepEqual(reference.listed, [
      [
        ['internal.segment.bytes', '1000', 1, 3],
        ['segment.bytes', '1073741824', 5, 3],
      ],
      // A topic without the override does not list it, even when asked for by name.
      [['segment.bytes', '1073741824', 5, 3]],
    ]);
  });

  it('produce: a batch larger than the segment size (internal.segment.bytes, else segment.bytes) is refused', async () => {
    const { reference } = await compareOn(pair, {
      name: 'batch-larger-than-segment',
      run: (broker) =>
        onBroker(broker, async (connection) => {
          await createTopic(connection, 'diff-tiny-segments', 1, { 'internal.segment.bytes': '1000' });
          await createTopic(connection, 'diff-tiny-segments-gzip', 1, {
            'internal.segment.bytes': '1000',
            'compression.type': 'gzip',
          });
          await createTopic(connection, 'diff-mib-segments', 1, {
            'segment.bytes': '1048576',
            'max.message.bytes': '2000000',
          });
          const produceSized = async (topic: string, size: number) => {
            const answer = await produceRaw(connection, topic, 0, [rec('k', 'x'.repeat(size), 1)]);
            return [answer.errorCode, answer.errorMessage ?? null];
          };
          return {
            overSegment: await produceSized('diff-tiny-segments', 2000),
            underSegment: await produceSized('diff-tiny-segments', 900),
            // The size that counts is the stored one, after the topic's compression.
            recompressed: await produceSized('diff-tiny-segments-gzip', 5000),
            overMiB: await produceSized('diff-mib-segments', 1_100_000),
            underMiB: await produceSized('diff-mib-segments', 1_000_000),
            endOffsets: [
              (await listOffset(connection, 'diff-tiny-segments', 0, -1n)).offset,
              (await listOffset(connection, 'diff-mib-segments', 0, -1n)).offset,
            ],
          };
        }),
    });
    assert.deepEqual(reference, {
      overSegment: [18, null],
      underSegment: [0, null],
      recompressed: [0, null],
      overMiB: [18, null],
      underMiB: [0, null],
      endOffsets: [1, 1],
    });
  });

  it('@platformatic/kafka Producer: keyed messages to chosen partitions, offsets reported', async () => {
    const { reference } = await compareOn(pair, {
      name: 'platformatic-producer',
      run: async (broker) => {
        await onBroker(broker, (connection) => createTopic(connection, 'diff-producer', 2));
        const producer = new Producer({
          clientId: 'nagare-differential',
          bootstrapBrokers: [broker.bootstrap],
          serializers: stringSerializers,
          acks: -1,
        });
        try {
          const sent = [];
          for (let i = 0; i < 4; i++) {
            const result = await producer.send({
              messages: [
                {
                  topic: 'diff-producer',
                  partition: i % 2,
                  key: `k${i}`,
                  value: `v${i}`,
                  timestamp: T0 + 1n,
                },
              ],
            });
            sent.push(result.offsets?.map((offset) => [offset.partition, Number(offset.offset)]));
          }
          return sent;
        } finally {
          await producer.close();
        }
      },
    });
    assert.deepEqual(reference, [[[0, 0]], [[1, 0]], [[0, 1]], [[1, 1]]]);
  });

  it('single-node admin APIs: topic partitions by page, reassignments, producers, ACLs', async () => {
    const { reference } = await compareOn(pair, {
      name: 'single-node-admin',
      run: (broker) =>
        onBroker(broker, async (connection) => {
          await createTopic(connection, 'diff-admin-a', 2);
          await createTopic(connection, 'diff-admin-b', 3);
          await produce(connection, 'diff-admin-a', 0, [rec('k', 'v', 1)]);
          return {
            topicPartitionPages: await describeTopicPartitionPages(connection, [
              'diff-admin-b',
              'diff-admin-a',
              'diff-admin-x',
            ]),
            listReassignments: await responseOf(
              listPartitionReassignmentsV0.api.async(connection, 1000, null),
            ),
            reassign: (
              await responseOf(
                alterPartitionReassignmentsV0.api.async(connection, 1000, false, [
                  {
                    name: 'diff-admin-a',
                    partitions: [
                      { partitionIndex: 0, replicas: [1] },
                      { partitionIndex: 1, replicas: [2] },
                      { partitionIndex: 1, replicas: null },
                      { partitionIndex: 9, replicas: [1] },
                    ],
                  },
                  { name: 'diff-admin-x', partitions: [{ partitionIndex: 0, replicas: [1] }] },
                ]),
              )
            ).responses,
            producers: (
              await responseOf(
                describeProducersV0.api.async(connection, [
                  { name: 'diff-admin-a', partitionIndexes: [0, 7] },
                  { name: 'diff-admin-x', partitionIndexes: [0] },
                ]),
              )
            ).topics,
            acls: await responseOf(
              describeAclsV3.api.async(connection, {
                resourceType: 1,
                resourceName: null,
                resourcePatternType: 1,
                principal: null,
                host: null,
                operation: 1,
                permissionType: 1,
              }),
            ),
          };
        }),
    });
    assert.deepEqual(reference.topicPartitionPages, [
      [['diff-admin-a', 0, [0, 1]]],
      [['diff-admin-b', 0, [0, 1]]],
      [
        ['diff-admin-b', 0, [2]],
        ['diff-admin-x', 3, []],
      ],
    ]);
    assert.deepEqual(reference.listReassignments.topics, []);
    assert.deepEqual(
      reference.reassign[0].partitions.map((p) => p.errorCode),
      [0, 39, 85, 3],
    );
    assert.equal(reference.acls.errorCode, 54);
  });

  it('broker config changes Kafka refuses (validateOnly), with its codes and messages', async () => {
    const op = (name: string, configOperation: 0 | 1 | 2 | 3, value = '') =>
      ({ name, configOperation, value }) as { name: string; configOperation: 0; value: string };
    const attempts: [string, ReturnType<typeof op>[]][] = [
      ['1', [op('log.dirs', 0, '/x')]],
      ['', [op('listeners', 0, 'PLAINTEXT://:9')]],
      ['', [op('log.retention.ms', 0, 'abc')]],
      ['1', [op('log.retention.ms', 0, '0')]],
      ['1', [op('log.segment.bytes', 0, '10')]],
      ['1', [op('log.cleaner.threads', 0, '200')]],
      ['1', [op('log.retention.ms', 2, '5')]],
      ['1', [op('no.such.config', 2, '5')]],
      ['1', [op('log.cleanup.policy', 2, 'compact'), op('custom.config', 0, 'x')]],
      ['x', [op('log.cleaner.threads', 0, '2')]],
    ];
    const { reference } = await compareOn(pair, {
      name: 'broker-config-refusals',
      run: (broker) =>
        onBroker(broker, async (connection) => {
          const answers = [];
          for (const [resourceName, configs] of attempts) {
            const response = await responseOf(
              incrementalAlterConfigsV1.api.async(
                connection,
                [{ resourceType: 4, resourceName, configs }],
                true,
              ),
            );
            answers.push([response.responses[0].errorCode, response.responses[0].errorMessage]);
          }
          return answers;
        }),
    });
    assert.deepEqual(
      reference.map(([code]) => code),
      [42, 42, 42, 42, 42, 42, 40, 40, 0, 42],
    );
  });
  it('classic groups: JoinGroup, SyncGroup, Heartbeat, OffsetCommit and OffsetFetch answers and errors', async () => {
    const { reference } = await compareOn(pair, {
      name: 'classic-group-errors',
      run: (broker) => withRawClient(broker.port, (client) => classicGroupScenario(client)),
    });
    assert.deepEqual(reference.join, { first: 79, joined: [0, 1, true], unknownMember: 25, noGroup: 25 });
    assert.deepEqual(reference.commit, {
      ok: [0, 0],
      badGeneration: 22,
      unknownMember: 25,
      noGroupV9: 69,
      noGroupV8: 22,
    });
  });
});

// --- Observations: plain data, timestamps relative to T0, broker-specific values normalised. ---

interface TestRecord {
  key: string | null;
  value: string | null;
  /** Milliseconds after T0. */
  at: number;
  headers?: Record<string, string | null>;
}

function rec(
  key: string | null,
  value: string | null,
  at: number,
  headers?: TestRecord['headers'],
): TestRecord {
  return { key, value, at, headers };
}

function onBroker<T>(broker: RunningBroker, use: (connection: Connection) => Promise<T>): Promise<T> {
  return withConnection(broker, use);
}

async function createTopic(
  connection: Connection,
  name: string,
  partitions: number,
  configs: Record<string, string> = {},
): Promise<void> {
  const [topic] = await createTopics(connection, [{ name, partitions, replicationFactor: 1, configs }]);
  assert.equal(topic.errorCode, 0, `creating ${name}: error ${topic.errorCode} ${topic.errorMessage}`);
  // Kafka answers CreateTopics before its broker serves the new partitions (NOT_LEADER_OR_FOLLOWER
  // meanwhile); a client waits and retries, the scenarios wait until every partition answers.
  await waitFor(async () => {
    for (let partition = 0; partition < partitions; partition++) {
      if ((await listOffset(connection, name, partition, -1n)).errorCode !== 0) return undefined;
    }
    return true;
  });
}

async function createTopics(
  connection: Connection,
  topics: { name: string; partitions: number; replicationFactor: number; configs?: Record<string, string> }[],
) {
  const request = topics.map((topic) => ({
    name: topic.name,
    numPartitions: topic.partitions,
    replicationFactor: topic.replicationFactor,
    assignments: [],
    configs: Object.entries(topic.configs ?? {}).map(([name, value]) => ({ name, value })),
  }));
  return (await responseOf(createTopicsV7.api.async(connection, request, 10_000, false))).topics;
}

/** Produces one batch with acks=all and returns the partition's answer as raw values. */
async function produceRaw(connection: Connection, topic: string, partition: number, records: TestRecord[]) {
  const messages: MessageRecord[] = records.map((record) => ({
    topic,
    partition,
    key: record.key === null ? undefined : Buffer.from(record.key),
    value: record.value === null ? (undefined as unknown as Buffer) : Buffer.from(record.value),
    timestamp: T0 + BigInt(record.at),
    headers: new Map(
      Object.entries(record.headers ?? {}).map(([name, value]) => [
        Buffer.from(name),
        value === null ? (null as unknown as Buffer) : Buffer.from(value),
      ]),
    ),
  }));
  const response = await responseOf(produceV9.api.async(connection, -1, 10_000, messages));
  if (typeof response === 'boolean') throw new Error('acks=-1 produce got no response');
  return response.responses[0].partitionResponses[0];
}

async function produce(connection: Connection, topic: string, partition: number, records: TestRecord[]) {
  const answer = await produceRaw(connection, topic, partition, records);
  return {
    errorCode: answer.errorCode,
    baseOffset: Number(answer.baseOffset),
    logAppendTimeMs: Number(answer.logAppendTimeMs),
    logStartOffset: Number(answer.logStartOffset),
  };
}

async function fetchPartition(connection: Connection, topic: string, partition: number, offset: bigint) {
  const maxBytes = 1024 * 1024;
  const response = await responseOf(
    fetchV12.api.async(
      connection,
      100,
      0,
      maxBytes,
      0,
      0,
      -1,
      [
        {
          topicId: topic, // v12 identifies topics by name; the client reuses this field for it.
          partitions: [
            {
              partition,
              currentLeaderEpoch: -1,
              fetchOffset: offset,
              lastFetchedEpoch: -1,
              partitionMaxBytes: maxBytes,
            },
          ],
        },
      ],
      [],
      '',
    ),
  );
  return response.responses[0].partitions[0];
}

/** What a consumer sees: records with offsets and timestamps, and each batch's framing. */
async function fetchFrom(connection: Connection, topic: string, partition: number, offset: bigint) {
  const answer = await fetchPartition(connection, topic, partition, offset);
  const batches = answer.records ?? [];
  const text = (buffer: Buffer | null) => (buffer === null ? null : buffer.toString());
  return {
    errorCode: answer.errorCode,
    highWatermark: Number(answer.highWatermark),
    logStartOffset: Number(answer.logStartOffset),
    batches: batches.map((batch) => ({
      baseOffset: Number(batch.firstOffset),
      lastOffsetDelta: batch.lastOffsetDelta,
      logAppendTime: (batch.attributes & TIMESTAMP_TYPE_BIT) !== 0,
      firstTimestamp: Number(batch.firstTimestamp - T0),
      maxTimestamp: Number(batch.maxTimestamp - T0),
      count: batch.records.length,
    })),
    records: batches.flatMap((batch) =>
      batch.records.map((record) => ({
        offset: Number(batch.firstOffset) + record.offsetDelta,
        // As clients compute it: LogAppendTime batches give every record the batch's max timestamp.
        timestamp:
          (batch.attributes & TIMESTAMP_TYPE_BIT) !== 0
            ? Number(batch.maxTimestamp - T0)
            : Number(batch.firstTimestamp + record.timestampDelta - T0),
        key: text(record.key),
        value: text(record.value),
        headers: record.headers.map(([name, value]) => [text(name), text(value)]),
      })),
    ),
  };
}

async function fetchError(connection: Connection, topic: string, partition: number, offset: bigint) {
  const answer = await fetchPartition(connection, topic, partition, offset);
  return { errorCode: answer.errorCode, records: (answer.records ?? []).length };
}

async function listOffset(connection: Connection, topic: string, partition: number, timestamp: bigint) {
  const response = await responseOf(
    listOffsetsV9.api.async(connection, -1, 0, [
      { name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp }] },
    ]),
  );
  const answer = response.topics[0].partitions[0];
  return {
    errorCode: answer.errorCode,
    offset: Number(answer.offset),
    timestamp: answer.timestamp === -1n ? NO_TIMESTAMP : Number(answer.timestamp - T0),
  };
}

async function metadata(connection: Connection, topics: string[], allowAutoTopicCreation: boolean) {
  const response = await responseOf(metadataV12.api.async(connection, topics, allowAutoTopicCreation, false));
  const self = response.brokers[0]?.nodeId;
  const who = (nodeId: number) => (nodeId === self ? 'broker' : nodeId);
  return {
    brokers: response.brokers.map((broker) => ({ host: broker.host, rack: broker.rack })),
    hasClusterId: typeof response.clusterId === 'string' && response.clusterId.length > 0,
    controllerIsTheBroker: response.controllerId === self,
    topics: response.topics.map((topic) => ({
      name: topic.name,
      errorCode: topic.errorCode,
      isInternal: topic.isInternal,
      hasTopicId: topic.topicId !== '00000000-0000-0000-0000-000000000000',
      partitions: topic.partitions.map((partition) => ({
        index: partition.partitionIndex,
        errorCode: partition.errorCode,
        leader: who(partition.leaderId),
        leaderEpoch: partition.leaderEpoch,
        replicas: partition.replicaNodes.map(who),
        isr: partition.isrNodes.map(who),
        offline: partition.offlineReplicas.map(who),
      })),
    })),
  };
}

/** UNKNOWN_TOPIC_OR_PARTITION or LEADER_NOT_AVAILABLE: a client retries on both. */
function isRetriableMetadataError(code: number): boolean {
  return code === 3 || code === 5;
}

/** DescribeTopicPartitions two partitions at a time, following the cursor: [topic, error, partitions] per page. */
async function describeTopicPartitionPages(connection: Connection, topics: string[]) {
  const pages = [];
  let cursor: { topicName: string; partitionIndex: number } | undefined;
  do {
    const response = await responseOf(
      describeTopicPartitionsV0.api.async(
        connection,
        topics.map((name) => ({ name })),
        2,
        cursor,
      ),
    );
    pages.push(
      response.topics.map((topic) => {
        assert.equal(
          topic.topicAuthorizedOperations,
          3576,
          'every topic operation, as without an authorizer',
        );
        return [topic.name, topic.errorCode, topic.partitions.map((p) => p.partitionIndex)];
      }),
    );
    cursor = response.nextCursor ?? undefined;
  } while (cursor && pages.length < 10);
  return pages;
}

/** Keeps the configs present on both sides, plus the named ones (so a missing override shows). */
function onlyShared<T extends { configs: Record<string, unknown> }>(mine: T, theirs: T, required: string[]) {
  const names = Object.keys(mine.configs).filter((name) => name in theirs.configs || required.includes(name));
  return { ...mine, configs: Object.fromEntries(names.sort().map((name) => [name, mine.configs[name]])) };
}

/**
 * A classic group seen from the wire: the member id round trip, a generation, SyncGroup and Heartbeat
 * errors, commits by members and outsiders, and what OffsetFetch returns; member ids (random) left out.
 */
async function classicGroupScenario(client: RawClient) {
  const code = async (apiKey: number, version: number, body: Message) =>
    (await client.request(apiKey, version, body)).errorCode as number;
  const commitCodes = async (version: number, body: Message) =>
    ((await client.request(API_KEYS.OffsetCommit, version, body)).topics as Message[]).flatMap((t) =>
      (t.partitions as Message[]).map((p) => p.errorCode),
    );
  await createRawTopic(client, 'diff-group', 2);
  // Kafka creates __consumer_offsets on the first FindCoordinator and answers once it is loaded.
  await waitFor(async () =>
    (await client.request(API_KEYS.FindCoordinator, 3, { key: 'diff', keyType: 0 })).errorCode === 0
      ? true
      : undefined,
  );
  // Kafka may still be loading the group's partition (COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR).
  const first = await waitFor(async () => {
    const response = await client.request(API_KEYS.JoinGroup, 9, joinBody('diff', ''));
    return response.errorCode === 14 || response.errorCode === 16 ? undefined : response;
  });
  const joined = (await client.request(API_KEYS.JoinGroup, 9, joinBody('diff', first.memberId))) as Joined;
  const join = {
    first: first.errorCode,
    joined: [joined.errorCode, joined.generationId, joined.leader === joined.memberId],
    unknownMember: await code(API_KEYS.JoinGroup, 9, joinBody('diff', 'nobody')),
    noGroup: await code(API_KEYS.JoinGroup, 9, joinBody('diff-none', 'nobody')),
  };
  const sync = {
    badGeneration: await code(API_KEYS.SyncGroup, 5, { ...syncBody('diff', joined), generationId: 99 }),
    unknownMember: await code(API_KEYS.SyncGroup, 5, { ...syncBody('diff', joined), memberId: 'nobody' }),
    noGroup: await code(API_KEYS.SyncGroup, 5, syncBody('diff-none', joined)),
    missingProtocol: await code(API_KEYS.SyncGroup, 5, { ...syncBody('diff', joined), protocolType: null }),
    ok: await code(
      API_KEYS.SyncGroup,
      5,
      syncBody('diff', joined, [{ memberId: joined.memberId, assignment: Buffer.from('a') }]),
    ),
  };
  const heartbeat = {
    ok: await code(API_KEYS.Heartbeat, 4, heartbeatBody('diff', joined)),
    badGeneration: await code(API_KEYS.Heartbeat, 4, { ...heartbeatBody('diff', joined), generationId: 99 }),
    noGroup: await code(API_KEYS.Heartbeat, 4, heartbeatBody('diff-none', joined)),
  };
  const commit = {
    ok: await commitCodes(
      9,
      commitBody('diff', joined.generationId, joined.memberId, { 'diff-group': [3n, 4n] }),
    ),
    badGeneration: (await commitCodes(9, commitBody('diff', 99, joined.memberId, { 'diff-group': [1n] })))[0],
    unknownMember: (
      await commitCodes(9, commitBody('diff', joined.generationId, 'nobody', { 'diff-group': [1n] }))
    )[0],
    noGroupV9: (await commitCodes(9, commitBody('diff-none', 5, 'm', { 'diff-group': [1n] })))[0],
    noGroupV8: (await commitCodes(8, commitBody('diff-none', 5, 'm', { 'diff-group': [1n] })))[0],
  };
  const fetched = await client.request(API_KEYS.OffsetFetch, 8, {
    groups: [
      { groupId: 'diff', topics: null },
      { groupId: 'diff-none', topics: [{ name: 'diff-group', partitionIndexes: [0] }] },
    ],
    requireStable: true,
  });
  const leave = await client.request(API_KEYS.LeaveGroup, 5, {
    groupId: 'diff',
    members: [
      { memberId: joined.memberId, groupInstanceId: null, reason: null },
      { memberId: 'nobody', groupInstanceId: null, reason: null },
    ],
  });
  const described = await client.request(API_KEYS.DescribeGroups, 5, {
    groups: ['diff', 'diff-none'],
    includeAuthorizedOperations: true,
  });
  return {
    join,
    sync,
    heartbeat,
    commit,
    fetched: fetched.groups,
    leave: [leave.errorCode, (leave.members as Message[]).map((m) => m.errorCode)],
    described: (described.groups as Message[]).map((g) => [
      g.groupId,
      g.errorCode,
      g.groupState,
      g.protocolType,
      g.authorizedOperations,
    ]),
  };
}

async function createRawTopic(client: RawClient, name: string, partitions: number): Promise<void> {
  await createTopicRaw(client, name, partitions);
  await waitFor(async () => {
    for (let partition = 0; partition < partitions; partition++) {
      const response = await client.request(API_KEYS.ListOffsets, 7, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name, partitions: [{ partitionIndex: partition, timestamp: -1n }] }],
      });
      if ((response.topics as Message[])[0].partitions[0].errorCode !== 0) return undefined;
    }
    return true;
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

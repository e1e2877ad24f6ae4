// Broker behaviour as a client observes it, through @platformatic/kafka's own request encoders (not ours):
// long-poll fetches, fetch sessions, topic admin, config changes, and everything surviving a restart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Connection,
  createPartitionsV3,
  createTopicsV7,
  deleteRecordsV2,
  deleteTopicsV6,
  describeClusterV1,
  describeConfigsV4,
  fetchV17,
  incrementalAlterConfigsV1,
  metadataV12,
  produceV9,
} from '@platformatic/kafka';
import { buildBatch, updateCrc } from '../../src/protocol/records/batch.ts';
import { BATCH_HEADER_SIZE } from '../../src/protocol/records/batch-header.ts';
import { API_KEYS } from '../../src/protocol/schema/messages.generated.ts';
import { responseOf, withConnection } from '../support/kafka-requests.ts';
import { type NagareUnderTest, startNagare } from '../support/nagare.ts';
import { withRawClient } from '../support/raw-client.ts';

const TOPIC_RESOURCE = 2;

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function createTopic(
  c: Connection,
  name: string,
  partitions = 1,
  configs: Record<string, string> = {},
) {
  const response = await responseOf(
    createTopicsV7.api.async(
      c,
      [
        {
          name,
          numPartitions: partitions,
          replicationFactor: 1,
          assignments: [],
          configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
        },
      ],
      10_000,
      false,
    ),
  );
  return response.topics[0];
}

/** Each record keyed by its value: compacted topics refuse records without a key. */
async function produce(c: Connection, topic: string, values: string[], partition = 0) {
  const response = await responseOf(
    produceV9.api.async(
      c,
      -1,
      10_000,
      values.map((v) => ({ topic, partition, key: Buffer.from(v), value: Buffer.from(v) })),
    ),
  );
  if (typeof response === 'boolean') throw new Error('no produce response');
  return response.responses[0].partitionResponses[0];
}

async function topicId(c: Connection, name: string): Promise<string> {
  const response = await responseOf(metadataV12.api.async(c, [name], false, false));
  return response.topics[0].topicId;
}

function fetchTopic(id: string, partition: number, fetchOffset: bigint) {
  return {
    topicId: id,
    partitions: [
      {
        partition,
        currentLeaderEpoch: -1,
        fetchOffset,
        lastFetchedEpoch: -1,
        logStartOffset: -1n,
        partitionMaxBytes: 1 << 20,
      },
    ],
  };
}

describe('broker APIs seen by a client', () => {
  let nagare: NagareUnderTest;
  before(async () => {
    nagare = await startNagare();
  });
  after(() => nagare.stop());

  it('a long-polling fetch returns as soon as a record arrives, and waits out max.wait.ms otherwise', async () => {
    await withConnection(nagare, async (c) => {
      await createTopic(c, 'long-poll');
      const id = await topicId(c, 'long-poll');
      await withConnection(nagare, async (consumer) => {
        const started = Date.now();
        const waiting = fetchV17.api.async(
          consumer,
          10_000,
          1,
          1 << 20,
          0,
          0,
          -1,
          [fetchTopic(id, 0, 0n)],
          [],
          '',
        );
        await produce(c, 'long-poll', ['wake up']);
        const response = await waiting;
        const partition = response.responses[0].partitions[0];
        assert.equal(partition.records?.[0]?.records[0].value?.toString(), 'wake up');
        assert.ok(Date.now() - started < 9_000, 'answered before max.wait.ms');
        const idleStart = Date.now();
        const idle = await fetchV17.api.async(
          consumer,
          300,
          1,
          1 << 20,
          0,
          0,
          -1,
          [fetchTopic(id, 0, 1n)],
          [],
          '',
        );
        assert.ok(Date.now() - idleStart >= 250, 'waited for max.wait.ms without data');
        assert.equal(idle.responses[0].partitions[0].records?.length ?? 0, 0, 'no records');
      });
    });
  });

  it('a fetch session answers incremental fetches with only the partitions that changed', async () => {
    await withConnection(nagare, async (c) => {
      await createTopic(c, 'session', 2);
      const id = await topicId(c, 'session');
      const both = {
        topicId: id,
        partitions: [0, 1].map((partition) => fetchTopic(id, partition, 0n).partitions[0]),
      };
      const full = await fetchV17.api.async(c, 0, 0, 1 << 20, 0, 0, 0, [both], [], '');
      assert.notEqual(full.sessionId, 0, 'a session was opened');
      assert.equal(full.responses[0].partitions.length, 2, 'a full response names every partition');
      const quiet = await fetchV17.api.async(c, 0, 0, 1 << 20, 0, full.sessionId, 1, [], [], '');
      assert.equal(quiet.responses.length, 0, 'nothing changed, nothing sent');
      await produce(c, 'session', ['one'], 1);
      const news = await fetchV17.api.async(c, 0, 0, 1 << 20, 0, full.sessionId, 2, [], [], '');
      assert.deepEqual(
        news.responses[0].partitions.map((p) => p.partitionIndex),
        [1],
      );
      const stale = await responseOf(fetchV17.api.async(c, 0, 0, 1 << 20, 0, full.sessionId, 2, [], [], ''));
      assert.equal(stale.errorCode, 71, 'INVALID_FETCH_SESSION_EPOCH');
    });
  });

  it('topic configs can be set incrementally, are validated, and show up as topic overrides', async () => {
    await withConnection(nagare, async (c) => {
      await createTopic(c, 'configs');
      const set = await responseOf(
        incrementalAlterConfigsV1.api.async(
          c,
          [
            {
              resourceType: TOPIC_RESOURCE,
              resourceName: 'configs',
              configs: [{ name: 'retention.ms', configOperation: 0, value: '3600000' }],
            },
          ],
          false,
        ),
      );
      assert.equal(set.responses[0].errorCode, 0);
      const bad = await responseOf(
        incrementalAlterConfigsV1.api.async(
          c,
          [
            {
              resourceType: TOPIC_RESOURCE,
              resourceName: 'configs',
              configs: [{ name: 'retention.ms', configOperation: 0, value: 'soon' }],
            },
          ],
          false,
        ),
      );
      assert.equal(bad.responses[0].errorCode, 40, 'INVALID_CONFIG');
      assert.match(bad.responses[0].errorMessage ?? '', /retention\.ms/);
      const described = await responseOf(
        describeConfigsV4.api.async(
          c,
          [{ resourceType: TOPIC_RESOURCE, resourceName: 'configs', configurationKeys: ['retention.ms'] }],
          true,
          false,
        ),
      );
      const entry = described.results[0].configs[0];
      assert.deepEqual([entry.name, entry.value, entry.configSource], ['retention.ms', '3600000', 1]);
    });
  });

  it('a topic with compression.type=gzip stores gzip batches whatever the producer sent', async () => {
    await withConnection(nagare, async (c) => {
      await createTopic(c, 'recompressed', 1, { 'compression.type': 'gzip' });
      const id = await topicId(c, 'recompressed');
      await produce(c, 'recompressed', ['alpha', 'beta', 'gamma']);
      const fetched = await fetchV17.api.async(c, 0, 0, 1 << 20, 0, 0, -1, [fetchTopic(id, 0, 0n)], [], '');
      const batches = fetched.responses[0].partitions[0].records ?? [];
      assert.equal(batches.length, 1);
      assert.equal(batches[0].attributes & 0x07, 1, 'stored with gzip');
      assert.deepEqual(
        batches[0].records.map((r) => r.value?.toString()),
        ['alpha', 'beta', 'gamma'],
      );
    });
  });

  it('DeleteRecords moves the log start offset; reads below it are out of range; compacted topics refuse', async () => {
    await withConnection(nagare, async (c) => {
      await createTopic(c, 'trimmed');
      const id = await topicId(c, 'trimmed');
      for (const v of ['a', 'b', 'c', 'd']) await produce(c, 'trimmed', [v]);
      const trim = async (topic: string, offset: bigint) =>
        (
          await responseOf(
            deleteRecordsV2.api.async(
              c,
              [{ name: topic, partitions: [{ partitionIndex: 0, offset }] }],
              10_000,
            ),
          )
        ).topics[0].partitions[0];
      assert.deepEqual(
        [(await trim('trimmed', 2n)).errorCode, (await trim('trimmed', 2n)).lowWatermark],
        [0, 2n],
      );
      const below = await responseOf(
        fetchV17.api.async(c, 0, 0, 1 << 20, 0, 0, -1, [fetchTopic(id, 0, 1n)], [], ''),
      );
      assert.equal(below.responses[0].partitions[0].errorCode, 1, 'OFFSET_OUT_OF_RANGE');
      // As Kafka does, the error answer leaves both offsets unknown; ListOffsets earliest tells the new start.
      assert.equal(below.responses[0].partitions[0].logStartOffset, -1n);
      assert.equal(below.responses[0].partitions[0].highWatermark, -1n);
      assert.equal((await trim('trimmed', 99n)).errorCode, 1, 'beyond the high watermark');
      assert.equal((await trim('trimmed', -1n)).lowWatermark, 4n, '-1 means the high watermark');
      await createTopic(c, 'compacted', 1, { 'cleanup.policy': 'compact' });
      assert.equal((await trim('compacted', 0n)).errorCode, 44, 'POLICY_VIOLATION');
      assert.equal((await trim('nowhere', 0n)).errorCode, 3, 'UNKNOWN_TOPIC_OR_PARTITION');
    });
  });

  it('DescribeCluster names the cluster, its controller and its one broker', async () => {
    await withConnection(nagare, async (c) => {
      const cluster = await responseOf(describeClusterV1.api.async(c, false, 1));
      assert.equal(cluster.errorCode, 0);
      assert.equal(cluster.clusterId, nagare.broker.clusterId);
      assert.equal(cluster.controllerId, 1);
      assert.deepEqual(
        cluster.brokers.map((b) => [b.brokerId, `${b.host}:${b.port}`]),
        [[1, nagare.bootstrap]],
      );
      const controllers = await responseOf(describeClusterV1.api.async(c, false, 2));
      assert.equal(controllers.errorCode, 115, 'UNSUPPORTED_ENDPOINT_TYPE');
    });
  });

  it('a compressed batch that does not decompress is refused and not stored, even with a valid CRC', async () => {
    await withConnection(nagare, async (c) => {
      await createTopic(c, 'corrupt-gzip');
      const good = await buildBatch({
        records: [{ value: Buffer.from('x'.repeat(500)), timestamp: BigInt(Date.now()) }],
        compression: 1,
      });
      const bad = Buffer.from(good);
      bad.fill(0x5a, BATCH_HEADER_SIZE + 10);
      updateCrc(bad);
      const answer = await withRawClient(nagare.port, (raw) =>
        raw.request(API_KEYS.Produce, 9, {
          transactionalId: null,
          acks: -1,
          timeoutMs: 5000,
          topicData: [{ name: 'corrupt-gzip', partitionData: [{ index: 0, records: bad }] }],
        }),
      );
      assert.equal(answer.responses[0].partitionResponses[0].errorCode, 2, 'CORRUPT_MESSAGE');
      assert.equal(nagare.broker.partitions.get('corrupt-gzip', 0)?.logEndOffset, 0n, 'nothing stored');
      assert.equal((await produce(c, 'corrupt-gzip', ['fine'])).baseOffset, 0n);
    });
  });

  it('partitions can be added but never removed', async () => {
    await withConnection(nagare, async (c) => {
      await createTopic(c, 'grow', 1);
      const grow = await responseOf(
        createPartitionsV3.api.async(c, [{ name: 'grow', count: 3, assignments: [] }], 10_000, false),
      );
      assert.equal(grow.results[0].errorCode, 0);
      const shrink = await responseOf(
        createPartitionsV3.api.async(c, [{ name: 'grow', count: 2, assignments: [] }], 10_000, false),
      );
      assert.equal(shrink.results[0].errorCode, 37, 'INVALID_PARTITIONS');
      const meta = await responseOf(metadataV12.api.async(c, ['grow'], false, false));
      assert.equal(meta.topics[0].partitions.length, 3);
      assert.equal((await produce(c, 'grow', ['x'], 2)).errorCode, 0);
    });
  });

  it('a deleted topic is gone, and recreating it starts an empty log with a new id', async () => {
    await withConnection(nagare, async (c) => {
      await createTopic(c, 'doomed');
      const oldId = await topicId(c, 'doomed');
      await produce(c, 'doomed', ['a', 'b']);
      const deleted = await responseOf(deleteTopicsV6.api.async(c, [{ name: 'doomed' }], 10_000));
      assert.equal(deleted.responses[0].errorCode, 0);
      const meta = await responseOf(metadataV12.api.async(c, ['doomed'], false, false));
      assert.equal(meta.topics[0].errorCode, 3, 'UNKNOWN_TOPIC_OR_PARTITION');
      await createTopic(c, 'doomed');
      assert.notEqual(await topicId(c, 'doomed'), oldId);
      assert.equal((await produce(c, 'doomed', ['fresh'])).baseOffset, 0n);
    });
  });
});

describe('a stopping broker', () => {
  it('releases long-polling fetches at once instead of leaving them to wait out max.wait.ms', async () => {
    const nagare = await startNagare();
    let stopped = false;
    try {
      await withConnection(nagare, async (c) => {
        await createTopic(c, 'idle');
        const id = await topicId(c, 'idle');
        const polling = fetchV17.api.async(c, 60_000, 1, 1 << 20, 0, 0, -1, [fetchTopic(id, 0, 0n)], [], '');
        polling.catch(() => {});
        await until(() => nagare.broker.partitions.watchedPartitions > 0, 'the fetch to be parked');
        const started = Date.now();
        await nagare.stop();
        stopped = true;
        assert.ok(Date.now() - started < 10_000, 'stopped without waiting for the fetch to time out');
        assert.equal(nagare.broker.partitions.watchedPartitions, 0, 'no fetch is left waiting');
      });
    } finally {
      if (!stopped) await nagare.stop();
    }
  });
});

describe('a restarted broker', () => {
  it('keeps its cluster id, topics, ids, configs and records', async () => {
    const first = await startNagare();
    const dataDir = first.dataDir;
    let before: { clusterId: string | null | undefined; id: string };
    try {
      before = await withConnection(first, async (c) => {
        await createTopic(c, 'durable', 2, { 'cleanup.policy': 'compact' });
        await produce(c, 'durable', ['one', 'two', 'three'], 1);
        const meta = await responseOf(metadataV12.api.async(c, ['durable'], false, false));
        return { clusterId: meta.clusterId, id: meta.topics[0].topicId };
      });
    } finally {
      await first.broker.stop();
    }
    const second = await startNagare({ dataDir });
    try {
      await withConnection(second, async (c) => {
        const meta = await responseOf(metadataV12.api.async(c, ['durable'], false, false));
        assert.equal(meta.clusterId, before.clusterId);
        assert.equal(meta.topics[0].topicId, before.id);
        assert.equal(meta.topics[0].partitions.length, 2);
        const described = await responseOf(
          describeConfigsV4.api.async(
            c,
            [
              {
                resourceType: TOPIC_RESOURCE,
                resourceName: 'durable',
                configurationKeys: ['cleanup.policy'],
              },
            ],
            false,
            false,
          ),
        );
        assert.equal(described.results[0].configs[0].value, 'compact');
        const fetched = await fetchV17.api.async(
          c,
          0,
          0,
          1 << 20,
          0,
          0,
          -1,
          [fetchTopic(before.id, 1, 0n)],
          [],
          '',
        );
        const values = fetched.responses[0].partitions[0].records?.flatMap((b) =>
          b.records.map((r) => r.value?.toString()),
        );
        assert.deepEqual(values, ['one', 'two', 'three']);
        assert.equal((await produce(c, 'durable', ['four'], 1)).baseOffset, 3n);
      });
    } finally {
      await second.stop();
      const { rm } = await import('node:fs/promises');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

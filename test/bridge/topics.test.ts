// Topics through the HTTP bridge, end to end: a topic created with POST /admin/topics, records produced
// into it with kcat, then its listing, metadata, partitions and partition offsets read over plain HTTP;
// unknown topics and invalid requests answered with the errors the Strimzi bridge gives. Every response is
// checked against openapi.json by the harness. Runs against Nagare and against Apache Kafka
// (describeBridge), or only NAGARE_TEST_SUBJECT's broker when it is set.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  assertBadRequest,
  assertError,
  assertUnsupportedMediaType,
  CONTENT_TYPES,
  describeBridge,
  SCHEMA_VALIDATION_ERROR,
  waitUntil,
} from '../support/bridge.ts';
import { kcatProduce } from '../support/bridge-kcat.ts';
import { kcatMissing } from '../support/external-tools.ts';

describeBridge(
  'topics and info',
  { missing: [kcatMissing()], workDirPrefix: 'nagare-bridge-topics-' },
  (fixture) => {
    const TOPIC = 'bridge-topics-metadata';
    /** Records kcat produces into each partition of TOPIC. */
    const COUNTS = [3, 0, 5];

    interface PartitionMetadata {
      partition: number;
      leader: number;
      replicas: Array<{ broker: number; leader: boolean; in_sync: boolean }>;
    }

    const get = (path: string, accept?: string) => fixture.bridge.api.request('GET', path, { accept });

    describe('topics', () => {
      before(async () => {
        const created = await fixture.bridge.api.request('POST', '/admin/topics', {
          contentType: CONTENT_TYPES.json,
          body: { topic_name: TOPIC, partitions_count: COUNTS.length, replication_factor: 1 },
        });
        assert.equal(created.status, 201);
        // Creation is acknowledged by the controller; metadata may trail it by a moment.
        await waitUntil(`${TOPIC} in GET /topics`, async () =>
          ((await get('/topics')).body as string[]).includes(TOPIC),
        );
        await Promise.all(
          COUNTS.map((count, partition) =>
            kcatProduce(
              fixture.broker.bootstrap,
              fixture.workDir,
              { topic: TOPIC, partition },
              Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `p${partition}-v${i}` })),
            ),
          ),
        );
      });

      test('GET /topics lists the created topic and no internal topics', async () => {
        const response = await get('/topics');
        assert.equal(response.status, 200);
        const topics = response.body as string[];
        assert.ok(topics.includes(TOPIC), `${TOPIC} missing from ${JSON.stringify(topics)}`);
        assert.deepEqual(
          topics.filter((name) => name.startsWith('__')),
          [],
        );
      });

      test('GET /topics/{topic} gives its partitions with leader and replicas', async () => {
        const response = await get(`/topics/${TOPIC}`);
        assert.equal(response.status, 200);
        const metadata = response.body as {
          name: string;
          configs?: Record<string, string>;
          partitions: PartitionMetadata[];
        };
        assert.equal(metadata.name, TOPIC);
        assert.deepEqual(metadata.partitions.map(({ partition }) => partition).sort(), [0, 1, 2]);
        for (const partition of metadata.partitions) {
          assert.equal(partition.replicas.length, 1);
          const [replica] = partition.replicas;
          assert.equal(replica.broker, partition.leader);
          assert.equal(replica.leader, true);
          assert.equal(replica.in_sync, true);
        }
        if (metadata.configs) assert.equal(metadata.configs['cleanup.policy'], 'delete');
      });

      test('GET /topics/{topic}/partitions and /partitions/{p} agree with the topic metadata', async () => {
        const topic = (await get(`/topics/${TOPIC}`)).body as { partitions: PartitionMetadata[] };
        const list = await get(`/topics/${TOPIC}/partitions`);
        assert.equal(list.status, 200);
        const byNumber = (a: PartitionMetadata, b: PartitionMetadata) => a.partition - b.partition;
        assert.deepEqual(
          (list.body as PartitionMetadata[]).toSorted(byNumber),
          topic.partitions.toSorted(byNumber),
        );
        const one = await get(`/topics/${TOPIC}/partitions/2`);
        assert.equal(one.status, 200);
        assert.deepEqual(
          one.body,
          topic.partitions.find(({ partition }) => partition === 2),
        );
      });

      test('GET /topics/{topic}/partitions/{p}/offsets gives the beginning and end of what kcat produced', async () => {
        for (const [partition, count] of COUNTS.entries()) {
          const response = await get(`/topics/${TOPIC}/partitions/${partition}/offsets`);
          assert.equal(response.status, 200);
          assert.deepEqual(
            response.body,
            { beginning_offset: 0, end_offset: count },
            `partition ${partition}`,
          );
        }
      });

      test('an unknown topic is 404 for metadata, partitions, a partition and its offsets', async () => {
        for (const path of [
          '/topics/no-such-topic',
          '/topics/no-such-topic/partitions',
          '/topics/no-such-topic/partitions/0',
          '/topics/no-such-topic/partitions/0/offsets',
        ])
          assertError(await get(path), 404);
      });

      test('an unknown partition of a known topic is 404', async () => {
        assertError(await get(`/topics/${TOPIC}/partitions/${COUNTS.length}`), 404);
        assertError(await get(`/topics/${TOPIC}/partitions/${COUNTS.length}/offsets`), 404);
      });

      test('a negative partition is 400, failing schema validation', async () => {
        for (const path of [`/topics/${TOPIC}/partitions/-1`, `/topics/${TOPIC}/partitions/-1/offsets`]) {
          const response = await fixture.bridge.api.request('GET', path, { undocumented: 400 });
          assertBadRequest(response, SCHEMA_VALIDATION_ERROR);
        }
      });

      test('POST /admin/topics without topic_name is 400, failing schema validation', async () => {
        const response = await fixture.bridge.api.request('POST', '/admin/topics', {
          contentType: CONTENT_TYPES.json,
          body: { partitions_count: 1 },
          undocumented: 400,
        });
        assertBadRequest(response, SCHEMA_VALIDATION_ERROR);
      });

      test('POST /admin/topics in a content type other than the json embedded format is 415', async () => {
        const response = await fixture.bridge.api.request('POST', '/admin/topics', {
          contentType: 'text/plain',
          body: JSON.stringify({ topic_name: 'bridge-topics-bad-type' }),
          undocumented: 415,
        });
        assertUnsupportedMediaType(response);
      });
    });

    describe('info and management endpoints', () => {
      test('GET / gives the bridge version; /openapi and /openapi/v3 serve the API document', async () => {
        const info = await fixture.bridge.api.request('GET', '/');
        assert.equal(info.status, 200);
        assert.equal(typeof (info.body as { bridge_version: unknown }).bridge_version, 'string');
        for (const path of ['/openapi', '/openapi/v3']) {
          const response = await fixture.bridge.api.request('GET', path);
          assert.equal(response.status, 200);
          const document = response.body as { openapi: string; paths: Record<string, unknown> };
          assert.match(document.openapi, /^3\./);
          assert.ok('/topics/{topicname}' in document.paths, `${path} lacks /topics/{topicname}`);
        }
      });

      test('/healthy, /ready and /metrics answer on the management port', async () => {
        assert.equal((await fixture.bridge.management.request('GET', '/healthy')).status, 200);
        assert.equal((await fixture.bridge.management.request('GET', '/ready')).status, 200);
        const metrics = await fixture.bridge.management.request('GET', '/metrics');
        assert.equal(metrics.status, 200);
        assert.match(metrics.body as string, /^# (HELP|TYPE) /m);
      });
    });
  },
);

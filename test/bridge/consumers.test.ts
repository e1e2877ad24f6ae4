// Consuming through the HTTP bridge, end to end, with plain HTTP clients and kcat: records produced over
// HTTP or with kcat and polled over HTTP in each embedded format, two instances of one group sharing the
// partitions, isolation levels, commit, seek, pattern subscription, manual assignment, idle instances
// closed, and bad requests answered as the Strimzi bridge answers them (its ConsumerIT,
// ConsumerSubscriptionIT and SeekIT are the reference for statuses and messages). Every response is
// checked against openapi.json by the harness. Runs against Nagare and against Apache Kafka
// (describeBridge), or only NAGARE_TEST_SUBJECT's broker when it is set.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Producer, stringSerializers } from '@platformatic/kafka';
import {
  assertBadRequest,
  assertError,
  assertUnsupportedMediaType,
  type BridgeClient,
  type BridgeResponse,
  CONTENT_TYPES,
  describeBridge,
  SCHEMA_VALIDATION_ERROR,
  startBridge,
  waitUntil,
} from '../support/bridge.ts';
import { kcatProduce } from '../support/bridge-kcat.ts';
import { kcatMissing } from '../support/external-tools.ts';
import { createTopic } from '../support/platformatic-io.ts';

type Format = 'json' | 'binary' | 'text';

/** A consumer instance as the tests address it. */
interface Instance {
  group: string;
  name: string;
  format: Format;
  /** /consumers/{group}/instances/{name} */
  path: string;
}

interface PolledRecord {
  topic: string;
  key: unknown;
  value: unknown;
  partition: number;
  offset: number;
  timestamp?: number;
  headers?: Array<{ key: string; value: string }>;
}

/** How long one poll waits for records (ms): short, so that loops notice progress quickly. */
const POLL_TIMEOUT_MS = 200;
/** The bridge's id, which generated instance names start with. */
const BRIDGE_ID = 'consumers-test-bridge';
const PROPERTIES = { 'bridge.id': BRIDGE_ID };
/** How long a loop waits for a group to settle or records to arrive. */
const SETTLE_MS = 30_000;

/** The Strimzi bridge's messages, which clients match on. */
const NOT_FOUND = 'The specified consumer instance was not found.';
const EXCLUSIVE = 'Subscriptions to topics, partitions, and patterns are mutually exclusive.';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const message = (response: BridgeResponse) => (response.body as { message: string }).message;
const byPosition = (a: PolledRecord, b: PolledRecord) =>
  a.topic.localeCompare(b.topic) || a.partition - b.partition || a.offset - b.offset;

describeBridge(
  'consumers',
  {
    missing: [kcatMissing()],
    workDirPrefix: 'nagare-bridge-consumers-',
    properties: PROPERTIES,
  },
  (fixture) => {
    const api = (): BridgeClient => fixture.bridge.api;

    async function freshTopic(name: string, partitions = 1): Promise<string> {
      await createTopic(fixture.broker.bootstrap, { name, partitions });
      return name;
    }

    /** Produces records over HTTP, in the text embedded format unless told otherwise. */
    async function produce(topic: string, records: unknown[], format: Format = 'text'): Promise<void> {
      const response = await api().request('POST', `/topics/${topic}`, {
        contentType: CONTENT_TYPES[format],
        body: { records },
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
    }

    /** One transaction per value, each committed or aborted, with a transactional client. */
    async function produceInTransactions(topic: string, values: Array<[string, boolean]>): Promise<void> {
      const producer = new Producer({
        clientId: 'consumers-test-transactions',
        bootstrapBrokers: [fixture.broker.bootstrap],
        idempotent: true,
        transactionalId: `consumers-test-${topic}`,
        serializers: stringSerializers,
      });
      try {
        for (const [value, commit] of values) {
          const transaction = await producer.beginTransaction();
          await transaction.send({ messages: [{ topic, value, partition: 0 }] });
          await (commit ? transaction.commit() : transaction.abort());
        }
      } finally {
        await producer.close();
      }
    }

    function create(group: string, body: unknown) {
      return api().request('POST', `/consumers/${group}`, { contentType: CONTENT_TYPES.v2, body });
    }

    /** Creates an instance (earliest, unless `body` says otherwise) and checks the answer. */
    async function instance(group: string, body: Record<string, unknown> = {}): Promise<Instance> {
      const response = await create(group, { 'auto.offset.reset': 'earliest', ...body });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const { instance_id: name } = response.body as { instance_id: string };
      const format = (body.format as Format | undefined) ?? 'binary';
      return { group, name, format, path: `/consumers/${group}/instances/${name}` };
    }

    /** A request with a JSON body in the bridge's own type, when it has a body. */
    function call(method: string, path: string, body?: unknown): Promise<BridgeResponse> {
      const contentType = body === undefined ? undefined : CONTENT_TYPES.v2;
      return api().request(method, path, { body, contentType });
    }

    function expectNoContent(response: BridgeResponse): void {
      assert.equal(response.status, 204, JSON.stringify(response.body));
      assert.equal(response.body, '');
    }

    const subscribe = async (consumer: Instance, body: unknown) =>
      expectNoContent(await call('POST', `${consumer.path}/subscription`, body));

    const remove = async (...consumers: Instance[]) => {
      for (const consumer of consumers) expectNoContent(await call('DELETE', consumer.path));
    };

    function poll(consumer: Instance, accept: string = CONTENT_TYPES[consumer.format], query = '') {
      return api().request('GET', `${consumer.path}/records?timeout=${POLL_TIMEOUT_MS}${query}`, {
        accept,
      });
    }

    /** One poll that must succeed: its records. */
    async function pollOnce(consumer: Instance): Promise<PolledRecord[]> {
      const response = await poll(consumer);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return response.body as PolledRecord[];
    }

    /** Polls until `count` records came back in all, then checks no poll overshot; sorted by position. */
    async function pollUntil(consumer: Instance, count: number): Promise<PolledRecord[]> {
      const records: PolledRecord[] = [];
      await waitUntil(
        `${count} records polled by ${consumer.name}`,
        async () => {
          records.push(...(await pollOnce(consumer)));
          return records.length >= count;
        },
        SETTLE_MS,
      );
      assert.equal(records.length, count, `polled more than expected: ${JSON.stringify(records)}`);
      return records.toSorted(byPosition);
    }

    /** The assignment GET .../subscription reports: topic → sorted partitions. */
    async function assignment(consumer: Instance): Promise<Map<string, number[]>> {
      const response = await call('GET', `${consumer.path}/subscription`);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const { partitions = [] } = response.body as { partitions?: Array<Record<string, number[]>> };
      const assigned = new Map<string, number[]>();
      for (const entry of partitions)
        for (const [topic, numbers] of Object.entries(entry)) assigned.set(topic, numbers.toSorted());
      return assigned;
    }

    const positions = (records: PolledRecord[]) =>
      records.map(({ partition, offset }) => [partition, offset]);

    describe('creating instances', () => {
      test('a named instance answers its name and a base_uri built from the request Host', async () => {
        const response = await create('create-group', { name: 'named', format: 'json' });
        assert.equal(response.status, 200);
        assert.deepEqual(response.body, {
          instance_id: 'named',
          base_uri: `${api().baseUrl}/consumers/create-group/instances/named`,
        });
        const again = await create('create-group', { name: 'named' });
        assertError(again, 409);
        assert.equal(
          message(again),
          'A consumer instance with the specified name already exists in the Kafka Bridge.',
        );
        expectNoContent(await call('DELETE', '/consumers/create-group/instances/named'));
      });

      test('behind a proxy, base_uri is built from its Forwarded and X-Forwarded-Path headers', async () => {
        const response = await api().request('POST', '/consumers/create-group', {
          contentType: CONTENT_TYPES.v2,
          body: { name: 'proxied' },
          headers: {
            forwarded: 'host=gateway.example:8443;proto=https',
            'x-forwarded-path': '/kafka/consumers/create-group',
          },
        });
        assert.equal(response.status, 200);
        assert.equal(
          (response.body as { base_uri: string }).base_uri,
          'https://gateway.example:8443/kafka/consumers/create-group/instances/proxied',
        );
        expectNoContent(await call('DELETE', '/consumers/create-group/instances/proxied'));
      });

      test('every consumer property of the API is accepted', async () => {
        const consumer = await instance('create-group', {
          name: 'all-properties',
          format: 'text',
          'auto.offset.reset': 'latest',
          'enable.auto.commit': false,
          'fetch.min.bytes': 100,
          'consumer.request.timeout.ms': 5000,
          'isolation.level': 'read_committed',
        });
        await remove(consumer);
      });

      test('an empty body creates an instance named after bridge.id, reachable at its base_uri', async () => {
        const response = await create('create-group', {});
        assert.equal(response.status, 200);
        const { instance_id: name, base_uri: base } = response.body as Record<string, string>;
        assert.ok(name.startsWith(`${BRIDGE_ID}-`), name);
        assert.equal(base, `${api().baseUrl}/consumers/create-group/instances/${name}`);
        expectNoContent(await call('DELETE', new URL(base).pathname));
        assertError(await call('DELETE', new URL(base).pathname), 404);
      });
    });

    describe('polling records', () => {
      test('produced over HTTP, polled over HTTP in the json format with keys, headers and positions', async () => {
        const topic = await freshTopic('consume-http-json', 2);
        const before = Date.now();
        await produce(
          topic,
          [
            {
              key: 'k0',
              value: { n: 0, list: [true, null] },
              partition: 0,
              headers: [{ key: 'h', value: b64('v') }],
            },
            { key: { id: 1 }, value: [1, 'two'], partition: 1 },
            { value: 'no key', partition: 1 },
          ],
          'json',
        );
        const consumer = await instance('poll-json', { format: 'json' });
        await subscribe(consumer, { topics: [topic] });
        const records = await pollUntil(consumer, 3);
        for (const record of records) {
          assert.equal(typeof record.timestamp, 'number');
          assert.ok((record.timestamp ?? 0) >= before - 60_000, `timestamp ${record.timestamp} is recent`);
        }
        assert.deepEqual(
          records.map(({ timestamp: _, ...rest }) => rest),
          [
            {
              topic,
              key: 'k0',
              value: { n: 0, list: [true, null] },
              partition: 0,
              offset: 0,
              headers: [{ key: 'h', value: b64('v') }],
            },
            { topic, key: { id: 1 }, value: [1, 'two'], partition: 1, offset: 0 },
            // Strimzi writes "key": null, which the document's RecordKey does not admit: no key at all.
            { topic, value: 'no key', partition: 1, offset: 1 },
          ],
        );
        await remove(consumer);
      });

      test('produced with kcat, polled over HTTP as json, binary and text', async () => {
        const topic = await freshTopic('consume-kcat-formats');
        const lines = [
          // kcat splits key from value at the first ':', so the keys hold none.
          { key: '[7,"k"]', value: '{"n":1,"s":"x"}' },
          { key: '"eight"', value: '[2,"✓"]' },
        ];
        await kcatProduce(fixture.broker.bootstrap, fixture.workDir, { topic, partition: 0 }, lines, [
          ['trace', 't-1'],
        ]);
        const expected: Record<Format, Array<{ key: unknown; value: unknown }>> = {
          json: [
            { key: [7, 'k'], value: { n: 1, s: 'x' } },
            { key: 'eight', value: [2, '✓'] },
          ],
          binary: lines.map(({ key, value }) => ({ key: b64(key), value: b64(value) })),
          text: lines,
        };
        for (const format of ['json', 'binary', 'text'] as const) {
          const consumer = await instance(`kcat-${format}`, { format });
          await subscribe(consumer, { topics: [topic] });
          const records = await pollUntil(consumer, 2);
          assert.deepEqual(
            records.map(({ key, value }) => ({ key, value })),
            expected[format],
            format,
          );
          assert.deepEqual(positions(records), [
            [0, 0],
            [0, 1],
          ]);
          for (const record of records)
            assert.deepEqual(record.headers, [{ key: 'trace', value: b64('t-1') }]);
          await remove(consumer);
        }
      });

      test('with auto-commit, what an instance polled is committed when the group rebalances', async () => {
        const topic = await freshTopic('consume-rebalance-commit', 2);
        const group = 'rebalance-commit-group';
        await produce(
          topic,
          Array.from({ length: 10 }, (_, i) => ({ value: `r${i}`, partition: i % 2 })),
        );
        const first = await instance(group, { format: 'text' });
        await subscribe(first, { topics: [topic] });
        assert.equal((await pollUntil(first, 10)).length, 10);
        // The first instance polls no more: only the rebalance a second member causes can commit what
        // it handed out, as the Java consumer does before rejoining.
        const second = await instance(group, { format: 'text' });
        await subscribe(second, { topics: [topic] });
        await waitUntil(
          'the second instance to get a partition',
          async () => {
            assert.deepEqual(await pollOnce(second), [], 'records the first instance handed out');
            return ((await assignment(second)).get(topic) ?? []).length > 0;
          },
          SETTLE_MS,
        );
        for (let i = 0; i < 3; i++)
          assert.deepEqual(await pollOnce(second), [], 'nothing is delivered again');
        await remove(first, second);
      });

      test('two instances of one group share the partitions: each record reaches exactly one of them', async () => {
        const topic = await freshTopic('consume-group-shared', 4);
        const group = 'shared-group';
        const [first, second] = [
          await instance(group, { format: 'text' }),
          await instance(group, { format: 'text' }),
        ];
        await subscribe(first, { topics: [topic] });
        await subscribe(second, { topics: [topic] });
        // Both poll (group membership progresses with polls) until the group has split the four
        // partitions between them; records produced after that go to a stable assignment.
        let split: number[][] = [];
        await waitUntil(
          'the group to split the partitions between both instances',
          async () => {
            assert.deepEqual(await pollOnce(first), []);
            assert.deepEqual(await pollOnce(second), []);
            split = [(await assignment(first)).get(topic) ?? [], (await assignment(second)).get(topic) ?? []];
            return split.every((partitions) => partitions.length > 0) && split.flat().length === 4;
          },
          SETTLE_MS,
        );
        assert.deepEqual(split.flat().toSorted(), [0, 1, 2, 3]);
        const sent = Array.from({ length: 40 }, (_, i) => ({ value: `r${i}`, partition: i % 4 }));
        await produce(topic, sent);
        const received: PolledRecord[][] = [[], []];
        await waitUntil(
          'all 40 records polled by the two instances',
          async () => {
            received[0].push(...(await pollOnce(first)));
            received[1].push(...(await pollOnce(second)));
            return received.flat().length >= sent.length;
          },
          SETTLE_MS,
        );
        const all = received.flat();
        assert.equal(all.length, sent.length, 'no record twice');
        assert.deepEqual(all.map(({ value }) => value).toSorted(), sent.map(({ value }) => value).toSorted());
        for (const [i, records] of received.entries()) {
          const foreign = records.filter(({ partition }) => !split[i].includes(partition));
          assert.deepEqual(foreign, [], `instance ${i} polled only its partitions ${split[i]}`);
          assert.equal(records.length, split[i].length * 10);
        }
        await remove(first, second);
      });

      test('read_committed skips the records of aborted transactions; read_uncommitted polls them', async () => {
        const topic = await freshTopic('consume-isolation');
        // Offsets: 0 aborted, 1 its abort marker, 2 committed, 3 its commit marker.
        await produceInTransactions(topic, [
          ['aborted', false],
          ['committed', true],
        ]);
        const committed = await instance('isolation-committed', {
          format: 'text',
          'isolation.level': 'read_committed',
        });
        await subscribe(committed, { topics: [topic] });
        assert.deepEqual(
          (await pollUntil(committed, 1)).map(({ offset, value }) => [offset, value]),
          [[2, 'committed']],
        );
        const uncommitted = await instance('isolation-uncommitted', { format: 'text' });
        await subscribe(uncommitted, { topics: [topic] });
        assert.deepEqual(
          (await pollUntil(uncommitted, 2)).map(({ offset, value }) => [offset, value]),
          [
            [0, 'aborted'],
            [2, 'committed'],
          ],
        );
        await remove(committed, uncommitted);
      });

      test('max_bytes smaller than the polled records is 422, saying so', async () => {
        const topic = await freshTopic('consume-max-bytes');
        await produce(topic, [{ value: 'x'.repeat(200) }]);
        const consumer = await instance('max-bytes', { format: 'text' });
        await subscribe(consumer, { topics: [topic] });
        let refused: BridgeResponse | undefined;
        await waitUntil(
          'a poll that has the record to refuse',
          async () => {
            const response = await poll(consumer, CONTENT_TYPES.text, '&max_bytes=10');
            if (response.status === 200) {
              assert.deepEqual(response.body, []);
              return false;
            }
            refused = response;
            return true;
          },
          SETTLE_MS,
        );
        assertError(refused as BridgeResponse, 422);
        assert.equal(
          message(refused as BridgeResponse),
          'Response exceeds the maximum number of bytes the consumer can receive',
        );
        await remove(consumer);
      });

      test('a json instance polling a record that is not JSON is 406, failing to decode', async () => {
        const topic = await freshTopic('consume-not-json');
        await kcatProduce(fixture.broker.bootstrap, fixture.workDir, { topic, partition: 0 }, [
          { key: 'k', value: 'not json {' },
        ]);
        const consumer = await instance('not-json', { format: 'json' });
        await subscribe(consumer, { topics: [topic] });
        let refused: BridgeResponse | undefined;
        await waitUntil(
          'a poll that has the record',
          async () => {
            refused = await poll(consumer);
            return refused.status !== 200;
          },
          SETTLE_MS,
        );
        assertError(refused as BridgeResponse, 406);
        assert.match(message(refused as BridgeResponse), /^Failed to decode/);
        await remove(consumer);
      });
    });

    describe('commit', () => {
      test('with enable.auto.commit (the default), deleting an instance commits what it polled', async () => {
        const topic = await freshTopic('commit-auto');
        const group = 'auto-commit-group';
        await produce(topic, [{ value: 'a' }, { value: 'b' }]);
        const first = await instance(group, { format: 'text' });
        await subscribe(first, { topics: [topic] });
        await pollUntil(first, 2);
        await remove(first);
        await produce(topic, [{ value: 'c' }]);
        const second = await instance(group, { format: 'text' });
        await subscribe(second, { topics: [topic] });
        assert.deepEqual(
          (await pollUntil(second, 1)).map(({ offset, value }) => [offset, value]),
          [[2, 'c']],
        );
        await remove(second);
      });

      test('a new instance resumes after the committed offset; what was not committed comes back', async () => {
        const topic = await freshTopic('commit-resume');
        const group = 'commit-group';
        await produce(
          topic,
          Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })),
        );
        const first = await instance(group, { format: 'text', 'enable.auto.commit': false });
        await subscribe(first, { topics: [topic] });
        assert.equal((await pollUntil(first, 10)).length, 10);
        // Kafka's convention: the committed offset is the next record to read.
        expectNoContent(
          await call('POST', `${first.path}/offsets`, { offsets: [{ topic, partition: 0, offset: 4 }] }),
        );
        await remove(first);

        const second = await instance(group, { format: 'text', 'enable.auto.commit': false });
        await subscribe(second, { topics: [topic] });
        const resumed = await pollUntil(second, 6);
        assert.deepEqual(
          resumed.map(({ offset, value }) => [offset, value]),
          Array.from({ length: 6 }, (_, i) => [i + 4, `v${i + 4}`]),
        );
        // No body: everything polled so far is committed.
        expectNoContent(await call('POST', `${second.path}/offsets`));
        await remove(second);

        await produce(topic, [{ value: 'v10' }, { value: 'v11' }]);
        const third = await instance(group, { format: 'text', 'enable.auto.commit': false });
        await subscribe(third, { topics: [topic] });
        assert.deepEqual(
          (await pollUntil(third, 2)).map(({ offset }) => offset),
          [10, 11],
        );
        await remove(third);
      });
    });

    describe('seek', () => {
      test('to an offset, to the beginning and to the end of the assigned partitions', async () => {
        const topic = await freshTopic('seek-positions', 2);
        await produce(
          topic,
          Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: i % 2 })),
        );
        const consumer = await instance('seek-group', { format: 'text' });
        await subscribe(consumer, { topics: [topic] });
        await pollUntil(consumer, 10);

        expectNoContent(
          await call('POST', `${consumer.path}/positions`, {
            offsets: [
              { topic, partition: 0, offset: 3 },
              { topic, partition: 1, offset: 4 },
            ],
          }),
        );
        assert.deepEqual(positions(await pollUntil(consumer, 3)), [
          [0, 3],
          [0, 4],
          [1, 4],
        ]);

        const both = { partitions: [0, 1].map((partition) => ({ topic, partition })) };
        expectNoContent(await call('POST', `${consumer.path}/positions/beginning`, both));
        assert.equal((await pollUntil(consumer, 10)).length, 10);

        expectNoContent(await call('POST', `${consumer.path}/positions/beginning`, both));
        expectNoContent(await call('POST', `${consumer.path}/positions/end`, both));
        assert.deepEqual(await pollOnce(consumer), [], 'nothing after the end');
        await produce(topic, [{ value: 'after the end', partition: 1 }]);
        const [next] = await pollUntil(consumer, 1);
        assert.deepEqual([next.partition, next.offset, next.value], [1, 5, 'after the end']);
        await remove(consumer);
      });

      test('a partition the instance is not assigned is 404, naming it', async () => {
        const topic = await freshTopic('seek-unassigned');
        await produce(topic, [{ value: 'v' }]);
        const consumer = await instance('seek-unassigned-group', { format: 'text' });
        await subscribe(consumer, { topics: [topic] });
        await pollUntil(consumer, 1);
        for (const [path, body] of [
          ['positions', { offsets: [{ topic: 'not-subscribed', partition: 0, offset: 0 }] }],
          ['positions/beginning', { partitions: [{ topic: 'not-subscribed', partition: 0 }] }],
          ['positions/end', { partitions: [{ topic: 'not-subscribed', partition: 0 }] }],
        ] as const) {
          const response = await call('POST', `${consumer.path}/${path}`, body);
          assertError(response, 404);
          assert.equal(message(response), 'No current assignment for partition not-subscribed-0', path);
        }
        // A negative offset is refused as the Java consumer refuses it (Strimzi passes that on as a 500).
        const negative = await api().request('POST', `${consumer.path}/positions`, {
          body: { offsets: [{ topic, partition: 0, offset: -1 }] },
          contentType: CONTENT_TYPES.v2,
          undocumented: 500,
        });
        assertError(negative, 500);
        assert.equal(message(negative), 'seek offset must not be a negative number');
        await remove(consumer);
      });
    });

    describe('subscriptions and assignments', () => {
      test('a topic_pattern subscribes to the matching topics only', async () => {
        const topics = ['pattern-a-0', 'pattern-a-1', 'pattern-b'];
        for (const topic of topics) {
          await freshTopic(topic);
          await produce(topic, [{ value: topic }]);
        }
        const consumer = await instance('pattern-group', { format: 'text' });
        await subscribe(consumer, { topic_pattern: 'pattern-a-\\d' });
        const records = await pollUntil(consumer, 2);
        assert.deepEqual(
          records.map(({ topic, value }) => [topic, value]),
          [
            ['pattern-a-0', 'pattern-a-0'],
            ['pattern-a-1', 'pattern-a-1'],
          ],
        );
        const assigned = await assignment(consumer);
        assert.deepEqual([...assigned.keys()].toSorted(), ['pattern-a-0', 'pattern-a-1']);
        await remove(consumer);
      });

      test('GET lists the assignment; DELETE unsubscribes, after which a poll is refused', async () => {
        const topic = await freshTopic('subscription-list', 3);
        await produce(topic, [{ value: 'v', partition: 2 }]);
        const consumer = await instance('list-group', { format: 'text' });
        await subscribe(consumer, { topics: [topic] });
        await pollUntil(consumer, 1);
        const listed = await call('GET', `${consumer.path}/subscription`);
        assert.equal(listed.status, 200);
        assert.deepEqual((listed.body as { topics: string[] }).topics, [topic]);
        assert.deepEqual([...(await assignment(consumer))], [[topic, [0, 1, 2]]]);
        expectNoContent(await call('DELETE', `${consumer.path}/subscription`));
        assert.deepEqual((await call('GET', `${consumer.path}/subscription`)).body, {
          topics: [],
          partitions: [],
        });
        const refused = await api().request('GET', `${consumer.path}/records`, {
          accept: CONTENT_TYPES.text,
          undocumented: 500,
        });
        assertError(refused, 500);
        assert.equal(message(refused), 'Consumer is not subscribed to any topics or assigned any partitions');
        await remove(consumer);
      });

      test('manual assignment polls exactly the assigned partitions, until an empty one releases them', async () => {
        const topic = await freshTopic('assign-manual', 2);
        await produce(topic, [
          { value: 'p0', partition: 0 },
          { value: 'p1-a', partition: 1 },
          { value: 'p1-b', partition: 1 },
        ]);
        const consumer = await instance('assign-group', { format: 'text' });
        expectNoContent(
          await call('POST', `${consumer.path}/assignments`, { partitions: [{ topic, partition: 1 }] }),
        );
        const records = await pollUntil(consumer, 2);
        assert.deepEqual(
          records.map(({ partition, offset, value }) => [partition, offset, value]),
          [
            [1, 0, 'p1-a'],
            [1, 1, 'p1-b'],
          ],
        );
        assert.deepEqual([...(await assignment(consumer))], [[topic, [1]]]);
        // An empty assignment releases every partition (Strimzi's assignEmptyAfterSubscriptionTest).
        expectNoContent(await call('POST', `${consumer.path}/assignments`, { partitions: [] }));
        assert.deepEqual((await call('GET', `${consumer.path}/subscription`)).body, {
          topics: [],
          partitions: [],
        });
        await remove(consumer);
      });

      test('subscribing and assigning are mutually exclusive: 409', async () => {
        const topic = await freshTopic('exclusive', 2);
        const assigned = await instance('exclusive-group');
        expectNoContent(
          await call('POST', `${assigned.path}/assignments`, { partitions: [{ topic, partition: 0 }] }),
        );
        const subscribeAfterAssign = await call('POST', `${assigned.path}/subscription`, { topics: [topic] });
        assertError(subscribeAfterAssign, 409);
        assert.equal(message(subscribeAfterAssign), EXCLUSIVE);

        const subscribed = await instance('exclusive-group');
        await subscribe(subscribed, { topics: [topic] });
        const assignAfterSubscribe = await call('POST', `${subscribed.path}/assignments`, {
          partitions: [{ topic, partition: 1 }],
        });
        assertError(assignAfterSubscribe, 409);
        assert.equal(message(assignAfterSubscribe), EXCLUSIVE);

        const both = await call('POST', `${subscribed.path}/subscription`, {
          topics: [topic],
          topic_pattern: 'x.*',
        });
        assertError(both, 409);
        assert.equal(message(both), EXCLUSIVE);
        await remove(assigned, subscribed);
      });
    });

    describe('idle instances', () => {
      test('an instance idle longer than http.timeoutSeconds is deleted', async () => {
        const bridge = await startBridge(fixture.broker.bootstrap, { 'http.timeoutSeconds': '1' });
        try {
          const created = async (name: string) =>
            bridge.api.request('POST', '/consumers/idle-group', {
              contentType: CONTENT_TYPES.v2,
              body: { name },
            });
          assert.equal((await created('idle-untouched')).status, 200);
          assert.equal((await created('idle-probe')).status, 200);
          // Creating a name in use answers 409 without touching the instance (a request to the
          // instance itself would keep it alive): the name is free again once it was deleted.
          await waitUntil('the idle instance to be deleted', async () => {
            const response = await created('idle-probe');
            if (response.status === 409) return false;
            assert.equal(response.status, 200);
            return true;
          });
          // The other one was idle since before the probe: it is gone too.
          const gone = await bridge.api.request(
            'GET',
            '/consumers/idle-group/instances/idle-untouched/subscription',
          );
          assertError(gone, 404);
          assert.equal(message(gone), NOT_FOUND);
        } finally {
          await bridge.stop();
        }
      });
    });

    describe('bad requests', () => {
      test('every operation on an unknown instance is 404 with the Strimzi message', async () => {
        const path = '/consumers/no-group/instances/no-such-instance';
        const requests: Array<[string, string, unknown?]> = [
          ['POST', '/subscription', { topics: ['t'] }],
          ['GET', '/subscription'],
          ['DELETE', '/subscription'],
          ['POST', '/assignments', { partitions: [{ topic: 't', partition: 0 }] }],
          ['POST', '/offsets', { offsets: [{ topic: 't', partition: 0, offset: 10 }] }],
          ['POST', '/positions', { offsets: [{ topic: 't', partition: 0, offset: 10 }] }],
          ['POST', '/positions/beginning', { partitions: [{ topic: 't', partition: 0 }] }],
          ['POST', '/positions/end', { partitions: [{ topic: 't', partition: 0 }] }],
          ['DELETE', ''],
        ];
        for (const [method, suffix, body] of requests) {
          const response = await call(method, `${path}${suffix}`, body);
          assertError(response, 404);
          assert.equal(message(response), NOT_FOUND, `${method} ${suffix}`);
        }
        const polled = await api().request('GET', `${path}/records`, { accept: CONTENT_TYPES.binary });
        assertError(polled, 404);
        assert.equal(message(polled), NOT_FOUND);
      });

      test('an unknown format, auto.offset.reset or isolation.level is 422', async () => {
        const invalid = await create('bad-group', { name: 'bad-format', format: 'foo' });
        assertError(invalid, 422);
        assert.equal(message(invalid), 'Invalid format type.');
        for (const property of ['auto.offset.reset', 'isolation.level']) {
          assertError(await create('bad-group', { name: `bad-${property}`, [property]: 'foo' }), 422);
        }
      });

      test('a property of the wrong type or an unknown property is 400, failing schema validation', async () => {
        for (const body of [
          { name: 'c1', 'enable.auto.commit': 'true' },
          { name: 'c2', 'fetch.min.bytes': 'foo' },
          { name: 'c3', 'consumer.request.timeout.ms': '100' },
          { name: 'c4', foo: 'bar' },
        ]) {
          const response = await api().request('POST', '/consumers/bad-group', {
            contentType: CONTENT_TYPES.v2,
            body,
            undocumented: 400,
          });
          assertBadRequest(response, SCHEMA_VALIDATION_ERROR);
        }
      });

      test('a request body in a content type other than application/vnd.kafka.v2+json is 415', async () => {
        const created = await api().request('POST', '/consumers/bad-group', {
          contentType: 'application/json',
          body: { name: 'wrong-type' },
          undocumented: 415,
        });
        assertUnsupportedMediaType(created);
        const consumer = await instance('bad-group', { name: 'right-type' });
        const subscribed = await api().request('POST', `${consumer.path}/subscription`, {
          contentType: CONTENT_TYPES.json,
          body: { topics: ['t'] },
          undocumented: 415,
        });
        assertUnsupportedMediaType(subscribed);
        await remove(consumer);
      });

      test('a subscription with neither topics nor topic_pattern is 422', async () => {
        const consumer = await instance('bad-group', { name: 'empty-subscription' });
        const response = await call('POST', `${consumer.path}/subscription`, {});
        assertError(response, 422);
        assert.equal(message(response), 'A list (of Topics type) or a topic_pattern must be specified.');
        await remove(consumer);
      });

      test('polling with an Accept that is not the instance format is 406', async () => {
        const consumer = await instance('bad-group', { name: 'accept-mismatch', format: 'json' });
        await subscribe(consumer, { topics: [await freshTopic('accept-mismatch')] });
        const response = await poll(consumer, CONTENT_TYPES.binary);
        assertError(response, 406);
        assert.equal(
          message(response),
          'Consumer format does not match the embedded format requested by the Accept header.',
        );
        await remove(consumer);
      });

      test('polling before subscribing or assigning is 500, saying so', async () => {
        const consumer = await instance('bad-group', { name: 'unsubscribed', format: 'text' });
        const response = await api().request('GET', `${consumer.path}/records`, {
          accept: CONTENT_TYPES.text,
          undocumented: 500,
        });
        assertError(response, 500);
        assert.equal(
          message(response),
          'Consumer is not subscribed to any topics or assigned any partitions',
        );
        await remove(consumer);
      });
    });
  },
);

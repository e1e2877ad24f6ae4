// Producing through the HTTP bridge, end to end: records sent with plain HTTP in each embedded format
// (json, binary, text), with keys, partitions and headers, synchronously and with async=true, read back
// with kcat; and the bad requests' spec-exact errors. Every response is checked against openapi.json by
// the harness. Runs against Nagare and against Apache Kafka (describeBridge), or only
// NAGARE_TEST_SUBJECT's broker when it is set.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertBadRequest,
  assertError,
  assertUnsupportedMediaType,
  CONTENT_TYPES,
  describeBridge,
  SCHEMA_VALIDATION_ERROR,
  waitUntil,
} from '../support/bridge.ts';
import { type KcatRecord, kcatRead } from '../support/bridge-kcat.ts';
import { kcatMissing } from '../support/external-tools.ts';
import { createTopic } from '../support/platformatic-io.ts';

describeBridge('producing', { missing: [kcatMissing()] }, (fixture) => {
  const PARTITIONS = 3;
  const ALL = [0, 1, 2];

  interface Offsets {
    offsets: Array<{ partition: number; offset: number }>;
  }

  const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

  async function freshTopic(name: string): Promise<string> {
    await createTopic(fixture.broker.bootstrap, { name, partitions: PARTITIONS });
    return name;
  }

  function send(path: string, contentType: string, records: unknown[]) {
    return fixture.bridge.api.request('POST', path, { contentType, body: { records } });
  }

  /** The kcat record at each reported offset, in the order of the request's records. */
  async function readBack(topic: string, offsets: Offsets['offsets']): Promise<KcatRecord[]> {
    const records = await kcatRead(fixture.broker.bootstrap, topic, ALL);
    return offsets.map(({ partition, offset }) => {
      const found = records.find((record) => record.partition === partition && record.offset === offset);
      assert.ok(found, `no record at ${topic}-${partition}@${offset}; kcat read ${records.length} records`);
      return found;
    });
  }

  const text = (buffer: Buffer | null) => (buffer === null ? null : buffer.toString());

  describe('POST /topics/{topic}', () => {
    test('json format: JSON keys and values stored as their JSON text, headers decoded from base64', async () => {
      const topic = await freshTopic('bridge-produce-json');
      const records = [
        { key: 'k1', value: { n: 1, s: 'one', list: [true, null] }, partition: 0 },
        { key: { id: 7 }, value: [1, 'two', 3.5], partition: 1, headers: [{ key: 'h', value: b64('v1') }] },
        { value: 'just a string', partition: 2 },
        { key: 'tomb', value: null, partition: 2 },
      ];
      const response = await send(`/topics/${topic}`, CONTENT_TYPES.json, records);
      assert.equal(response.status, 200);
      const { offsets } = response.body as Offsets;
      assert.deepEqual(
        offsets.map(({ partition }) => partition),
        [0, 1, 2, 2],
      );
      assert.deepEqual(
        offsets.map(({ offset }) => offset),
        [0, 0, 0, 1],
      );
      const stored = await readBack(topic, offsets);
      assert.deepEqual(
        stored.map((record) => text(record.key)),
        ['"k1"', '{"id":7}', null, '"tomb"'],
      );
      assert.deepEqual(
        stored.slice(0, 3).map((record) => JSON.parse(text(record.value) ?? 'null')),
        records.slice(0, 3).map((record) => record.value),
      );
      assert.equal(stored[3].value, null, 'a null value is a tombstone');
      assert.deepEqual(
        stored[1].headers.map(([name, value]) => [name, value.toString()]),
        [['h', 'v1']],
      );
      assert.deepEqual(stored[0].headers, []);
    });

    test('binary format: base64 keys, values and headers stored as the decoded bytes', async () => {
      const topic = await freshTopic('bridge-produce-binary');
      const key = Buffer.from('key\u0001\u00e9');
      const value = Buffer.from('value \u0000 \u2713 bytes');
      const response = await send(`/topics/${topic}`, CONTENT_TYPES.binary, [
        { key: b64(key), value: b64(value), partition: 1, headers: [{ key: 'trace', value: b64('t-1') }] },
        { value: b64('no key'), partition: 1 },
      ]);
      assert.equal(response.status, 200);
      const { offsets } = response.body as Offsets;
      assert.deepEqual(offsets, [
        { partition: 1, offset: 0 },
        { partition: 1, offset: 1 },
      ]);
      const [first, second] = await readBack(topic, offsets);
      assert.deepEqual(first.key, key);
      assert.deepEqual(first.value, value);
      assert.deepEqual(first.headers, [['trace', Buffer.from('t-1')]]);
      assert.equal(second.key, null);
      assert.equal(text(second.value), 'no key');
    });

    test('text format: string keys and values stored as UTF-8, not JSON-quoted', async () => {
      const topic = await freshTopic('bridge-produce-text');
      const response = await send(`/topics/${topic}`, CONTENT_TYPES.text, [
        { key: 'plain key', value: 'plain value: ✓', partition: 0 },
      ]);
      assert.equal(response.status, 200);
      const [stored] = await readBack(topic, (response.body as Offsets).offsets);
      assert.equal(text(stored.key), 'plain key');
      assert.equal(text(stored.value), 'plain value: ✓');
    });

    test('records with the same key and no partition land on one partition', async () => {
      const topic = await freshTopic('bridge-produce-keyed');
      const records = Array.from({ length: 6 }, (_, i) => ({ key: 'same', value: `v${i}` }));
      const response = await send(`/topics/${topic}`, CONTENT_TYPES.text, records);
      assert.equal(response.status, 200);
      const { offsets } = response.body as Offsets;
      assert.equal(new Set(offsets.map(({ partition }) => partition)).size, 1);
      assert.deepEqual(
        offsets.map(({ offset }) => offset),
        [0, 1, 2, 3, 4, 5],
      );
      const stored = await readBack(topic, offsets);
      assert.deepEqual(
        stored.map((record) => text(record.value)),
        records.map((record) => record.value),
      );
    });

    test('a record for a partition the topic lacks gets a 404 in its slot; the others are sent', async () => {
      const topic = await freshTopic('bridge-produce-missing-partition');
      const response = await send(`/topics/${topic}`, CONTENT_TYPES.text, [
        { value: 'lost', partition: 99 },
        { value: 'kept', partition: 1 },
      ]);
      assert.equal(response.status, 200);
      const [missing, sent] = (response.body as { offsets: Array<Record<string, unknown>> }).offsets;
      assert.equal(missing.error_code, 404);
      assert.match(
        String(missing.message),
        new RegExp(`^Partition 99 of topic ${topic} with partition count 3 is not present in metadata`),
      );
      assert.deepEqual(sent, { partition: 1, offset: 0 });
      const stored = await kcatRead(fixture.broker.bootstrap, topic, ALL);
      assert.deepEqual(
        stored.map((record) => [record.partition, text(record.value)]),
        [[1, 'kept']],
      );
    });

    test('async=true answers 204 without offsets, and the records arrive', async () => {
      const topic = await freshTopic('bridge-produce-async');
      const records = Array.from({ length: 5 }, (_, i) => ({ value: `async-${i}`, partition: 2 }));
      const response = await fixture.bridge.api.request('POST', `/topics/${topic}?async=true`, {
        contentType: CONTENT_TYPES.text,
        body: { records },
        undocumented: 204,
      });
      assert.equal(response.body, '');
      let stored: KcatRecord[] = [];
      await waitUntil('the async records in kcat', async () => {
        stored = await kcatRead(fixture.broker.bootstrap, topic, [2]);
        return stored.length >= records.length;
      });
      assert.deepEqual(
        stored.map((record) => text(record.value)),
        records.map((record) => record.value),
      );
    });
  });

  describe('POST /topics/{topic}/partitions/{partition}', () => {
    test('every record goes to the path partition, with its key and headers', async () => {
      const topic = await freshTopic('bridge-produce-to-partition');
      const response = await send(`/topics/${topic}/partitions/2`, CONTENT_TYPES.json, [
        { key: 'a', value: { i: 0 }, headers: [{ key: 'x', value: b64('1') }] },
        { value: { i: 1 } },
      ]);
      assert.equal(response.status, 200);
      const { offsets } = response.body as Offsets;
      assert.deepEqual(offsets, [
        { partition: 2, offset: 0 },
        { partition: 2, offset: 1 },
      ]);
      const stored = await readBack(topic, offsets);
      assert.deepEqual(
        stored.map((record) => text(record.key)),
        ['"a"', null],
      );
      assert.deepEqual(
        stored.map((record) => JSON.parse(text(record.value) ?? 'null')),
        [{ i: 0 }, { i: 1 }],
      );
      assert.deepEqual(stored[0].headers, [['x', Buffer.from('1')]]);
    });

    test('a partition that is not a number is 400, failing schema validation', async () => {
      const topic = await freshTopic('bridge-produce-bad-partition');
      const response = await fixture.bridge.api.request('POST', `/topics/${topic}/partitions/abc`, {
        contentType: CONTENT_TYPES.json,
        body: { records: [{ value: 'v' }] },
        undocumented: 400,
      });
      assertBadRequest(response, SCHEMA_VALIDATION_ERROR);
    });
  });

  // As in the Strimzi bridge: requests its OpenAPI validation rejects (schema, parameters) are 400, which
  // the document does not list; records the embedded format cannot convert are 422. A content type the
  // operation does not take is 415 (Strimzi: 400).
  describe('producer bad requests', () => {
    const rejected = async (path: string, contentType: string, body: unknown) =>
      fixture.bridge.api.request('POST', path, { contentType, body, undocumented: 400 });

    test('a record without a value is 400, failing schema validation', async () => {
      const topic = await freshTopic('bridge-produce-no-value');
      assertBadRequest(
        await rejected(`/topics/${topic}`, CONTENT_TYPES.json, { records: [{ key: 'k' }] }),
        SCHEMA_VALIDATION_ERROR,
      );
    });

    test('a record with an unknown property is 400, failing schema validation', async () => {
      const topic = await freshTopic('bridge-produce-extra');
      const body = { records: [{ value: 'v', colour: 'red' }] };
      assertBadRequest(await rejected(`/topics/${topic}`, CONTENT_TYPES.json, body), SCHEMA_VALIDATION_ERROR);
    });

    test('async that is not a boolean is 400, failing schema validation', async () => {
      const topic = await freshTopic('bridge-produce-bad-async');
      const body = { records: [{ value: 'v' }] };
      assertBadRequest(
        await rejected(`/topics/${topic}?async=maybe`, CONTENT_TYPES.json, body),
        SCHEMA_VALIDATION_ERROR,
      );
    });

    test('a content type that is not an embedded format is 415', async () => {
      const topic = await freshTopic('bridge-produce-bad-type');
      const body = { records: [{ value: 'v' }] };
      for (const contentType of ['application/json', CONTENT_TYPES.v2, 'text/plain']) {
        assertUnsupportedMediaType(
          await fixture.bridge.api.request('POST', `/topics/${topic}`, {
            contentType,
            body,
            undocumented: 415,
          }),
        );
      }
    });

    test('a body without records is 422', async () => {
      const topic = await freshTopic('bridge-produce-empty');
      assertError(
        await fixture.bridge.api.request('POST', `/topics/${topic}`, {
          contentType: CONTENT_TYPES.json,
          body: {},
        }),
        422,
      );
    });

    test('text format with a JSON object value is 422, saying why', async () => {
      const topic = await freshTopic('bridge-produce-text-object');
      const response = await send(`/topics/${topic}`, CONTENT_TYPES.text, [{ value: { not: 'text' } }]);
      assertError(response, 422);
      assert.equal(
        (response.body as { message: string }).message,
        "Because the embedded format is 'text', the value must be a string",
      );
    });

    test('text format with a JSON object key is 422, saying why', async () => {
      const topic = await freshTopic('bridge-produce-text-key');
      const response = await send(`/topics/${topic}`, CONTENT_TYPES.text, [{ key: { k: 1 }, value: 'v' }]);
      assertError(response, 422);
      assert.equal(
        (response.body as { message: string }).message,
        "Because the embedded format is 'text', the key must be a string",
      );
    });
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bridgeOpenApiMissing,
  createResponseValidator,
  loadBridgeOpenApi,
  type OpenApiDocument,
  tightenedBridgeOpenApi,
} from './bridge-openapi.ts';

const JSON_V2 = 'application/vnd.kafka.v2+json';

/** A small hand-made document: one templated path, a $ref'd schema, a bodiless status, a text body. */
const handMade: OpenApiDocument = {
  openapi: '3.1.0',
  paths: {
    '/things/{name}': {
      get: {
        operationId: 'getThing',
        responses: {
          '200': {
            content: {
              [JSON_V2]: { schema: { $ref: '#/components/schemas/Thing' } },
            },
          },
          '404': { content: { [JSON_V2]: { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      },
      delete: { operationId: 'deleteThing', responses: { '204': { description: 'gone' } } },
    },
    '/things/special': {
      get: {
        operationId: 'special',
        responses: { '200': { content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['name', 'size'],
        properties: { name: { type: 'string' }, size: { type: 'integer', format: 'int32' } },
        additionalProperties: false,
        example: { name: 'a', size: 1 },
      },
      Error: {
        type: 'object',
        required: ['error_code', 'message'],
        properties: { error_code: { type: 'integer' }, message: { type: 'string' } },
      },
    },
  },
};

describe('createResponseValidator on a hand-made document', () => {
  const validator = createResponseValidator(handMade);
  const good = { name: 'a', size: 3 };

  test('accepts a documented response, by operationId or by concrete path', () => {
    validator.validateResponse('getThing', 200, JSON_V2, good);
    validator.validateResponse(
      { method: 'GET', path: '/things/a?x=1' },
      200,
      `${JSON_V2}; charset=utf-8`,
      good,
    );
    validator.validateResponse({ method: 'DELETE', path: '/things/a' }, 204, undefined, '');
    validator.validateResponse(
      { method: 'get', path: '/things/special' },
      200,
      'text/plain; version=0.0.4',
      'x',
    );
  });

  test('a literal path is preferred over a template that also matches', () => {
    assert.throws(
      () => validator.validateResponse({ method: 'GET', path: '/things/special' }, 200, JSON_V2, good),
      /GET \/things\/special \(special\) → 200: content type "application\/vnd.kafka.v2\+json" is not documented \(documented: text\/plain\)/,
    );
  });

  test('rejects an undocumented status, naming the documented ones', () => {
    assert.throws(
      () => validator.validateResponse('getThing', 415, JSON_V2, { error_code: 415, message: 'no' }),
      /GET \/things\/\{name\} \(getThing\): status 415 is not documented \(documented: 200, 404\)/,
    );
    assert.equal(validator.documents('getThing', 404), true);
    assert.equal(validator.documents('getThing', 415), false);
  });

  test('rejects an undocumented or missing content type', () => {
    assert.throws(
      () => validator.validateResponse('getThing', 200, 'application/json', good),
      /content type "application\/json" is not documented \(documented: application\/vnd.kafka.v2\+json\)/,
    );
    assert.throws(
      () => validator.validateResponse('getThing', 200, undefined, good),
      /content type \(none\)/,
    );
  });

  test('rejects a body that does not match, saying where', () => {
    assert.throws(
      () => validator.validateResponse('getThing', 200, JSON_V2, { name: 'a', size: 'big' }),
      /getThing\) → 200: body does not match the schema: body\/size must be integer/,
    );
    assert.throws(
      () => validator.validateResponse('getThing', 200, JSON_V2, { ...good, colour: 'red' }),
      /body must NOT have additional properties/,
    );
    assert.throws(
      () => validator.validateResponse('getThing', 404, JSON_V2, { error_code: 404 }),
      /body must have required property 'message'/,
    );
    assert.throws(
      () => validator.validateResponse('getThing', 200, JSON_V2, { name: 'a', size: 2 ** 31 }),
      /body\/size must match format "int32"/,
    );
  });

  test('rejects a body where the document says there is none', () => {
    assert.throws(
      () => validator.validateResponse('deleteThing', 204, JSON_V2, { ok: true }),
      /DELETE \/things\/\{name\} \(deleteThing\) → 204: documented without a body/,
    );
  });

  test('rejects operations and paths the document does not have', () => {
    assert.throws(() => validator.validateResponse('nope', 200, JSON_V2, good), /no operation "nope"/);
    assert.throws(
      () => validator.validateResponse({ method: 'GET', path: '/elsewhere' }, 200, JSON_V2, good),
      /GET \/elsewhere: no such path/,
    );
    assert.throws(
      () => validator.validateResponse({ method: 'PUT', path: '/things/a' }, 200, JSON_V2, good),
      /\/things\/\{name\} documents no PUT/,
    );
  });

  test('validateSchema checks a body against a named component', () => {
    validator.validateSchema('Error', { error_code: 415, message: 'x' }, 'error');
    assert.throws(
      () => validator.validateSchema('Error', { message: 'x' }, 'error'),
      /error: body does not match the schema: body must have required property 'error_code'/,
    );
  });
});

describe('createResponseValidator on the bridge document', { skip: bridgeOpenApiMissing() }, () => {
  const published = () => loadBridgeOpenApi();
  const offsets = {
    offsets: [
      { partition: 0, offset: 7 },
      { error_code: 404, message: 'unknown topic' },
    ],
  };

  test('as published, OffsetRecordSentList rejects every real send response (why it is tightened)', () => {
    const validator = createResponseValidator(published());
    assert.throws(
      () => validator.validateResponse('send', 200, JSON_V2, offsets),
      /body\/offsets\/0 must match exactly one schema in oneOf/,
    );
  });

  test('tightened, it accepts offsets and per-record errors and rejects malformed ones', () => {
    const validator = createResponseValidator(tightenedBridgeOpenApi(published()));
    validator.validateResponse('send', 200, JSON_V2, offsets);
    validator.validateResponse({ method: 'POST', path: '/topics/t/partitions/2' }, 200, JSON_V2, offsets);
    assert.throws(
      () => validator.validateResponse('send', 200, JSON_V2, { offsets: [{ partition: '0', offset: 7 }] }),
      /body\/offsets\/0\/partition must be integer/,
    );
    assert.throws(
      () => validator.validateResponse('send', 404, JSON_V2, { error_code: 404 }),
      /send\) → 404: body does not match the schema: body must have required property 'message'/,
    );
  });

  test('topic metadata, offsets, createTopic and the management endpoints', () => {
    const validator = createResponseValidator(tightenedBridgeOpenApi(published()));
    const partition = { partition: 0, leader: 1, replicas: [{ broker: 1, leader: true, in_sync: true }] };
    validator.validateResponse({ method: 'GET', path: '/topics/t' }, 200, JSON_V2, {
      name: 't',
      configs: { 'cleanup.policy': 'delete' },
      partitions: [partition],
    });
    assert.throws(
      () =>
        validator.validateResponse('getTopic', 200, JSON_V2, { name: 't', configs: { 'retention.ms': 1 } }),
      /body\/configs\/retention.ms must be string/,
    );
    validator.validateResponse('listTopics', 200, JSON_V2, ['a', 'b']);
    validator.validateResponse('getOffsets', 200, JSON_V2, { beginning_offset: 0, end_offset: 3 });
    validator.validateResponse('createTopic', 201, undefined, '');
    assert.throws(
      () => validator.validateResponse('createTopic', 200, JSON_V2, {}),
      /status 200 is not documented/,
    );
    validator.validateResponse('openapi', 200, 'application/json; charset=utf-8', published());
    assert.throws(
      () =>
        createResponseValidator(published()).validateResponse(
          'openapi',
          200,
          'application/json',
          published(),
        ),
      /openapi\) → 200: body does not match the schema: body must be string/,
    );
    validator.validateResponse('healthy', 200, undefined, '');
    validator.validateResponse('metrics', 200, 'text/plain; version=0.0.4; charset=utf-8', '# HELP x\n');
  });

  test("unsubscribe's 404 is also accepted in the bridge's JSON type, as Strimzi sends it", () => {
    const notFound = { error_code: 404, message: 'The specified consumer instance was not found.' };
    assert.throws(
      () => createResponseValidator(published()).validateResponse('unsubscribe', 404, JSON_V2, notFound),
      /content type "application\/vnd.kafka.v2\+json" is not documented \(documented: application\/json\)/,
    );
    const validator = createResponseValidator(tightenedBridgeOpenApi(published()));
    validator.validateResponse('unsubscribe', 404, JSON_V2, notFound);
    validator.validateResponse('unsubscribe', 404, 'application/json', notFound);
  });

  test('a subscription lists its topics as an array of names, as in the example and in Strimzi', () => {
    const listed = { topics: ['t1', 't2'], partitions: [{ t1: [0, 1] }, { t2: [0] }] };
    assert.throws(
      () => createResponseValidator(published()).validateResponse('listSubscriptions', 200, JSON_V2, listed),
      /body\/topics must be object/,
    );
    const validator = createResponseValidator(tightenedBridgeOpenApi(published()));
    validator.validateResponse('listSubscriptions', 200, JSON_V2, listed);
    assert.throws(
      () => validator.validateResponse('listSubscriptions', 200, JSON_V2, { topics: { topics: ['t1'] } }),
      /body\/topics must be array/,
    );
  });
});

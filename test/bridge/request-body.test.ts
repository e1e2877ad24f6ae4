import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BridgeHttpError } from '../../src/bridge/errors.ts';
import { createBodyValidator, readRequestBody } from '../../src/bridge/request-body.ts';
import { NEW_TOPIC, PRODUCER_RECORD_LIST } from '../../src/bridge/schemas.ts';

const validate = createBodyValidator();
const produce = {
  contentTypes: ['application/vnd.kafka.json.v2+json', 'application/vnd.kafka.text.v2+json'],
  schema: PRODUCER_RECORD_LIST,
  required: true,
};

function status(work: () => unknown): { status: number; message: string; validation?: string[] } {
  try {
    work();
  } catch (err) {
    assert.ok(err instanceof BridgeHttpError);
    return { status: err.status, message: err.message, validation: err.validationErrors };
  }
  assert.fail('expected an error');
}

describe('bridge request bodies', () => {
  it('parses a valid body of an accepted media type, parameters allowed', () => {
    const body = readRequestBody(
      'application/vnd.kafka.text.v2+json; charset=utf-8',
      '{"records":[{"key":"k","value":"v","partition":0,"headers":[{"key":"h","value":"dmFsdWUx"}]}]}',
      produce,
      validate,
    );
    assert.deepEqual(body, {
      records: [{ key: 'k', value: 'v', partition: 0, headers: [{ key: 'h', value: 'dmFsdWUx' }] }],
    });
  });

  it('answers 415 for a media type the operation does not take, before looking at the body', () => {
    const refused = status(() => readRequestBody('application/json', 'not json', produce, validate));
    assert.equal(refused.status, 415);
    assert.match(refused.message, /The format of the request body is not supported: application\/json/);
    assert.equal(status(() => readRequestBody(undefined, '{}', produce, validate)).status, 415);
  });

  it('answers 400 for text that is not JSON, or a missing required body', () => {
    const type = 'application/vnd.kafka.json.v2+json';
    assert.equal(status(() => readRequestBody(type, '{"records":', produce, validate)).status, 400);
    assert.equal(status(() => readRequestBody(type, '', produce, validate)).status, 400);
  });

  it('answers 400 with one validation error per mismatch, as Strimzi', () => {
    const type = 'application/vnd.kafka.json.v2+json';
    const wrong = status(() =>
      readRequestBody(
        type,
        '{"records":[{"value":"v","foo":1},{"key":"k"}],"extra":true}',
        produce,
        validate,
      ),
    );
    assert.equal(wrong.status, 400);
    assert.equal(wrong.message, 'Validation error on: Schema validation error');
    assert.ok(
      wrong.validation?.includes('/records/0: property "foo" is not allowed'),
      String(wrong.validation),
    );
    assert.ok(
      wrong.validation?.includes("/records/1: must have required property 'value'"),
      String(wrong.validation),
    );
    assert.ok(wrong.validation?.includes('body: property "extra" is not allowed'), String(wrong.validation));
  });

  it('checks formats: base64 header values, 32-bit partitions', () => {
    const type = 'application/vnd.kafka.json.v2+json';
    const header = '{"records":[{"value":"v","headers":[{"key":"h","value":"@@"}]}]}';
    assert.equal(status(() => readRequestBody(type, header, produce, validate)).status, 400);
    const partition = '{"records":[{"value":"v","partition":4294967296}]}';
    assert.equal(status(() => readRequestBody(type, partition, produce, validate)).status, 400);
  });

  it('validates a NewTopic', () => {
    const declared = {
      contentTypes: ['application/vnd.kafka.json.v2+json'],
      schema: NEW_TOPIC,
      required: true,
    };
    const type = 'application/vnd.kafka.json.v2+json';
    assert.deepEqual(
      readRequestBody(type, '{"topic_name":"t","partitions_count":null}', declared, validate),
      {
        topic_name: 't',
        partitions_count: null,
      },
    );
    assert.equal(
      status(() => readRequestBody(type, '{"partitions_count":3}', declared, validate)).status,
      400,
    );
  });
});

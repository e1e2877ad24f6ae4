import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, inRange, type Message } from '../../src/protocol/codec.ts';
import { Reader } from '../../src/protocol/primitives/reader.ts';
import { APIS } from '../../src/protocol/schema/messages.generated.ts';
import type { FieldSchema, MessageSchema } from '../../src/protocol/schema/types.ts';

const int = (bits: number) => fc.integer({ min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 });

function scalarArb(field: FieldSchema): fc.Arbitrary<unknown> {
  switch (field.type) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return int(8);
    case 'int16':
      return int(16);
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 });
    case 'int32':
      return int(32);
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64':
      return fc.double({ noNaN: true });
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64url'));
    case 'string':
      return fc.string({ maxLength: 20, unit: 'grapheme' });
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b));
    default:
      throw new Error(field.type);
  }
}

function fieldArb(field: FieldSchema, version: number, depth: number): fc.Arbitrary<unknown> {
  const element = field.type === 'struct' ? structArb(field.fields!, version, depth + 1) : scalarArb(field);
  let arb = field.array ? fc.array(element, { maxLength: depth > 2 ? 1 : 3 }) : element;
  if (inRange(field.nullable, version) || field.type === 'records') arb = fc.option(arb, { nil: null });
  return arb;
}

function structArb(fields: FieldSchema[], version: number, depth: number): fc.Arbitrary<Message> {
  const present = fields.filter((f) => inRange(f.versions, version));
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of present) record[f.name] = fieldArb(f, version, depth);
  return fc.record(record) as fc.Arbitrary<Message>;
}

/** Fields absent from a version decode to their defaults; only compare the fields the version carries. */
function project(fields: FieldSchema[], version: number, value: Message | null): Message | null {
  if (value === null) return null;
  const out: Message = {};
  for (const f of fields) {
    if (!inRange(f.versions, version)) continue;
    const v = value[f.name];
    if (f.type === 'struct' && v !== null) {
      out[f.name] = f.array
        ? (v as Message[]).map((x) => project(f.fields!, version, x))
        : project(f.fields!, version, v);
    } else out[f.name] = v;
  }
  return out;
}

function roundTrip(schema: MessageSchema, version: number, value: Message): Message {
  const bytes = encodeMessage(schema, version, value).toBuffer();
  const r = new Reader(bytes);
  const decoded = decodeMessage(schema, version, r);
  assert.equal(r.remaining, 0, 'decoder consumed every byte');
  return decoded;
}

test('every version of every request and response survives an encode/decode round trip', () => {
  let cases = 0;
  for (const api of Object.values(APIS)) {
    for (const schema of [api.request, api.response]) {
      const [lo, hi] = schema.validVersions!;
      for (let v = lo; v <= hi; v++) {
        fc.assert(
          fc.property(structArb(schema.fields, v, 0), (value) => {
            let decoded: Message;
            try {
              decoded = roundTrip(schema, v, value);
            } catch (e) {
              throw new Error(`${schema.name} v${v}: ${(e as Error).message}`);
            }
            assert.deepEqual(project(schema.fields, v, decoded), project(schema.fields, v, value));
          }),
          { numRuns: 15 },
        );
        cases++;
      }
    }
  }
  assert.ok(cases > 500, `covered ${cases} message versions`);
});

test('fields absent from a version decode to their schema defaults', () => {
  const fetch = APIS[1].request;
  const decoded = roundTrip(fetch, 4, { replicaId: -1, maxWaitMs: 500, minBytes: 1, topics: [] });
  assert.equal(decoded.sessionId, 0);
  assert.equal(decoded.sessionEpoch, -1);
  assert.equal(decoded.rackId, '');
});

test('non-flexible and flexible encodings of the same message differ exactly in lengths and tags', () => {
  const metadata = APIS[3].request;
  const v8 = encodeMessage(metadata, 8, {
    topics: [{ name: 'abc' }],
    allowAutoTopicCreation: true,
  }).toBuffer();
  // int32 count 1, int16 len 3, "abc", allowAutoTopicCreation, two v8 booleans
  assert.deepEqual([...v8], [0, 0, 0, 1, 0, 3, 97, 98, 99, 1, 0, 0]);
  const v9 = encodeMessage(metadata, 9, {
    topics: [{ name: 'abc' }],
    allowAutoTopicCreation: true,
  }).toBuffer();
  // compact count 1+1, compact len 3+1, "abc", empty tags, then the booleans, empty tags
  assert.deepEqual([...v9], [2, 4, 97, 98, 99, 0, 1, 0, 0, 0]);
});

test('a tagged field is written only when it differs from its default, and read back', () => {
  const apiVersions = APIS[18].response;
  const plain = encodeMessage(apiVersions, 3, { errorCode: 0, apiKeys: [], throttleTimeMs: 0 }).toBuffer();
  const withTag = encodeMessage(apiVersions, 3, {
    errorCode: 0,
    apiKeys: [],
    throttleTimeMs: 0,
    finalizedFeaturesEpoch: 7n,
  }).toBuffer();
  assert.equal(plain.at(-1), 0, 'no tagged fields');
  assert.ok(withTag.length > plain.length);
  assert.equal(roundTrip(apiVersions, 3, { finalizedFeaturesEpoch: 7n }).finalizedFeaturesEpoch, 7n);
});

test('truncated input raises MalformedMessageError instead of reading garbage', () => {
  const produce = APIS[0].request;
  const bytes = encodeMessage(produce, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.alloc(100) }] }],
  }).toBuffer();
  for (let cut = 0; cut < bytes.length; cut++) {
    assert.throws(() => decodeMessage(produce, 9, new Reader(bytes.subarray(0, cut))), {
      name: 'MalformedMessageError',
    });
  }
});

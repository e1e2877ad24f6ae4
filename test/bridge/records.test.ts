import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BridgeHttpError } from '../../src/bridge/errors.ts';
import { recordOffsets, toKafkaRecord } from '../../src/bridge/records.ts';

function rejects422(work: () => unknown, message: RegExp): void {
  assert.throws(work, (err: unknown) => {
    assert.ok(err instanceof BridgeHttpError);
    assert.equal(err.status, 422);
    assert.match(err.message, message);
    return true;
  });
}

describe('bridge record conversion', () => {
  it('writes json keys and values as their JSON text', () => {
    const record = toKafkaRecord({ key: { id: 1 }, value: ['a', 2], timestamp: 1591897790000 }, 'json');
    assert.equal(record.key?.toString(), '{"id":1}');
    assert.equal(record.value?.toString(), '["a",2]');
    assert.equal(record.timestamp, 1591897790000n);
    assert.equal(record.partition, undefined);
  });

  it('decodes binary keys and values from base64', () => {
    const record = toKafkaRecord({ key: 'a2V5', value: 'AAEC' }, 'binary');
    assert.equal(record.key?.toString(), 'key');
    assert.deepEqual(record.value, Buffer.from([0, 1, 2]));
    rejects422(() => toKafkaRecord({ value: 'not base64!' }, 'binary'), /value is not valid base64/);
    rejects422(
      () => toKafkaRecord({ value: { a: 1 } }, 'binary'),
      /'binary', the value must be a base64 string/,
    );
  });

  it('takes text keys and values as UTF-8 strings only', () => {
    const record = toKafkaRecord({ key: 'ключ', value: 'héllo' }, 'text');
    assert.equal(record.key?.toString(), 'ключ');
    assert.equal(record.value?.toString(), 'héllo');
    rejects422(
      () => toKafkaRecord({ value: { a: 1 } }, 'text'),
      /^Because the embedded format is 'text', the value must be a string$/,
    );
    rejects422(() => toKafkaRecord({ key: ['k'], value: 'v' }, 'text'), /the key must be a string$/);
  });

  it('keeps a null value as a tombstone and a missing key as none', () => {
    const record = toKafkaRecord({ value: null }, 'json');
    assert.equal(record.value, undefined);
    assert.equal(record.key, undefined);
  });

  it('decodes header values from base64, keeping repeated keys', () => {
    const record = toKafkaRecord(
      {
        value: 'v',
        headers: [
          { key: 'h', value: 'dmFsdWUx' },
          { key: 'h', value: 'dmFsdWUy' },
        ],
      },
      'text',
    );
    const headers = [...record.headers].map(([key, value]) => [key.toString(), value.toString()]);
    assert.deepEqual(headers, [
      ['h', 'value1'],
      ['h', 'value2'],
    ]);
    rejects422(
      () => toKafkaRecord({ value: 'v', headers: [{ key: 'h', value: '%%' }] }, 'text'),
      /header value/,
    );
  });

  it('takes the partition from the path, refusing one in the body too', () => {
    assert.equal(toKafkaRecord({ value: 'v' }, 'text', 3).partition, 3);
    assert.equal(toKafkaRecord({ value: 'v', partition: 1 }, 'text').partition, 1);
    rejects422(
      () => toKafkaRecord({ value: 'v', partition: 1 }, 'text', 3),
      /Partition specified in body and in request path/,
    );
  });

  it('numbers records of one partition from its base offset, in request order', () => {
    const outcomes = recordOffsets(
      [0, 1, 0, 0, 1],
      new Map([
        [0, 10n],
        [1, 5n],
      ]),
    );
    assert.deepEqual(outcomes, [
      { partition: 0, offset: 10 },
      { partition: 1, offset: 5 },
      { partition: 0, offset: 11 },
      { partition: 0, offset: 12 },
      { partition: 1, offset: 6 },
    ]);
    // acks=0: no offsets, reported as -1 like Kafka's producer does.
    assert.deepEqual(recordOffsets([2], new Map()), [{ partition: 2, offset: -1 }]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  integerParser,
  keyValueObject,
  parseBootstrap,
  parseKeyValue,
  parseTimestamp,
} from '../../src/cli/options.ts';

describe('option parsers', () => {
  it('parseBootstrap accepts HOST:PORT lists and bracketed IPv6', () => {
    assert.deepEqual(parseBootstrap('127.0.0.1:9092'), ['127.0.0.1:9092']);
    assert.deepEqual(parseBootstrap('a:1, b.example:2'), ['a:1', 'b.example:2']);
    assert.deepEqual(parseBootstrap('[::1]:9092'), ['[::1]:9092']);
    for (const bad of ['', 'localhost', 'host:', 'host:0', 'host:70000', 'a:1:2']) {
      assert.throws(() => parseBootstrap(bad), /HOST:PORT/, bad);
    }
  });

  it('integerParser accepts whole numbers in range only', () => {
    const parse = integerParser(1, 10);
    assert.equal(parse('7'), 7);
    for (const bad of ['0', '11', '1.5', 'abc', '', '1e1'])
      assert.throws(() => parse(bad), /between 1 and 10/);
    assert.throws(() => integerParser(0)('-1'), /0 or more/);
  });

  it('parseKeyValue splits at the first = and needs a key', () => {
    assert.deepEqual(parseKeyValue('a=b=c'), ['a', 'b=c']);
    assert.deepEqual(parseKeyValue('a='), ['a', '']);
    assert.throws(() => parseKeyValue('=b'), /key=value/);
    assert.throws(() => parseKeyValue('ab'), /key=value/);
    assert.deepEqual(
      keyValueObject([
        ['a', '1'],
        ['a', '2'],
        ['b', '3'],
      ]),
      { a: '2', b: '3' },
    );
  });

  it('parseTimestamp takes epoch milliseconds or an ISO date-time', () => {
    assert.equal(parseTimestamp('1700000000000'), 1700000000000n);
    assert.equal(parseTimestamp('2024-01-02T03:04:05.678Z'), BigInt(Date.UTC(2024, 0, 2, 3, 4, 5, 678)));
    assert.throws(() => parseTimestamp('yesterday'), /epoch milliseconds or an ISO date-time/);
  });
});

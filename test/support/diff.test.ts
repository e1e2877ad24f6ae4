import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeDifferences } from './diff.ts';

describe('describeDifferences', () => {
  it('finds nothing in equal values, Buffers and bigints included', () => {
    const value = () => ({ a: [1, { b: 'x' }], c: Buffer.from('y'), d: 5n, e: null });
    assert.deepEqual(describeDifferences(value(), value()), []);
    assert.deepEqual(describeDifferences(value(), { ...value(), d: 6n }, ['l', 'r']), ['$.d: l=5n r=6n']);
  });

  it('names the path and both sides of each difference', () => {
    const left = { topics: [{ name: 't', errorCode: 3 }], brokers: 1 };
    const right = { topics: [{ name: 't', errorCode: 0 }], brokers: 1 };
    assert.deepEqual(describeDifferences(left, right, ['kafka', 'nagare']), [
      '$.topics[0].errorCode: kafka=3 nagare=0',
    ]);
  });

  it('reports keys and array items present on one side only', () => {
    const lines = describeDifferences({ a: [1, 2, 3], only: true }, { a: [1], 'odd key': 0n }, ['L', 'R']);
    assert.deepEqual(lines, [
      '$.a.length: L=3 R=1',
      '$.a[1]: L only: 2',
      '$.a[2]: L only: 3',
      '$["odd key"]: R only: 0n',
      '$.only: L only: true',
    ]);
  });

  it('compares values of different kinds as wholes', () => {
    assert.deepEqual(describeDifferences({ x: [1] }, { x: { 0: 1 } }, ['L', 'R']), ['$.x: L=[1] R={"0":1}']);
  });

  it('stops at the limit', () => {
    const left = Array.from({ length: 100 }, (_, i) => i);
    const right = left.map((i) => -i - 1);
    assert.equal(describeDifferences(left, right, ['L', 'R'], 7).length, 7);
  });
});

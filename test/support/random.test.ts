import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from './random.ts';

const draw = (seed: number) => {
  const random = seededRandom(seed);
  return Array.from({ length: 1000 }, () => random.next());
};

test('a seed replays the same sequence, another seed gives another one', () => {
  assert.deepEqual(draw(20_240_611), draw(20_240_611));
  assert.notDeepEqual(draw(20_240_611), draw(20_240_612));
  assert.ok(draw(1).every((n) => n >= 0 && n < 1));
});

test('int, bytes and pick stay within their bounds and reach both ends', () => {
  const random = seededRandom(7);
  const ints = new Set(Array.from({ length: 1000 }, () => random.int(-2, 2)));
  assert.deepEqual(
    [...ints].sort((a, b) => a - b),
    [-2, -1, 0, 1, 2],
  );
  const bytes = random.bytes(10_000);
  assert.equal(bytes.length, 10_000);
  assert.ok(bytes.includes(0) && bytes.includes(255));
  const picked = new Set(Array.from({ length: 100 }, () => random.pick(['a', 'b', 'c'])));
  assert.deepEqual([...picked].sort(), ['a', 'b', 'c']);
});

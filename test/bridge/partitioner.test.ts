import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { murmur2 } from '@platformatic/kafka';
import { createPartitioner } from '../../src/bridge/partitioner.ts';

describe('bridge partitioner', () => {
  it("puts keyed records where Kafka's Java producer does", () => {
    const choose = createPartitioner(murmur2);
    // murmur2("foobar") = -790332482 in Kafka's own tests; toPositive → 1357151166.
    assert.equal(choose('t', Buffer.from('foobar'), 7), 1357151166 % 7);
    assert.equal(choose('t', Buffer.from('21'), 10), (-973932308 & 0x7fffffff) % 10);
    assert.equal(choose('other', Buffer.from('foobar'), 7), choose('t', Buffer.from('foobar'), 7));
  });

  it('spreads records without a key round robin, per topic', () => {
    const choose = createPartitioner(murmur2);
    assert.deepEqual(
      [0, 1, 2, 3].map(() => choose('a', undefined, 3)),
      [0, 1, 2, 0],
    );
    assert.equal(choose('b', undefined, 3), 0);
  });
});

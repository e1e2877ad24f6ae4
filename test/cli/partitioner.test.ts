import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { murmur2 } from '@platformatic/kafka';
import { partitionChooser } from '../../src/cli/partitioner.ts';

describe('partitionChooser', () => {
  it("puts keys where Kafka's Java producer does", () => {
    // Kafka's Utils.murmur2 on these keys (values from Kafka's UtilsTest), then toPositive % count.
    const javaHashes: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    const choose = partitionChooser(murmur2, 7);
    for (const [key, hash] of javaHashes) {
      assert.equal(choose(Buffer.from(key)), (hash & 0x7fffffff) % 7, key);
    }
  });

  it('spreads records without a key round robin, and honours a fixed partition', () => {
    const choose = partitionChooser(murmur2, 3);
    assert.deepEqual(
      [1, 2, 3, 4].map(() => choose(undefined)),
      [0, 1, 2, 0],
    );
    const fixed = partitionChooser(murmur2, 3, 2);
    assert.deepEqual([fixed(undefined), fixed(Buffer.from('k'))], [2, 2]);
  });
});

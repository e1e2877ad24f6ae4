import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../../src/protocol/codec.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { createTopic, withRawClient } from '../../support/raw-client.ts';

describe('ListPartitionReassignments and AlterPartitionReassignments', () => {
  let nagare: NagareUnderTest;
  before(async () => {
    nagare = await startNagare();
    await withRawClient(nagare.port, (client) => createTopic(client, 'reassign', 2));
  });
  after(() => nagare?.stop());

  it('no reassignment is ever in progress', async () => {
    for (const topics of [
      null,
      [
        { name: 'reassign', partitionIndexes: [0] },
        { name: 'missing', partitionIndexes: [0] },
      ],
    ]) {
      const response = await withRawClient(nagare.port, (c) =>
        c.request(API_KEYS.ListPartitionReassignments, 0, { timeoutMs: 1000, topics }),
      );
      assert.deepEqual(response, { throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics: [] });
    }
  });

  it("moving a partition to this node succeeds; anything else is refused with Kafka's messages", async () => {
    const targets: [string, number, number[] | null][] = [
      ['reassign', 0, [1]],
      ['reassign', 1, [2]],
      ['reassign', 1, []],
      ['reassign', 1, [1, 1]],
      ['reassign', 1, null],
      ['reassign', 5, [1]],
      ['missing', 0, [1]],
    ];
    const response = await withRawClient(nagare.port, (c) =>
      c.request(API_KEYS.AlterPartitionReassignments, 0, {
        timeoutMs: 1000,
        topics: targets.map(([name, partitionIndex, replicas]) => ({
          name,
          partitions: [{ partitionIndex, replicas }],
        })),
      }),
    );
    assert.equal(response.errorCode, 0);
    const answers = (response.responses as Message[]).map((t) => {
      const [p] = t.partitions as Message[];
      return [p.errorCode, p.errorMessage];
    });
    assert.deepEqual(answers, [
      [0, null],
      [39, 'The manual partition assignment includes broker 2, but no such broker is registered.'],
      [39, 'The manual partition assignment includes an empty replica list.'],
      [39, 'The manual partition assignment includes the broker 1 more than once.'],
      [85, null],
      [3, 'Unable to find partition reassign:5.'],
      [3, 'Unable to find a topic named missing.'],
    ]);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../../src/protocol/codec.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { createTopic, withRawClient } from '../../support/raw-client.ts';

const PREFERRED = 0;
const UNCLEAN = 1;

describe('ElectLeaders', () => {
  let nagare: NagareUnderTest;
  before(async () => {
    nagare = await startNagare();
    await withRawClient(nagare.port, (client) => createTopic(client, 'elect', 2));
  });
  after(() => nagare?.stop());

  const results = (response: Message) =>
    (response.replicaElectionResults as Message[]).map((t) => [
      t.topic,
      (t.partitionResult as Message[]).map((p) => [p.partitionId, p.errorCode, p.errorMessage]),
    ]);

  it('every named partition already has its leader, in every version and election type', async () => {
    for (const [version, electionType] of [
      [0, PREFERRED],
      [1, UNCLEAN],
      [2, PREFERRED],
    ]) {
      const response = await withRawClient(nagare.port, (c) =>
        c.request(API_KEYS.ElectLeaders, version, {
          electionType,
          topicPartitions: [
            { topic: 'elect', partitions: [1, 4] },
            { topic: 'missing', partitions: [0] },
          ],
          timeoutMs: 1000,
        }),
      );
      assert.deepEqual(results(response), [
        [
          'elect',
          [
            [1, 84, 'Leader election not needed for topic partition.'],
            [4, 3, 'No such partition as elect-4'],
          ],
        ],
        ['missing', [[0, 3, 'No such topic as missing']]],
      ]);
    }
  });

  it('an election of all partitions leaves out those that need none', async () => {
    const response = await withRawClient(nagare.port, (c) =>
      c.request(API_KEYS.ElectLeaders, 2, {
        electionType: PREFERRED,
        topicPartitions: null,
        timeoutMs: 1000,
      }),
    );
    assert.equal(response.errorCode, 0);
    assert.deepEqual(results(response), [['elect', []]]);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../../src/protocol/codec.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { createTopic, type RawClient, withRawClient } from '../../support/raw-client.ts';

const describeTopicPartitions = (client: RawClient, body: Message) =>
  client.request(API_KEYS.DescribeTopicPartitions, 0, {
    responsePartitionLimit: 2000,
    cursor: null,
    ...body,
  });

/** topic → partition indexes, in response order. */
const partitionsByTopic = (response: Message) =>
  (response.topics as Message[]).map((t) => [
    t.name,
    t.errorCode,
    (t.partitions as Message[]).map((p) => p.partitionIndex),
  ]);

describe('DescribeTopicPartitions', () => {
  let nagare: NagareUnderTest;
  before(async () => {
    nagare = await startNagare();
    await withRawClient(nagare.port, async (client) => {
      await createTopic(client, 'dtp-b', 3);
      await createTopic(client, 'dtp-a', 2);
    });
  });
  after(() => nagare?.stop());

  it('describes every topic by name, each partition led by this node with empty ELR lists', async () => {
    const response = await withRawClient(nagare.port, (c) => describeTopicPartitions(c, { topics: [] }));
    assert.deepEqual(partitionsByTopic(response), [
      ['dtp-a', 0, [0, 1]],
      ['dtp-b', 0, [0, 1, 2]],
    ]);
    const [a] = response.topics as Message[];
    assert.equal(a.topicId, nagare.broker.metadata.topic('dtp-a')?.id);
    assert.equal(a.isInternal, false);
    // Every topic operation is allowed without an authorizer (bits 3-8, 10 and 11).
    assert.equal(a.topicAuthorizedOperations, 0b110111111000);
    assert.deepEqual((a.partitions as Message[])[1], {
      errorCode: 0,
      partitionIndex: 1,
      leaderId: 1,
      leaderEpoch: 0,
      replicaNodes: [1],
      isrNodes: [1],
      eligibleLeaderReplicas: [],
      lastKnownElr: [],
      offlineReplicas: [],
    });
    assert.equal(response.nextCursor, null);
  });

  it('reports unknown and invalid names only when they are asked for', async () => {
    const response = await withRawClient(nagare.port, (c) =>
      describeTopicPartitions(c, {
        topics: [{ name: 'dtp-missing' }, { name: 'bad name' }, { name: 'dtp-a' }],
      }),
    );
    assert.deepEqual(partitionsByTopic(response), [
      ['bad name', 17, []],
      ['dtp-a', 0, [0, 1]],
      ['dtp-missing', 3, []],
    ]);
  });

  it('pages by the partition limit, the cursor pointing at the first partition not returned', async () => {
    await withRawClient(nagare.port, async (c) => {
      const first = await describeTopicPartitions(c, { topics: [], responsePartitionLimit: 3 });
      assert.deepEqual(partitionsByTopic(first), [
        ['dtp-a', 0, [0, 1]],
        ['dtp-b', 0, [0]],
      ]);
      assert.deepEqual(first.nextCursor, { topicName: 'dtp-b', partitionIndex: 1 });
      const rest = await describeTopicPartitions(c, {
        topics: [],
        responsePartitionLimit: 3,
        cursor: first.nextCursor,
      });
      assert.deepEqual(partitionsByTopic(rest), [['dtp-b', 0, [1, 2]]]);
      assert.equal(rest.nextCursor, null);
      // A limit reached exactly at the end of a topic points the cursor at the next topic's start.
      const exact = await describeTopicPartitions(c, { topics: [], responsePartitionLimit: 2 });
      assert.deepEqual(partitionsByTopic(exact), [['dtp-a', 0, [0, 1]]]);
      assert.deepEqual(exact.nextCursor, { topicName: 'dtp-b', partitionIndex: 0 });
    });
  });

  it('refuses a cursor outside the topics asked for, for every topic', async () => {
    const response = await withRawClient(nagare.port, (c) =>
      describeTopicPartitions(c, {
        topics: [{ name: 'dtp-a' }],
        cursor: { topicName: 'dtp-b', partitionIndex: 0 },
      }),
    );
    assert.deepEqual(partitionsByTopic(response), [['dtp-a', 42, []]]);
  });
});

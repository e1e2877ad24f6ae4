// DescribeShareGroupOffsets, AlterShareGroupOffsets and DeleteShareGroupOffsets through a broker on port 0,
// with raw requests: start offsets and lag, the empty-group rule, an altered start offset surviving a
// restart (and being where the group fetches from), deleting a topic's share state.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../../src/protocol/codec.ts';
import { buildBatchSync } from '../../../src/protocol/records/index.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { createTopic, type RawClient, withRawClient } from '../../support/raw-client.ts';

const GROUP = 'offsets-group';
const TOPIC = 'offsets-topic';
const MEMBER = 'offsets-member-0000001';
const { GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, UNKNOWN_TOPIC_OR_PARTITION } = {
  GROUP_ID_NOT_FOUND: 69,
  NON_EMPTY_GROUP: 68,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
};

async function produce(client: RawClient, values: string[]): Promise<void> {
  const response = await client.request(API_KEYS.Produce, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [
      {
        name: TOPIC,
        partitionData: [
          {
            index: 0,
            records: buildBatchSync({
              records: values.map((v) => ({ value: Buffer.from(v), timestamp: BigInt(Date.now()) })),
            }),
          },
        ],
      },
    ],
  });
  assert.equal((response.responses as Message[])[0].partitionResponses[0].errorCode, 0);
}

function heartbeat(client: RawClient, memberEpoch: number): Promise<Message> {
  return client.request(API_KEYS.ShareGroupHeartbeat, 1, {
    groupId: GROUP,
    memberId: MEMBER,
    memberEpoch,
    rackId: null,
    subscribedTopicNames: memberEpoch === 0 ? [TOPIC] : null,
  });
}

/** ShareFetch (with acknowledgements of the previous fetch) of partition 0; the acquired ranges. */
async function shareFetch(
  client: RawClient,
  topicId: string,
  epoch: number,
  acks: { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[] = [],
): Promise<number[][]> {
  const response = await client.request(API_KEYS.ShareFetch, 1, {
    groupId: GROUP,
    memberId: MEMBER,
    shareSessionEpoch: epoch,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1024 * 1024,
    maxRecords: 500,
    batchSize: 500,
    topics: [{ topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: acks }] }],
    forgottenTopicsData: [],
  });
  assert.equal(response.errorCode, 0);
  const partition = (response.responses as Message[])[0]?.partitions[0] as Message | undefined;
  return ((partition?.acquiredRecords ?? []) as Message[]).map((r) => [
    Number(r.firstOffset),
    Number(r.lastOffset),
  ]);
}

async function describeOffsets(
  client: RawClient,
  topics: { topicName: string; partitions: number[] }[] | null,
  version = 1,
  groupId = GROUP,
): Promise<Message> {
  const response = await client.request(API_KEYS.DescribeShareGroupOffsets, version, {
    groups: [{ groupId, topics }],
  });
  return (response.groups as Message[])[0];
}

/** [topic, partition, start offset, leader epoch, lag] of each partition described. */
function offsetsOf(group: Message): unknown[][] {
  assert.equal(group.errorCode, 0);
  return (group.topics as Message[]).flatMap((t) =>
    (t.partitions as Message[]).map((p) => [
      t.topicName,
      p.partitionIndex,
      Number(p.startOffset),
      p.leaderEpoch,
      Number(p.lag),
    ]),
  );
}

function alterOffsets(client: RawClient, topicName: string, startOffset: bigint, groupId = GROUP) {
  return client.request(API_KEYS.AlterShareGroupOffsets, 0, {
    groupId,
    topics: [{ topicName, partitions: [{ partitionIndex: 0, startOffset }] }],
  });
}

describe('share group offsets', () => {
  let dataDir: string;
  let nagare: NagareUnderTest | undefined;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'nagare-share-offsets-'));
  });
  after(async () => {
    await nagare?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('describes, alters (kept across a restart) and deletes the start offsets of a share group', async () => {
    nagare = await startNagare({ dataDir });
    let topicId = '';
    await withRawClient(nagare.port, async (c) => {
      assert.equal((await describeOffsets(c, null)).errorCode, GROUP_ID_NOT_FOUND);
      await createTopic(c, TOPIC, 2);
      topicId = nagare!.broker.metadata.topic(TOPIC)!.id;
      assert.equal((await heartbeat(c, 0)).errorCode, 0);
      assert.deepEqual(offsetsOf(await describeOffsets(c, null)), [], 'nothing initialized yet');

      // The first fetch initializes partition 0 (at latest: 0); 0-1 accepted, 2-5 still acquired.
      assert.deepEqual(await shareFetch(c, topicId, 0), []);
      await produce(c, ['a', 'b', 'c', 'd', 'e', 'f']);
      assert.deepEqual(await shareFetch(c, topicId, 1), [[0, 5]]);
      await shareFetch(c, topicId, 2, [{ firstOffset: 0n, lastOffset: 1n, acknowledgeTypes: [1] }]);
      assert.deepEqual(
        offsetsOf(await describeOffsets(c, null)),
        [
          [TOPIC, 0, 2, 0, 4],
          [TOPIC, 1, -1, 0, -1],
        ],
        'every partition of a topic with share state; -1 where a partition has none',
      );
      assert.deepEqual(
        offsetsOf(await describeOffsets(c, [{ topicName: TOPIC, partitions: [0, 1] }], 0)),
        [
          [TOPIC, 0, 2, 0, -1],
          [TOPIC, 1, -1, 0, -1],
        ],
        'v0 has no lag (read as its default, -1)',
      );

      const busy = await alterOffsets(c, TOPIC, 4n);
      assert.equal(busy.errorCode, NON_EMPTY_GROUP, 'a group with members cannot be altered');
      await c.request(API_KEYS.ShareFetch, 1, {
        groupId: GROUP,
        memberId: MEMBER,
        shareSessionEpoch: -1,
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 0,
        maxRecords: 0,
        batchSize: 0,
        topics: [],
        forgottenTopicsData: [],
      });
      assert.equal((await heartbeat(c, -1)).errorCode, 0);

      const altered = await alterOffsets(c, TOPIC, 4n);
      assert.equal(altered.errorCode, 0);
      assert.deepEqual((altered.responses as Message[])[0].partitions[0].errorCode, 0);
      const unknown = await alterOffsets(c, 'no-such-topic', 0n);
      assert.equal((unknown.responses as Message[])[0].partitions[0].errorCode, UNKNOWN_TOPIC_OR_PARTITION);
    });
    await nagare.stop();

    nagare = await startNagare({ dataDir });
    await withRawClient(nagare.port, async (c) => {
      assert.deepEqual(
        offsetsOf(await describeOffsets(c, [{ topicName: TOPIC, partitions: [0] }])),
        [[TOPIC, 0, 4, 0, 2]],
        'kept by a restart',
      );
      assert.equal((await heartbeat(c, 0)).errorCode, 0);
      assert.deepEqual(await shareFetch(c, topicId, 0), [[4, 5]], 'fetched from the altered start offset');
      const busy = await c.request(API_KEYS.DeleteShareGroupOffsets, 0, {
        groupId: GROUP,
        topics: [{ topicName: TOPIC }],
      });
      assert.equal(busy.errorCode, NON_EMPTY_GROUP);
    });
  });

  it('deletes the share state of a topic for an empty group; altering an unknown group creates it', async () => {
    nagare ??= await startNagare({ dataDir });
    await withRawClient(nagare.port, async (c) => {
      await createTopic(c, 'other-topic', 1);
      const altered = await alterOffsets(c, 'other-topic', 0n, 'fresh-group');
      assert.equal(altered.errorCode, 0);
      assert.deepEqual(offsetsOf(await describeOffsets(c, null, 1, 'fresh-group')), [
        ['other-topic', 0, 0, 0, 0],
      ]);
      const deleted = await c.request(API_KEYS.DeleteShareGroupOffsets, 0, {
        groupId: 'fresh-group',
        topics: [{ topicName: 'other-topic' }, { topicName: 'no-such-topic' }],
      });
      assert.equal(deleted.errorCode, 0);
      assert.deepEqual(
        (deleted.responses as Message[]).map((t) => [t.topicName, t.errorCode]),
        [
          ['other-topic', 0],
          ['no-such-topic', UNKNOWN_TOPIC_OR_PARTITION],
        ],
      );
      assert.deepEqual(offsetsOf(await describeOffsets(c, null, 1, 'fresh-group')), []);
    });
  });
});

// ShareFetch and ShareAcknowledge through a broker on port 0, with raw requests: sessions and their
// epochs, acquisition, acknowledgement, redelivery, and share state surviving a restart.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SHARE_STATE_TOPIC } from '../../../src/broker/share/share-state-log.ts';
import type { Message } from '../../../src/protocol/codec.ts';
import { parseBatchSync, splitBatches } from '../../../src/protocol/records/index.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { createTopic, produceValues, type RawClient, withRawClient } from '../../support/raw-client.ts';

const GROUP = 'share-group';
const { INVALID_RECORD_STATE, INVALID_SHARE_SESSION_EPOCH, SHARE_SESSION_NOT_FOUND, INVALID_REQUEST } = {
  INVALID_RECORD_STATE: 121,
  SHARE_SESSION_NOT_FOUND: 122,
  INVALID_SHARE_SESSION_EPOCH: 123,
  INVALID_REQUEST: 42,
};

/** `values` to partition 0 of `topic`. */
const produce = (client: RawClient, topic: string, values: string[]) =>
  produceValues(client, topic, 0, values);

interface FetchOptions {
  memberId: string;
  epoch: number;
  topicId: string;
  acks?: { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[];
  maxWaitMs?: number;
  maxRecords?: number;
}

function shareFetch(client: RawClient, o: FetchOptions): Promise<Message> {
  return client.request(API_KEYS.ShareFetch, 1, {
    groupId: GROUP,
    memberId: o.memberId,
    shareSessionEpoch: o.epoch,
    maxWaitMs: o.maxWaitMs ?? 0,
    minBytes: 1,
    maxBytes: 1024 * 1024,
    maxRecords: o.maxRecords ?? 500,
    batchSize: 500,
    topics: [
      { topicId: o.topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: o.acks ?? [] }] },
    ],
    forgottenTopicsData: [],
  });
}

function shareAcknowledge(client: RawClient, o: FetchOptions): Promise<Message> {
  return client.request(API_KEYS.ShareAcknowledge, 1, {
    groupId: GROUP,
    memberId: o.memberId,
    shareSessionEpoch: o.epoch,
    topics: [
      { topicId: o.topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: o.acks ?? [] }] },
    ],
  });
}

/** The partition of a response, its acquired ranges and the values of the records in them. */
function partitionOf(response: Message) {
  assert.equal(response.errorCode, 0, `top-level error ${response.errorCode}`);
  const p = (response.responses as Message[])[0]?.partitions[0] as Message | undefined;
  const acquired = ((p?.acquiredRecords ?? []) as Message[]).map((r) => [
    Number(r.firstOffset),
    Number(r.lastOffset),
    r.deliveryCount as number,
  ]);
  const values: string[] = [];
  const records = p?.records as Buffer | null | undefined;
  if (records) {
    const split = splitBatches(records);
    assert.ok(split.ok);
    for (const b of split.batches) {
      for (const r of parseBatchSync(b).records) {
        if (acquired.some(([f, l]) => r.offset >= BigInt(f) && r.offset <= BigInt(l))) {
          values.push(r.value!.toString());
        }
      }
    }
  }
  return { errorCode: p?.errorCode ?? 0, ackErrorCode: p?.acknowledgeErrorCode ?? 0, acquired, values };
}

function topicIdOf(nagare: NagareUnderTest, name: string): string {
  return nagare.broker.metadata.topic(name)!.id;
}

describe('ShareFetch and ShareAcknowledge', () => {
  let nagare: NagareUnderTest;
  before(async () => {
    nagare = await startNagare();
  });
  after(() => nagare.stop());

  it('acquires from latest, acknowledges, and redelivers what was released to another member', async () => {
    await withRawClient(nagare.port, async (c) => {
      await createTopic(c, 'orders', 1);
      await produce(c, 'orders', ['before']);
      const topicId = topicIdOf(nagare, 'orders');
      // The first fetch starts the share-partition at the end of the log (share.auto.offset.reset=latest).
      const first = partitionOf(await shareFetch(c, { memberId: 'm1', epoch: 0, topicId }));
      assert.deepEqual(first.acquired, []);
      await produce(c, 'orders', ['a', 'b', 'c', 'd']);
      const got = partitionOf(await shareFetch(c, { memberId: 'm1', epoch: 1, topicId }));
      assert.deepEqual(got.acquired, [[1, 4, 1]]);
      assert.deepEqual(got.values, ['a', 'b', 'c', 'd']);

      // Accept a and b, release c and d (piggy-backed on the next fetch), which find nothing new.
      const acked = partitionOf(
        await shareFetch(c, {
          memberId: 'm1',
          epoch: 2,
          topicId,
          acks: [
            { firstOffset: 1n, lastOffset: 2n, acknowledgeTypes: [1] },
            { firstOffset: 3n, lastOffset: 4n, acknowledgeTypes: [2] },
          ],
          maxRecords: 0,
        }),
      );
      assert.equal(acked.ackErrorCode, 0);
      assert.deepEqual(acked.acquired, []);

      // Another member gets the released records, delivered for the second time.
      await withRawClient(nagare.port, async (c2) => {
        const other = partitionOf(await shareFetch(c2, { memberId: 'm2', epoch: 0, topicId }));
        assert.deepEqual(other.acquired, [[3, 4, 2]]);
        assert.deepEqual(other.values, ['c', 'd']);
        // m1 cannot acknowledge what m2 holds.
        const wrong = await shareAcknowledge(c, {
          memberId: 'm1',
          epoch: 3,
          topicId,
          acks: [{ firstOffset: 3n, lastOffset: 4n, acknowledgeTypes: [1] }],
        });
        assert.equal(wrong.errorCode, 0);
        assert.equal((wrong.responses as Message[])[0].partitions[0].errorCode, INVALID_RECORD_STATE);
        // Closing m2's session (epoch -1) releases what it still holds.
        const closed = await shareAcknowledge(c2, { memberId: 'm2', epoch: -1, topicId });
        assert.equal(closed.errorCode, 0);
      });
      const state = nagare.broker.sharePartitions.state(GROUP, topicId, 0)!;
      assert.equal(state.startOffset, 3n, 'a and b are done');
      assert.equal(state.nextFetchOffset(), 3n, 'c and d are available again');
    });
  });

  it('checks share session epochs', async () => {
    await withRawClient(nagare.port, async (c) => {
      await createTopic(c, 'epochs', 1);
      const topicId = topicIdOf(nagare, 'epochs');
      const missing = await shareFetch(c, { memberId: 'nobody', epoch: 3, topicId });
      assert.equal(missing.errorCode, SHARE_SESSION_NOT_FOUND);
      assert.equal((await shareFetch(c, { memberId: 'e1', epoch: 0, topicId })).errorCode, 0);
      assert.equal(
        (await shareFetch(c, { memberId: 'e1', epoch: 5, topicId })).errorCode,
        INVALID_SHARE_SESSION_EPOCH,
      );
      assert.equal((await shareFetch(c, { memberId: 'e1', epoch: 1, topicId })).errorCode, 0);
      assert.equal(
        (await shareAcknowledge(c, { memberId: 'e1', epoch: 0, topicId })).errorCode,
        INVALID_SHARE_SESSION_EPOCH,
      );
      assert.equal((await shareAcknowledge(c, { memberId: 'e1', epoch: 2, topicId })).errorCode, 0);
      const withAcks = await shareFetch(c, {
        memberId: 'e1',
        epoch: 0,
        topicId,
        acks: [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [1] }],
      });
      assert.equal(withAcks.errorCode, INVALID_REQUEST, 'acknowledgements on an opening request');
      assert.equal((await shareFetch(c, { memberId: 'e1', epoch: -1, topicId })).errorCode, 0);
      assert.equal(
        (await shareFetch(c, { memberId: 'e1', epoch: 1, topicId })).errorCode,
        SHARE_SESSION_NOT_FOUND,
      );
    });
  });

  it('long-polls until records arrive', async () => {
    await withRawClient(nagare.port, async (c) => {
      await createTopic(c, 'polled', 1);
      const topicId = topicIdOf(nagare, 'polled');
      await shareFetch(c, { memberId: 'p1', epoch: 0, topicId });
      const waiting = withRawClient(nagare.port, (c2) =>
        shareFetch(c2, { memberId: 'p2', epoch: 0, topicId, maxWaitMs: 10_000 }),
      );
      await produce(c, 'polled', ['late']);
      const got = partitionOf(await waiting);
      assert.deepEqual(got.values, ['late']);
    });
  });

  it('answers unknown topic ids per partition', async () => {
    await withRawClient(nagare.port, async (c) => {
      const response = await shareFetch(c, { memberId: 'u1', epoch: 0, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' });
      assert.equal(partitionOf(response).errorCode, 100, 'UNKNOWN_TOPIC_ID');
    });
  });

  it('forgets the share state of a deleted topic; a re-created topic starts afresh', async () => {
    await withRawClient(nagare.port, async (c) => {
      await createTopic(c, 'recreated', 1);
      const oldId = topicIdOf(nagare, 'recreated');
      await shareFetch(c, { memberId: 'r1', epoch: 0, topicId: oldId });
      await produce(c, 'recreated', ['old']);
      assert.deepEqual(
        partitionOf(await shareFetch(c, { memberId: 'r1', epoch: 1, topicId: oldId })).values,
        ['old'],
      );
      const deleted = await c.request(API_KEYS.DeleteTopics, 6, {
        topics: [{ name: 'recreated', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
        timeoutMs: 5000,
      });
      assert.equal((deleted.responses as Message[])[0].errorCode, 0);
      assert.equal(nagare.broker.sharePartitions.state(GROUP, oldId, 0), undefined);
      await createTopic(c, 'recreated', 1);
      const newId = topicIdOf(nagare, 'recreated');
      await shareFetch(c, { memberId: 'r1', epoch: 0, topicId: newId });
      await produce(c, 'recreated', ['new']);
      const got = partitionOf(await shareFetch(c, { memberId: 'r1', epoch: 1, topicId: newId }));
      assert.deepEqual(got.acquired, [[0, 0, 1]]);
      assert.deepEqual(got.values, ['new']);
    });
  });
});

describe('share state across a restart', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'nagare-share-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('never redelivers what was acknowledged; acquired records come back with their delivery count', async () => {
    let topicId = '';
    const first = await startNagare({ dataDir });
    try {
      await withRawClient(first.port, async (c) => {
        await createTopic(c, 'durable', 1);
        topicId = topicIdOf(first, 'durable');
        await shareFetch(c, { memberId: 'd1', epoch: 0, topicId });
        await produce(c, 'durable', ['0', '1', '2', '3', '4', '5']);
        assert.deepEqual(partitionOf(await shareFetch(c, { memberId: 'd1', epoch: 1, topicId })).acquired, [
          [0, 5, 1],
        ]);
        const ack = await shareAcknowledge(c, {
          memberId: 'd1',
          epoch: 2,
          topicId,
          acks: [
            { firstOffset: 0n, lastOffset: 1n, acknowledgeTypes: [1] },
            { firstOffset: 3n, lastOffset: 3n, acknowledgeTypes: [3] },
          ],
        });
        assert.equal((ack.responses as Message[])[0].partitions[0].errorCode, 0);
      });
      assert.ok(first.broker.metadata.topic(SHARE_STATE_TOPIC), 'state is kept in __share_group_state');
    } finally {
      await first.stop();
    }
    const second = await startNagare({ dataDir });
    try {
      await withRawClient(second.port, async (c) => {
        const got = partitionOf(await shareFetch(c, { memberId: 'd2', epoch: 0, topicId }));
        assert.deepEqual(got.acquired, [
          [2, 2, 2],
          [4, 5, 2],
        ]);
        assert.deepEqual(got.values, ['2', '4', '5']);
      });
    } finally {
      await second.stop();
    }
  });
});

// Retention as clients see it, Nagare against Apache Kafka (test/support/targets.ts): records older than
// retention.ms go with their segment, the active one included (rolled first), and the log start
// offset, ListOffsets earliest and a Fetch from a deleted offset agree with Kafka's.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Message } from '../../../src/protocol/codec.ts';
import { buildBatchSync } from '../../../src/protocol/records/batch.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { describeDifferential } from '../../support/differential-suite.ts';
import { createTopic, type RawClient, withRawClient } from '../../support/raw-client.ts';
import { compareOn } from '../../support/targets.ts';

const OVERRIDES = { 'log.retention.check.interval.ms': '300', 'log.initial.task.delay.ms': '0' };
const OFFSET_OUT_OF_RANGE = 1;
const MIB = 1 << 20;

/**
 * Kafka answers CreateTopics before the new partition's leader is ready on the broker, so a produce
 * right after it may get UNKNOWN_TOPIC_OR_PARTITION or NOT_LEADER_OR_FOLLOWER: retry those, as clients
 * do (nothing was appended).
 */
const NOT_READY_YET = new Set([3, 5, 6]);

async function produce(client: RawClient, topic: string, records: Buffer): Promise<Message> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await client.request(API_KEYS.Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 10_000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
    });
    const partition = ((response.responses as Message[])[0].partitionResponses as Message[])[0];
    if (!NOT_READY_YET.has(partition.errorCode as number) || Date.now() > deadline) return partition;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function listOffset(client: RawClient, topic: string, timestamp: bigint): Promise<bigint> {
  const response = await client.request(API_KEYS.ListOffsets, 7, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp }] }],
  });
  return ((response.topics as Message[])[0].partitions as Message[])[0].offset as bigint;
}

async function fetchAt(client: RawClient, topic: string, fetchOffset: bigint) {
  const response = await client.request(API_KEYS.Fetch, 12, {
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: '',
  });
  const partition = ((response.responses as Message[])[0].partitions as Message[])[0];
  return {
    errorCode: partition.errorCode as number,
    logStartOffset: partition.logStartOffset as bigint,
    highWatermark: partition.highWatermark as bigint,
    bytes: (partition.records as Buffer | null)?.length ?? 0,
  };
}

/**
 * Polls until `condition` holds, failing after `timeoutMs` with `what` (a function, to report the last
 * state seen).
 */
async function eventually(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  what: string | (() => string),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`${typeof what === 'string' ? what : what()}: not within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeDifferential('retention', { overrides: OVERRIDES }, (pair) => {
  it('expired records go with their (active) segment; the log starts after them', async () => {
    const { reference } = await compareOn(pair, {
      name: 'retention-ms',
      run: (broker) =>
        withRawClient(broker.port, async (client) => {
          const topic = 'retained';
          await createTopic(client, topic, 1, { 'retention.ms': '1000' });
          const old = BigInt(Date.now() - 2 * 3_600_000);
          const records = [0, 1, 2].map((i) => ({ value: Buffer.from(`old-${i}`), timestamp: old }));
          const first = await produce(client, topic, buildBatchSync({ records }));
          await eventually(async () => (await listOffset(client, topic, -2n)) === 3n, 20_000, 'retention');
          // Only the error is compared: Kafka leaves the offsets of an erroneous partition at -1,
          // Nagare's Fetch handler still fills them in (src/broker/apis/fetch.ts, not this test's area).
          const fromDeleted = (await fetchAt(client, topic, 0n)).errorCode;
          const fromStart = await fetchAt(client, topic, 3n);
          const next = await produce(
            client,
            topic,
            buildBatchSync({ records: [{ value: Buffer.from('new'), timestamp: BigInt(Date.now()) }] }),
          );
          return {
            first: [first.errorCode, first.baseOffset],
            earliest: await listOffset(client, topic, -2n),
            latest: await listOffset(client, topic, -1n),
            fromDeleted,
            fromStart,
            next: [next.errorCode, next.baseOffset, next.logStartOffset],
          };
        }),
    });
    assert.deepEqual(reference.first, [0, 0n]);
    assert.equal(reference.earliest, 3n);
    assert.equal(reference.latest, 4n, 'after the record produced once the old ones were gone');
    assert.equal(reference.fromDeleted, OFFSET_OUT_OF_RANGE);
    assert.deepEqual(reference.fromStart, { errorCode: 0, logStartOffset: 3n, highWatermark: 3n, bytes: 0 });
    assert.deepEqual(reference.next, [0, 3n, 3n]);
  });

  it('retention.bytes deletes the oldest segments', async () => {
    const { reference } = await compareOn(pair, {
      name: 'retention-bytes',
      run: (broker) =>
        withRawClient(broker.port, async (client) => {
          const topic = 'sized';
          // Kafka 4's smallest segment.bytes is 1 MiB.
          await createTopic(client, topic, 1, {
            'retention.bytes': String(MIB),
            'segment.bytes': String(MIB),
          });
          for (let i = 0; i < 30; i++) {
            const value = Buffer.alloc(100_000, i);
            await produce(
              client,
              topic,
              buildBatchSync({ records: [{ value, timestamp: BigInt(Date.now()) }] }),
            );
          }
          // A pass may have run while producing: wait for the start to stay put over several passes, and
          // for the high watermark to cover every append (Kafka may advance it just after answering).
          let earliest = -1n;
          let latest = -1n;
          let since = Date.now();
          await eventually(
            async () => {
              const now = await listOffset(client, topic, -2n);
              latest = await listOffset(client, topic, -1n);
              if (now !== earliest) [earliest, since] = [now, Date.now()];
              return earliest > 0n && latest === 30n && Date.now() - since > 1_500;
            },
            20_000,
            () => `retention by size (last seen: earliest ${earliest}, latest ${latest})`,
          );
          return { earliest, latest };
        }),
    });
    assert.equal(reference.latest, 30n);
    assert.equal(reference.earliest, 10n);
  });
});

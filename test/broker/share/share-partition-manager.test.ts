// The share-partition manager over a real broker's logs, with time driven by hand: acquisition locks that
// run out, the delivery count limit, members leaving, groups deleted, initial offsets.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import type { ShareAutoOffsetReset } from '../../../src/broker/config/group-definitions.ts';
import {
  SharePartitionManager,
  type SharePartitionSettings,
} from '../../../src/broker/share/share-partition-manager.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { RawClient as Client, createTopic, produceValues, type RawClient } from '../../support/raw-client.ts';
import { ManualTimers } from '../groups/manual-timers.ts';

const LIMITS = { maxRecords: 500, maxBytes: 1024 * 1024, minBytes: 1 };

/** `count` records v0, v1, … to partition 0 of `topic`. */
function produce(client: RawClient, topic: string, count: number, timestamp = Date.now()): Promise<void> {
  return produceValues(client, topic, 0, numbered(count), timestamp);
}

const numbered = (count: number) => Array.from({ length: count }, (_, i) => `v${i}`);

function ranges(
  results: { acquired: { firstOffset: bigint; lastOffset: bigint; deliveryCount: number }[] }[],
) {
  return results.flatMap((r) =>
    r.acquired.map((a) => [Number(a.firstOffset), Number(a.lastOffset), a.deliveryCount]),
  );
}

describe('SharePartitionManager', () => {
  let nagare: NagareUnderTest;
  let client: RawClient;
  let timers: ManualTimers;
  let settings: SharePartitionSettings;
  let manager: SharePartitionManager;
  let topicId: string;
  let topicCount = 0;

  before(async () => {
    nagare = await startNagare();
    client = await Client.connect(nagare.port);
  });
  after(async () => {
    client.destroy();
    await nagare.stop();
  });
  beforeEach(async () => {
    timers = new ManualTimers(Date.now());
    settings = {
      autoOffsetReset: { type: 'earliest' },
      isolationLevel: 'read_uncommitted',
      recordLockDurationMs: 30000,
      deliveryCountLimit: 3,
      maxRecordLocks: 200,
    };
    manager = new SharePartitionManager(nagare.broker, pino({ level: 'silent' }), {
      settings: () => settings,
      clock: timers.clock,
      timers,
    });
    const name = `t${++topicCount}`;
    await createTopic(client, name, 1);
    topicId = nagare.broker.metadata.topic(name)!.id;
    await produce(client, name, 4);
  });

  const target = () => [{ topicId, partition: 0 }];

  it('makes records available again when their acquisition lock runs out, up to the delivery limit', async () => {
    assert.deepEqual(ranges(await manager.acquire('g', 'm1', target(), LIMITS)), [[0, 3, 1]]);
    assert.deepEqual(ranges(await manager.acquire('g', 'm2', target(), LIMITS)), [], 'all locked');
    timers.advance(29_999);
    assert.deepEqual(ranges(await manager.acquire('g', 'm2', target(), LIMITS)), []);
    timers.advance(1);
    assert.deepEqual(ranges(await manager.acquire('g', 'm2', target(), LIMITS)), [[0, 3, 2]]);
    timers.advance(30_000);
    assert.deepEqual(ranges(await manager.acquire('g', 'm3', target(), LIMITS)), [[0, 3, 3]]);
    timers.advance(30_000);
    assert.deepEqual(
      ranges(await manager.acquire('g', 'm3', target(), LIMITS)),
      [],
      'archived after 3 deliveries',
    );
    assert.equal(manager.state('g', topicId, 0)?.startOffset, 4n);
  });

  it('uses the lock duration and delivery limit the group has when they apply', async () => {
    settings.recordLockDurationMs = 15000;
    await manager.acquire('g', 'm1', target(), LIMITS);
    timers.advance(15_000);
    assert.deepEqual(ranges(await manager.acquire('g', 'm2', target(), LIMITS)), [[0, 3, 2]]);
    settings.deliveryCountLimit = 2;
    await manager.releaseMember('g', 'm2');
    assert.equal(manager.state('g', topicId, 0)?.startOffset, 4n, 'archived: delivered twice of 2');
  });

  it('releases the records of a member that left, and forgets a deleted group', async () => {
    await manager.acquire('g', 'm1', target(), { ...LIMITS, maxRecords: 1 });
    await manager.onMemberLeft('g', 'm1');
    assert.deepEqual(
      ranges(await manager.acquire('g', 'm2', target(), LIMITS)),
      [[0, 3, 2]],
      'one batch, taken whole',
    );
    manager.sessions.forFetch('g', 'm2', 0, target(), []);
    await manager.onMemberLeft('g', 'm2');
    assert.equal(manager.state('g', topicId, 0)?.record(0n)?.memberId, 'm2', 'its session will release them');
    await manager.onGroupDeleted('g');
    assert.equal(manager.state('g', topicId, 0), undefined);
    settings.autoOffsetReset = { type: 'latest' };
    await manager.initialize('g', target());
    assert.equal(
      manager.state('g', topicId, 0)?.startOffset,
      4n,
      'a new share-partition at the end of the log',
    );
  });

  it('starts where share.auto.offset.reset says', async () => {
    const startOf = async (group: string, reset: ShareAutoOffsetReset) => {
      settings.autoOffsetReset = reset;
      await manager.initialize(group, target());
      return manager.state(group, topicId, 0)?.startOffset;
    };
    assert.equal(await startOf('earliest', { type: 'earliest' }), 0n);
    assert.equal(await startOf('latest', { type: 'latest' }), 4n);
    assert.equal(await startOf('recent', { type: 'by_duration', durationMs: 60_000 }), 0n);
    const name = nagare.broker.metadata.topicById(topicId)!.name;
    const minute = 60_000;
    await produce(client, name, 2, timers.now + 50 * minute);
    timers.advance(80 * minute);
    assert.equal(
      await startOf('hour', { type: 'by_duration', durationMs: 3_600_000 }),
      4n,
      'the first record of the last hour',
    );
    assert.equal(
      await startOf('latest', { type: 'earliest' }),
      4n,
      'an existing share-partition keeps its offset',
    );
  });

  it('acquires partition by partition until minBytes are there', async () => {
    await createTopic(client, 'two', 2);
    const id = nagare.broker.metadata.topic('two')!.id;
    for (const partition of [0, 1]) await produceValues(client, 'two', partition, numbered(3));
    const targets = [0, 1].map((partition) => ({ topicId: id, partition }));
    const first = await manager.acquire('g2', 'm1', targets, LIMITS);
    assert.deepEqual(
      first.map((r) => r.acquired.length),
      [1, 0],
      'one partition was enough',
    );
    const rest = await manager.acquire('g2', 'm1', targets, { ...LIMITS, minBytes: 1024 * 1024 });
    assert.deepEqual(ranges(rest), [[0, 2, 1]], 'partition 1, the only one with records left');
    assert.equal(rest[1].acquired.length, 1);
  });
});

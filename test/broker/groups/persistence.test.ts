import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { coordinatorPartitionFor } from '../../../src/broker/coordinator-partition.ts';
import { recordTypeOf } from '../../../src/broker/groups/coordinator-record-format.ts';
import {
  decodeGroupMetadataValue,
  decodeOffsetCommitKey,
  decodeOffsetCommitValue,
  RECORD_TYPE,
} from '../../../src/broker/groups/coordinator-records.ts';
import type { Message } from '../../../src/protocol/codec.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import {
  commitBody,
  committedOffsets,
  heartbeatBody,
  joinBody,
  joinV9,
  syncBody,
} from '../../support/group-requests.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { createTopic, fetchAllBatches, RawClient } from '../../support/raw-client.ts';
import { tempDir } from './coordinator-harness.ts';

// Committed offsets and group metadata live in __consumer_offsets, in Kafka's record formats, and come
// back when the broker restarts: a member of a stable group goes on heartbeating as if nothing happened.

const PARTITIONS = 3;
const overrides = {
  'group.initial.rebalance.delay.ms': '0',
  'offsets.topic.num.partitions': String(PARTITIONS),
  'nagare.log.fsync.on.append': 'true',
};

describe('group persistence across a restart', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let broker: NagareUnderTest | undefined;
  let client: RawClient | undefined;
  const start = async () => {
    broker = await startNagare({ dataDir: dir.path, overrides });
    client = await RawClient.connect(broker.port, { clientId: 'persist' });
    return client;
  };
  const stop = async () => {
    client?.destroy();
    await broker?.stop();
    client = undefined;
    broker = undefined;
  };
  before(async () => {
    dir = await tempDir();
  });
  after(async () => {
    await stop();
    await dir.remove();
  });

  it('restores offsets and group metadata, and forgets deleted groups', async () => {
    let c = await start();
    await createTopic(c, 't', 2);
    const joined = await joinV9(c, 'stable');
    await c.request(
      API_KEYS.SyncGroup,
      5,
      syncBody('stable', joined, [{ memberId: joined.memberId, assignment: Buffer.from('mine') }]),
    );
    const commit = await c.request(
      API_KEYS.OffsetCommit,
      9,
      commitBody('stable', joined.generationId, joined.memberId, { t: [10n, 20n] }),
    );
    assert.deepEqual(
      (commit.topics as Message[])[0].partitions.map((p: Message) => p.errorCode),
      [0, 0],
    );
    // An acknowledged commit is on disk (durable mode: fsynced before the answer).
    const log = broker!.broker.partitions.get(
      '__consumer_offsets',
      coordinatorPartitionFor('stable', PARTITIONS),
    )!;
    assert.ok(log.stats.fsyncs > 0);
    await c.request(API_KEYS.OffsetCommit, 9, commitBody('simple', -1, '', { t: [3n] }));
    await c.request(API_KEYS.OffsetCommit, 9, commitBody('deleted', -1, '', { t: [4n] }));
    const deleted = await c.request(API_KEYS.DeleteGroups, 2, { groupsNames: ['deleted'] });
    assert.equal((deleted.results as Message[])[0].errorCode, 0);
    await stop();

    c = await start();
    assert.deepEqual(await committedOffsets(c, 'stable'), { 't-0': 10n, 't-1': 20n });
    assert.deepEqual(await committedOffsets(c, 'simple'), { 't-0': 3n });
    assert.deepEqual(await committedOffsets(c, 'deleted'), {});
    const listed = await c.request(API_KEYS.ListGroups, 5, { statesFilter: [], typesFilter: [] });
    assert.deepEqual((listed.groups as Message[]).map((g) => [g.groupId, g.groupState]).sort(), [
      ['simple', 'Empty'],
      ['stable', 'Stable'],
    ]);
    const described = await c.request(API_KEYS.DescribeGroups, 5, {
      groups: ['stable'],
      includeAuthorizedOperations: false,
    });
    const [group] = described.groups as Message[];
    assert.deepEqual([group.groupState, group.protocolData], ['Stable', 'range']);
    assert.equal((group.members[0].memberAssignment as Buffer).toString(), 'mine');
    // The member carries on: same member id, same generation, its assignment still there.
    const beat = await c.request(API_KEYS.Heartbeat, 4, heartbeatBody('stable', joined));
    assert.equal(beat.errorCode, 0);
    const sync = await c.request(API_KEYS.SyncGroup, 5, syncBody('stable', joined));
    assert.equal((sync.assignment as Buffer).toString(), 'mine');
    // The next generation continues from the stored one.
    const newcomer = await c.request(API_KEYS.JoinGroup, 9, joinBody('stable', ''));
    assert.equal(newcomer.errorCode, 79);
  });

  it('writes Kafka record formats that Kafka tools can read', async () => {
    const c = client ?? (await start());
    const { batches } = await fetchAllBatches(
      c,
      '__consumer_offsets',
      coordinatorPartitionFor('stable', PARTITIONS),
    );
    const records = batches.flatMap((b) => b.records);
    const offsetRecords = records.filter((r) => recordTypeOf(r.key!) === RECORD_TYPE.offsetCommit);
    const groupRecords = records.filter((r) => recordTypeOf(r.key!) === RECORD_TYPE.groupMetadata);
    const committed = offsetRecords
      .filter((r) => decodeOffsetCommitKey(r.key!).group === 'stable' && r.value)
      .map((r) => [decodeOffsetCommitKey(r.key!).partition, decodeOffsetCommitValue(r.value!).offset]);
    assert.deepEqual(committed, [
      [0, 10n],
      [1, 20n],
    ]);
    const lastGroup = groupRecords.filter((r) => r.value).at(-1)!;
    assert.equal(lastGroup.value!.readInt16BE(0), 3, 'GroupMetadataValue v3, as Kafka 4 writes');
    const stored = decodeGroupMetadataValue(lastGroup.value!);
    assert.equal(stored.protocolType, 'consumer');
    assert.equal(stored.protocol, 'range');
    assert.equal(stored.members[0].assignment.toString(), 'mine');
  });
});

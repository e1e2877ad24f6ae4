// Consumer groups survive a broker restart: their records in __consumer_offsets (Kafka's record types)
// bring back epochs, members, assignments and committed offsets, and the members' sessions start again
// from the restart, so that members that never come back are removed one session timeout later.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../../../src/protocol/codec.ts';
import { API_KEYS } from '../../../../src/protocol/schema/messages.generated.ts';
import { type NagareUnderTest, startNagare } from '../../../support/nagare.ts';
import { createTopic, RawClient } from '../../../support/raw-client.ts';
import { until } from '../until.ts';
import {
  describeConsumerGroups,
  fetchTopicId,
  type HeartbeatBody,
  sendHeartbeat,
} from './consumer-protocol-requests.ts';

const SESSION_TIMEOUT_MS = 1500;
// Below Kafka's minimums (45 s session, 5 s heartbeat), which must be lowered too, as for Kafka.
const overrides = {
  'group.consumer.min.session.timeout.ms': '1000',
  'group.consumer.session.timeout.ms': String(SESSION_TIMEOUT_MS),
  'group.consumer.min.heartbeat.interval.ms': '100',
  'group.consumer.heartbeat.interval.ms': '300',
};

describe('consumer groups across a broker restart', () => {
  let dataDir: string;
  let nagare: NagareUnderTest;
  let client: RawClient;

  const connect = async () => {
    client = await RawClient.connect(nagare.port, { clientId: 'restart-test' });
  };
  const restart = async () => {
    client.destroy();
    const listeners = `PLAINTEXT://127.0.0.1:${nagare.port}`;
    await nagare.stop();
    nagare = await startNagare({ dataDir, overrides: { ...overrides, listeners } });
    await connect();
  };
  const heartbeat = (body: HeartbeatBody) => sendHeartbeat(client, body);
  const describeGroup = async (groupId: string) => (await describeConsumerGroups(client, [groupId]))[0];
  /** What a restart must keep: epochs, state, and each member's epoch, assignment and target. */
  const snapshot = (group: Message) => ({
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
    groupState: group.groupState,
    assignorName: group.assignorName,
    members: (group.members as Message[])
      .map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        memberEpoch: m.memberEpoch,
        subscribedTopicNames: m.subscribedTopicNames,
        assignment: m.assignment.topicPartitions,
        target: m.targetAssignment.topicPartitions,
      }))
      .sort((a, b) => (a.memberId < b.memberId ? -1 : 1)),
  });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'nagare-kip848-restart-'));
    nagare = await startNagare({ dataDir, overrides });
    await connect();
  });
  after(async () => {
    client?.destroy();
    await nagare?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('brings back the group as it was, then removes members that do not come back', async () => {
    const found = await client.request(API_KEYS.FindCoordinator, 4, {
      keyType: 0,
      coordinatorKeys: ['kept'],
    });
    assert.equal((found.coordinators as Message[])[0].errorCode, 0);
    await createTopic(client, 'kept-topic', 4);
    const topicId = await until('the id of kept-topic', () => fetchTopicId(client, 'kept-topic'));
    const join = (memberId: string, instanceId: string | null) =>
      heartbeat({
        groupId: 'kept',
        memberId,
        memberEpoch: 0,
        instanceId,
        rebalanceTimeoutMs: 30_000,
        subscribedTopicNames: ['kept-topic'],
        serverAssignor: 'range',
        topicPartitions: [],
      });
    await join('dynamic', null);
    const second = await join('static', 'instance-1');
    // The first member revokes half, the second then gets it: a Stable group with two members.
    await heartbeat({
      groupId: 'kept',
      memberId: 'dynamic',
      memberEpoch: 2,
      topicPartitions: [{ topicId, partitions: [0, 1, 2, 3] }],
    });
    await heartbeat({
      groupId: 'kept',
      memberId: 'dynamic',
      memberEpoch: 2,
      topicPartitions: [{ topicId, partitions: [0, 1] }],
    });
    const settled = await heartbeat({
      groupId: 'kept',
      memberId: 'static',
      instanceId: 'instance-1',
      memberEpoch: second.memberEpoch,
      topicPartitions: [],
    });
    assert.deepEqual(settled.assignment.topicPartitions, [{ topicId, partitions: [2, 3] }]);
    const commit = await client.request(API_KEYS.OffsetCommit, 9, {
      groupId: 'kept',
      generationIdOrMemberEpoch: settled.memberEpoch,
      memberId: 'static',
      groupInstanceId: 'instance-1',
      topics: [
        {
          name: 'kept-topic',
          partitions: [
            { partitionIndex: 2, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
      ],
    });
    assert.equal(((commit.topics as Message[])[0].partitions as Message[])[0].errorCode, 0);
    const before = snapshot(await describeGroup('kept'));
    assert.equal(before.groupState, 'Stable');

    await restart();
    const restored = await describeGroup('kept');
    assert.deepEqual(snapshot(restored), before);
    // The member's epoch is still the one it heartbeats with, and its commit is there.
    const again = await heartbeat({
      groupId: 'kept',
      memberId: 'static',
      instanceId: 'instance-1',
      memberEpoch: settled.memberEpoch,
    });
    assert.deepEqual([again.errorCode, again.memberEpoch], [0, settled.memberEpoch]);
    const fetched = await client.request(API_KEYS.OffsetFetch, 8, {
      groups: [{ groupId: 'kept', topics: [{ name: 'kept-topic', partitionIndexes: [2] }] }],
      requireStable: false,
    });
    const partition = (((fetched.groups as Message[])[0].topics as Message[])[0].partitions as Message[])[0];
    assert.equal(partition.committedOffset, 42n);

    // Neither member heartbeats any more: both are removed once their sessions, restarted, expire.
    await until('the members to time out', async () =>
      (await describeGroup('kept')).groupState === 'Empty' ? true : undefined,
    );
    await restart();
    const emptied = await describeGroup('kept');
    assert.deepEqual([emptied.groupState, emptied.members], ['Empty', []]);

    // DeleteGroups removes the empty group, for good.
    const deleted = await client.request(API_KEYS.DeleteGroups, 2, { groupsNames: ['kept'] });
    assert.equal((deleted.results as Message[])[0].errorCode, 0);
    await restart();
    assert.equal((await describeGroup('kept')).errorCode, 69);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../../src/protocol/codec.ts';
import { ERRORS } from '../../../src/protocol/errors.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { heartbeatBody, joinBody, joinV9, rejoinV9, syncBody } from '../../support/group-requests.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { createTopic, RawClient } from '../../support/raw-client.ts';

// FindCoordinator, JoinGroup, SyncGroup, Heartbeat and LeaveGroup through the wire, at the versions
// clients use, with the error codes Apache Kafka 4 answers (checked against it in the differential tests).

describe('group membership APIs', () => {
  let broker: NagareUnderTest;
  let client: RawClient;
  before(async () => {
    broker = await startNagare({
      overrides: { 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '3' },
    });
    client = await RawClient.connect(broker.port, { clientId: 'membership' });
    await createTopic(client, 't', 2);
  });
  after(async () => {
    client?.destroy();
    await broker?.stop();
  });

  it('FindCoordinator names this broker for groups and transactions and creates __consumer_offsets', async () => {
    const v0 = await client.request(API_KEYS.FindCoordinator, 0, { key: 'g' });
    assert.deepEqual([v0.errorCode, v0.nodeId, v0.port], [0, 1, broker.port]);
    const v3 = await client.request(API_KEYS.FindCoordinator, 3, { key: 'tx', keyType: 1 });
    assert.deepEqual([v3.errorCode, v3.errorMessage, v3.host], [0, 'NONE', '127.0.0.1']);
    const v4 = await client.request(API_KEYS.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['a', 'b'] });
    assert.deepEqual(
      (v4.coordinators as Message[]).map((c) => [c.key, c.errorCode, c.nodeId, c.port]),
      [
        ['a', 0, 1, broker.port],
        ['b', 0, 1, broker.port],
      ],
    );
    const bad = await client.request(API_KEYS.FindCoordinator, 1, { key: 'g', keyType: 7 });
    assert.equal(bad.errorCode, ERRORS.INVALID_REQUEST.code);

    const metadata = await client.request(API_KEYS.Metadata, 12, {
      topics: [{ name: '__consumer_offsets', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    const [topic] = metadata.topics as Message[];
    assert.equal(topic.errorCode, 0);
    assert.equal(topic.isInternal, true);
    assert.equal((topic.partitions as Message[]).length, 3);
    const configs = await client.request(API_KEYS.DescribeConfigs, 4, {
      resources: [
        { resourceType: 2, resourceName: '__consumer_offsets', configurationKeys: ['cleanup.policy'] },
      ],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    assert.equal(((configs.results as Message[])[0].configs as Message[])[0].value, 'compact');
  });

  it('takes a member through JoinGroup, SyncGroup, Heartbeat and LeaveGroup', async () => {
    const joined = await joinV9(client, 'life');
    assert.equal(joined.generationId, 1);
    assert.equal(joined.leader, joined.memberId);
    assert.equal(joined.members.length, 1);
    const sync = await client.request(
      API_KEYS.SyncGroup,
      5,
      syncBody('life', joined, [{ memberId: joined.memberId, assignment: Buffer.from('parts') }]),
    );
    assert.deepEqual([sync.errorCode, sync.protocolType, sync.protocolName], [0, 'consumer', 'range']);
    assert.equal((sync.assignment as Buffer).toString(), 'parts');
    const beat = await client.request(API_KEYS.Heartbeat, 4, heartbeatBody('life', joined));
    assert.equal(beat.errorCode, 0);
    const stale = await client.request(API_KEYS.Heartbeat, 4, {
      ...heartbeatBody('life', joined),
      generationId: 9,
    });
    assert.equal(stale.errorCode, ERRORS.ILLEGAL_GENERATION.code);
    const leave = await client.request(API_KEYS.LeaveGroup, 5, {
      groupId: 'life',
      members: [{ memberId: joined.memberId, groupInstanceId: null, reason: 'done' }],
    });
    assert.deepEqual([leave.errorCode, (leave.members as Message[]).map((m) => m.errorCode)], [0, [0]]);
    const after = await client.request(API_KEYS.Heartbeat, 4, heartbeatBody('life', joined));
    assert.equal(after.errorCode, ERRORS.UNKNOWN_MEMBER_ID.code);
  });

  it('serves the old versions: JoinGroup v0 needs no member id round trip, errors carry an empty protocol', async () => {
    const joined = await client.request(API_KEYS.JoinGroup, 0, joinBody('old', ''));
    assert.equal(joined.errorCode, 0);
    assert.equal(joined.protocolName, 'range');
    const sync = await client.request(API_KEYS.SyncGroup, 0, {
      groupId: 'old',
      generationId: joined.generationId,
      memberId: joined.memberId,
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from('x') }],
    });
    assert.equal(sync.errorCode, 0);
    const beat = await client.request(API_KEYS.Heartbeat, 0, {
      groupId: 'old',
      generationId: joined.generationId,
      memberId: joined.memberId,
    });
    assert.equal(beat.errorCode, 0);
    const unknown = await client.request(API_KEYS.JoinGroup, 5, joinBody('old', 'nobody'));
    assert.deepEqual([unknown.errorCode, unknown.protocolName], [ERRORS.UNKNOWN_MEMBER_ID.code, '']);
    const leave = await client.request(API_KEYS.LeaveGroup, 0, { groupId: 'old', memberId: 'nobody' });
    assert.equal(leave.errorCode, ERRORS.UNKNOWN_MEMBER_ID.code);
  });

  it('rebalances when a second member joins: the first learns it from its heartbeat and rejoins', async () => {
    const other = await RawClient.connect(broker.port, { clientId: 'second' });
    try {
      const first = await joinV9(client, 'pair');
      await client.request(API_KEYS.SyncGroup, 5, syncBody('pair', first));
      // The second member's JoinGroup waits until the first has rejoined.
      const secondId = (await other.request(API_KEYS.JoinGroup, 9, joinBody('pair', ''))).memberId as string;
      const secondJoin = other.send(API_KEYS.JoinGroup, 9, joinBody('pair', secondId));
      let beat: Message;
      do beat = await client.request(API_KEYS.Heartbeat, 4, heartbeatBody('pair', first));
      while (beat.errorCode === 0);
      assert.equal(beat.errorCode, ERRORS.REBALANCE_IN_PROGRESS.code);
      const rejoined = await rejoinV9(client, 'pair', first.memberId);
      const second = await other.receive(API_KEYS.JoinGroup, 9, secondJoin);
      assert.equal(rejoined.generationId, 2);
      assert.equal(second.generationId, 2);
      assert.equal(rejoined.leader, first.memberId, 'the leader stays');
      assert.deepEqual(
        (rejoined.members as Message[]).map((m) => m.memberId).sort(),
        [first.memberId, secondId].sort(),
      );
      assert.deepEqual(second.members, []);
    } finally {
      other.destroy();
    }
  });

  it('refuses bad requests with Kafka error codes', async () => {
    const code = async (apiKey: number, version: number, body: Message) =>
      (await client.request(apiKey, version, body)).errorCode;
    assert.equal(await code(API_KEYS.JoinGroup, 9, joinBody('', '')), ERRORS.INVALID_GROUP_ID.code);
    assert.equal(
      await code(API_KEYS.JoinGroup, 9, joinBody('g', '', { sessionTimeoutMs: 10 })),
      ERRORS.INVALID_SESSION_TIMEOUT.code,
    );
    assert.equal(
      await code(API_KEYS.JoinGroup, 9, joinBody('g', '', { protocolType: '' })),
      ERRORS.INCONSISTENT_GROUP_PROTOCOL.code,
    );
    assert.equal(await code(API_KEYS.JoinGroup, 9, joinBody('nogroup', 'm')), ERRORS.UNKNOWN_MEMBER_ID.code);
    const joined = await joinV9(client, 'strict');
    assert.equal(
      await code(API_KEYS.SyncGroup, 5, { ...syncBody('strict', joined), protocolName: null }),
      ERRORS.INCONSISTENT_GROUP_PROTOCOL.code,
    );
    assert.equal(
      await code(API_KEYS.SyncGroup, 5, { ...syncBody('strict', joined), groupId: 'nogroup' }),
      ERRORS.UNKNOWN_MEMBER_ID.code,
    );
    assert.equal(
      await code(API_KEYS.Heartbeat, 4, { ...heartbeatBody('strict', joined), groupId: '' }),
      ERRORS.INVALID_GROUP_ID.code,
    );
  });
});

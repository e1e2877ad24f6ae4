import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../../src/protocol/codec.ts';
import { ERRORS } from '../../../src/protocol/errors.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { commitBody, committedOffsets, joinV9, syncBody } from '../../support/group-requests.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { createTopic, RawClient } from '../../support/raw-client.ts';

// OffsetCommit, OffsetFetch, OffsetDelete, ListGroups, DescribeGroups and DeleteGroups through the wire.

const partitionErrors = (response: Message) =>
  (response.topics as Message[]).flatMap((t) => (t.partitions as Message[]).map((p) => p.errorCode));

describe('offset and group admin APIs', () => {
  let broker: NagareUnderTest;
  let client: RawClient;
  before(async () => {
    broker = await startNagare({
      overrides: { 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '2' },
    });
    client = await RawClient.connect(broker.port, { clientId: 'offsets' });
    await createTopic(client, 't', 2);
    await createTopic(client, 'u', 1);
  });
  after(async () => {
    client?.destroy();
    await broker?.stop();
  });

  it('commits offsets outside group management and reads them back at every OffsetFetch version', async () => {
    const commit = await client.request(
      API_KEYS.OffsetCommit,
      9,
      commitBody('simple', -1, '', { t: [5n, 7n] }),
    );
    assert.deepEqual(partitionErrors(commit), [0, 0]);
    const v1 = await client.request(API_KEYS.OffsetFetch, 1, {
      groupId: 'simple',
      topics: [{ name: 't', partitionIndexes: [0, 1] }],
    });
    assert.deepEqual(
      (v1.topics as Message[])[0].partitions.map((p: Message) => [
        p.committedOffset,
        p.metadata,
        p.errorCode,
      ]),
      [
        [5n, 'meta', 0],
        [7n, 'meta', 0],
      ],
    );
    const v7 = await client.request(API_KEYS.OffsetFetch, 7, {
      groupId: 'simple',
      topics: [
        { name: 't', partitionIndexes: [1] },
        { name: 'nosuch', partitionIndexes: [0] },
      ],
      requireStable: true,
    });
    assert.equal(v7.errorCode, 0);
    assert.deepEqual(
      (v7.topics as Message[]).map((t) => [
        t.name,
        t.partitions[0].committedOffset,
        t.partitions[0].committedLeaderEpoch,
      ]),
      [
        ['t', 7n, 0],
        ['nosuch', -1n, -1],
      ],
    );
    assert.deepEqual(await committedOffsets(client, 'simple'), { 't-0': 5n, 't-1': 7n });
    const v8 = await client.request(API_KEYS.OffsetFetch, 8, {
      groups: [
        { groupId: 'simple', topics: [{ name: 'u', partitionIndexes: [0] }] },
        { groupId: 'nogroup', topics: null },
      ],
      requireStable: false,
    });
    assert.deepEqual(
      (v8.groups as Message[]).map((g) => [g.groupId, g.errorCode, g.topics.length]),
      [
        ['simple', 0, 1],
        ['nogroup', 0, 0],
      ],
    );
  });

  it('refuses unknown partitions and oversized metadata per partition', async () => {
    const response = await client.request(API_KEYS.OffsetCommit, 8, {
      ...commitBody('simple', -1, '', {}),
      topics: [
        { name: 'nosuch', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] },
        {
          name: 't',
          partitions: [
            { partitionIndex: 9, committedOffset: 1n, committedMetadata: null },
            { partitionIndex: 0, committedOffset: 11n, committedMetadata: 'x'.repeat(4097) },
            { partitionIndex: 1, committedOffset: 12n, committedMetadata: 'y'.repeat(4096) },
          ],
        },
      ],
    });
    assert.deepEqual(partitionErrors(response), [
      ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code,
      ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code,
      ERRORS.OFFSET_METADATA_TOO_LARGE.code,
      0,
    ]);
    assert.deepEqual(await committedOffsets(client, 'simple'), { 't-0': 5n, 't-1': 12n });
  });

  it('checks the member and generation of a group member', async () => {
    const joined = await joinV9(client, 'members');
    const code = async (version: number, groupId: string, generation: number, memberId: string) =>
      partitionErrors(
        await client.request(
          API_KEYS.OffsetCommit,
          version,
          commitBody(groupId, generation, memberId, { t: [1n] }),
        ),
      )[0];
    // Between JoinGroup and SyncGroup the member has no assignment to commit for.
    assert.equal(
      await code(9, 'members', joined.generationId, joined.memberId),
      ERRORS.REBALANCE_IN_PROGRESS.code,
    );
    await client.request(API_KEYS.SyncGroup, 5, syncBody('members', joined));
    assert.equal(await code(9, 'members', joined.generationId, joined.memberId), 0);
    assert.equal(
      await code(9, 'members', joined.generationId + 1, joined.memberId),
      ERRORS.ILLEGAL_GENERATION.code,
    );
    assert.equal(await code(9, 'members', joined.generationId, 'nobody'), ERRORS.UNKNOWN_MEMBER_ID.code);
    assert.equal(await code(9, 'members', -1, ''), ERRORS.UNKNOWN_MEMBER_ID.code);
    assert.equal(await code(9, 'gone', 5, 'm'), ERRORS.GROUP_ID_NOT_FOUND.code);
    assert.equal(await code(8, 'gone', 5, 'm'), ERRORS.ILLEGAL_GENERATION.code);
    assert.equal(await code(2, 'gone', 5, 'm'), ERRORS.ILLEGAL_GENERATION.code);
  });

  it('deletes offsets of topics the group does not consume (OffsetDelete)', async () => {
    const subscribed = await client.request(API_KEYS.OffsetDelete, 0, {
      groupId: 'members',
      topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }],
    });
    assert.deepEqual(
      [subscribed.errorCode, partitionErrors(subscribed)],
      [0, [ERRORS.GROUP_SUBSCRIBED_TO_TOPIC.code]],
    );
    const unknown = await client.request(API_KEYS.OffsetDelete, 0, { groupId: 'nogroup', topics: [] });
    assert.equal(unknown.errorCode, ERRORS.GROUP_ID_NOT_FOUND.code);
    const deleted = await client.request(API_KEYS.OffsetDelete, 0, {
      groupId: 'simple',
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0 }, { partitionIndex: 9 }] },
        { name: 'nosuch', partitions: [{ partitionIndex: 0 }] },
      ],
    });
    assert.deepEqual(partitionErrors(deleted), [
      0,
      ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code,
      ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code,
    ]);
    assert.deepEqual(await committedOffsets(client, 'simple'), { 't-1': 12n });
  });

  it('lists and describes groups with their states, types and members', async () => {
    const listed = await client.request(API_KEYS.ListGroups, 5, { statesFilter: [], typesFilter: [] });
    const byId = new Map((listed.groups as Message[]).map((g) => [g.groupId, g]));
    assert.deepEqual(byId.get('members'), {
      groupId: 'members',
      protocolType: 'consumer',
      groupState: 'Stable',
      groupType: 'classic',
    });
    assert.deepEqual(byId.get('simple'), {
      groupId: 'simple',
      protocolType: '',
      groupState: 'Empty',
      groupType: 'classic',
    });
    const stable = await client.request(API_KEYS.ListGroups, 4, { statesFilter: ['stable'] });
    assert.deepEqual(
      (stable.groups as Message[]).map((g) => g.groupId),
      ['members'],
    );
    const consumerType = await client.request(API_KEYS.ListGroups, 5, {
      statesFilter: [],
      typesFilter: ['consumer'],
    });
    assert.deepEqual(consumerType.groups, []);

    const described = await client.request(API_KEYS.DescribeGroups, 5, {
      groups: ['members', 'nogroup'],
      includeAuthorizedOperations: true,
    });
    const [members, missing] = described.groups as Message[];
    assert.deepEqual(
      [members.groupState, members.protocolType, members.protocolData, members.authorizedOperations],
      ['Stable', 'consumer', 'range', 3400],
    );
    const [member] = members.members as Message[];
    assert.deepEqual([member.clientId, member.clientHost], ['offsets', '/127.0.0.1']);
    assert.deepEqual([missing.errorCode, missing.groupState, missing.members], [0, 'Dead', []]);
    const withoutOps = await client.request(API_KEYS.DescribeGroups, 3, {
      groups: ['simple'],
      includeAuthorizedOperations: false,
    });
    assert.equal((withoutOps.groups as Message[])[0].authorizedOperations, -2147483648);
  });

  it('deletes empty groups with their offsets, and refuses groups with members (DeleteGroups)', async () => {
    const response = await client.request(API_KEYS.DeleteGroups, 2, {
      groupsNames: ['members', 'simple', 'nogroup'],
    });
    assert.deepEqual(
      (response.results as Message[]).map((r) => [r.groupId, r.errorCode]),
      [
        ['members', ERRORS.NON_EMPTY_GROUP.code],
        ['simple', 0],
        ['nogroup', ERRORS.GROUP_ID_NOT_FOUND.code],
      ],
    );
    assert.deepEqual(await committedOffsets(client, 'simple'), {});
    const listed = await client.request(API_KEYS.ListGroups, 0, {});
    assert.equal(
      (listed.groups as Message[]).some((g) => g.groupId === 'simple'),
      false,
    );
  });
});

// Share groups on the wire, through a broker on port 0: ShareGroupHeartbeat v1 and ShareGroupDescribe v1,
// the group APIs that know share groups (ListGroups, DeleteGroups, one group id namespace), FindCoordinator
// for share state keys, the GROUP config resource (DescribeConfigs, IncrementalAlterConfigs, AlterConfigs
// with Kafka's validation messages), and a restart that replays the groups and their configs.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../../../src/protocol/codec.ts';
import { API_KEYS } from '../../../../src/protocol/schema/messages.generated.ts';
import { commitBody } from '../../../support/group-requests.ts';
import { type NagareUnderTest, startNagare } from '../../../support/nagare.ts';
import { createTopic, RawClient } from '../../../support/raw-client.ts';
import { fetchTopicId } from '../consumer/consumer-protocol-requests.ts';
import { until } from '../until.ts';

const GROUP_RESOURCE = 32;

describe('share groups through the broker', () => {
  let dataDir: string;
  let nagare: NagareUnderTest;
  let client: RawClient;
  let topicId: string;

  const start = async () => {
    nagare = await startNagare({ dataDir });
    client = await RawClient.connect(nagare.port, { clientId: 'share-test' });
  };
  const heartbeat = (body: Partial<Message>) =>
    client.request(API_KEYS.ShareGroupHeartbeat, 1, {
      groupId: 'sg',
      memberId: 'member-1',
      memberEpoch: 0,
      rackId: null,
      subscribedTopicNames: null,
      ...body,
    });
  const describeShare = async (groupIds: string[]) =>
    (await client.request(API_KEYS.ShareGroupDescribe, 1, { groupIds, includeAuthorizedOperations: false }))
      .groups as Message[];
  const groupConfigs = async (group: string, keys: string[] | null = null) => {
    const response = await client.request(API_KEYS.DescribeConfigs, 4, {
      resources: [{ resourceType: GROUP_RESOURCE, resourceName: group, configurationKeys: keys }],
      includeSynonyms: true,
      includeDocumentation: false,
    });
    return (response.results as Message[])[0];
  };
  const setGroupConfigs = async (
    group: string,
    configs: [string, string | null, number][],
    validateOnly = false,
  ) => {
    const response = await client.request(API_KEYS.IncrementalAlterConfigs, 1, {
      resources: [
        {
          resourceType: GROUP_RESOURCE,
          resourceName: group,
          configs: configs.map(([name, value, configOperation]) => ({ name, value, configOperation })),
        },
      ],
      validateOnly,
    });
    return (response.responses as Message[])[0];
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'nagare-share-groups-'));
    await start();
    await createTopic(client, 'events', 2);
    topicId = await until('topic id', () => fetchTopicId(client, 'events'));
  });

  after(async () => {
    client.destroy();
    await nagare.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('advertises ShareGroupHeartbeat and ShareGroupDescribe at v1 only, as Kafka 4.3', async () => {
    const versions = await client.request(API_KEYS.ApiVersions, 3, {
      clientSoftwareName: 'nagare-tests',
      clientSoftwareVersion: '0',
    });
    const keys = versions.apiKeys as Message[];
    for (const apiKey of [API_KEYS.ShareGroupHeartbeat, API_KEYS.ShareGroupDescribe]) {
      const entry = keys.find((k) => k.apiKey === apiKey);
      assert.deepEqual([entry?.minVersion, entry?.maxVersion], [1, 1]);
    }
  });

  it('a member joins, is assigned both partitions, and is described', async () => {
    const joined = await heartbeat({ subscribedTopicNames: ['events'] });
    assert.equal(joined.errorCode, 0);
    assert.equal(joined.memberId, 'member-1');
    assert.equal(joined.memberEpoch, 1);
    assert.deepEqual(joined.assignment, { topicPartitions: [{ topicId, partitions: [0, 1] }] });
    const [group] = await describeShare(['sg']);
    assert.equal(group.errorCode, 0);
    assert.equal(group.groupState, 'Stable');
    assert.equal(group.assignorName, 'simple');
    const [member] = group.members as Message[];
    assert.equal(member.clientId, 'share-test');
    assert.equal(member.clientHost, '/127.0.0.1');
    assert.deepEqual(member.assignment, {
      topicPartitions: [{ topicId, topicName: 'events', partitions: [0, 1] }],
    });
    const [unknown] = await describeShare(['nope']);
    assert.deepEqual([unknown.errorCode, unknown.errorMessage], [69, 'Group nope not found.']);
  });

  it('lists share groups by type and state, and keeps their ids from consumer groups', async () => {
    const listed = await client.request(API_KEYS.ListGroups, 5, { statesFilter: [], typesFilter: ['share'] });
    assert.deepEqual(listed.groups, [
      { groupId: 'sg', protocolType: 'share', groupState: 'Stable', groupType: 'share' },
    ]);
    const consumer = await client.request(API_KEYS.ConsumerGroupHeartbeat, 1, {
      groupId: 'sg',
      memberId: 'c1',
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 30000,
      subscribedTopicNames: ['events'],
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: [],
    });
    assert.deepEqual([consumer.errorCode, consumer.errorMessage], [69, 'Group sg is not a consumer group.']);
  });

  it('answers FindCoordinator share keys with this node', async () => {
    const response = await client.request(API_KEYS.FindCoordinator, 6, {
      keyType: 2,
      coordinatorKeys: [`sg:${topicId}:0`, 'not-a-key'],
    });
    const [good, bad] = response.coordinators as Message[];
    assert.deepEqual([good.errorCode, good.nodeId, good.port], [0, 1, nagare.port]);
    assert.equal(bad.errorCode, 42);
  });

  it('answers offset and classic group requests on a share group id as Kafka 4.3.1 does', async () => {
    const commit = await client.request(API_KEYS.OffsetCommit, 9, commitBody('sg', -1, '', { events: [1n] }));
    assert.deepEqual((commit.topics as Message[])[0].partitions, [{ partitionIndex: 0, errorCode: 69 }]);
    const fetched = await client.request(API_KEYS.OffsetFetch, 9, {
      groups: [{ groupId: 'sg', memberId: null, memberEpoch: -1, topics: null }],
      requireStable: false,
    });
    assert.deepEqual((fetched.groups as Message[])[0].topics, []);
    const deleted = await client.request(API_KEYS.OffsetDelete, 0, {
      groupId: 'sg',
      topics: [{ name: 'events', partitions: [{ partitionIndex: 0 }] }],
    });
    assert.equal(deleted.errorCode, 69);
    const leave = await client.request(API_KEYS.LeaveGroup, 5, {
      groupId: 'sg',
      members: [{ memberId: 'member-1', groupInstanceId: null, reason: null }],
    });
    assert.deepEqual([leave.errorCode, (leave.members as Message[]).map((m) => m.errorCode)], [0, [25]]);
    const described = await client.request(API_KEYS.DescribeGroups, 5, {
      groups: ['sg'],
      includeAuthorizedOperations: false,
    });
    assert.equal((described.groups as Message[])[0].groupState, 'Dead');
  });

  it('describes group configs with the broker defaults, and sets share.auto.offset.reset', async () => {
    const before = await groupConfigs('sg', ['share.auto.offset.reset', 'share.session.timeout.ms']);
    assert.deepEqual(
      (before.configs as Message[]).map((c) => [c.name, c.value, c.configSource]),
      [
        ['share.session.timeout.ms', '45000', 5],
        ['share.auto.offset.reset', 'latest', 5],
      ],
    );
    const set = await setGroupConfigs('sg', [['share.auto.offset.reset', 'earliest', 0]]);
    assert.equal(set.errorCode, 0);
    const after = await groupConfigs('sg', ['share.auto.offset.reset']);
    const [entry] = after.configs as Message[];
    assert.deepEqual([entry.value, entry.configSource], ['earliest', 8]);
    assert.deepEqual(nagare.broker.shareGroups.groupConfig('sg').autoOffsetReset, { type: 'earliest' });
    const byDuration = await setGroupConfigs('other', [['share.auto.offset.reset', 'by_duration:PT1H', 0]]);
    assert.equal(byDuration.errorCode, 0);
    assert.deepEqual(nagare.broker.shareGroups.groupConfig('other').autoOffsetReset, {
      type: 'by_duration',
      durationMs: 3_600_000,
    });
  });

  it("refuses invalid group configs with Kafka's messages", async () => {
    const cases: [[string, string, number][], string][] = [
      [[['no.such.config', '1', 0]], 'Unknown group config name: no.such.config'],
      [
        [['share.auto.offset.reset', 'none', 0]],
        "Invalid value none for configuration share.auto.offset.reset: Invalid value `none` for configuration share.auto.offset.reset. The value must be either 'earliest', 'latest' or of the format 'by_duration:<PnDTnHnMn.nS>'.",
      ],
      [
        [['share.session.timeout.ms', '1000', 0]],
        'share.session.timeout.ms must be greater than or equal to group.share.min.session.timeout.ms',
      ],
      [
        [['share.record.lock.duration.ms', '500', 0]],
        'Invalid value 500 for configuration share.record.lock.duration.ms: Value must be at least 1000',
      ],
      [
        [['share.isolation.level', 'dirty', 0]],
        'Invalid value dirty for configuration share.isolation.level: String must be one of: read_committed, read_uncommitted',
      ],
    ];
    for (const [configs, message] of cases) {
      const result = await setGroupConfigs('sg', configs);
      assert.deepEqual([result.errorCode, result.errorMessage], [40, message]);
    }
    const empty = await groupConfigs('');
    assert.deepEqual([empty.errorCode, empty.errorMessage], [42, 'Group name must not be empty']);
  });

  it('a member leaves; the empty group is deleted and its id is free again', async () => {
    const left = await heartbeat({ memberEpoch: -1 });
    assert.deepEqual([left.errorCode, left.memberEpoch], [0, -1]);
    const deleted = await client.request(API_KEYS.DeleteGroups, 2, { groupsNames: ['sg'] });
    assert.deepEqual(deleted.results, [{ groupId: 'sg', errorCode: 0 }]);
    const [gone] = await describeShare(['sg']);
    assert.equal(gone.errorCode, 69);
  });

  it('replays share groups and group configs after a restart', async () => {
    const joined = await heartbeat({ groupId: 'kept', subscribedTopicNames: ['events'] });
    assert.equal(joined.errorCode, 0);
    const [before] = await describeShare(['kept']);
    client.destroy();
    await nagare.stop();
    await start();
    const [after] = await describeShare(['kept']);
    assert.deepEqual(after, before);
    const again = await heartbeat({ groupId: 'kept', memberEpoch: 1 });
    assert.deepEqual([again.errorCode, again.memberEpoch], [0, 1]);
    const [entry] = (await groupConfigs('other', ['share.auto.offset.reset'])).configs as Message[];
    assert.equal(entry.value, 'by_duration:PT1H');
  });
});

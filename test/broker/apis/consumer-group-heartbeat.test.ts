// ConsumerGroupHeartbeat and ConsumerGroupDescribe (KIP-848) on the wire: members join, reconcile,
// leave and are fenced as a client sees it. Runs against the broker under test; with
// NAGARE_TEST_SUBJECT=apache-kafka the same expectations are checked against Apache Kafka, whose regex
// resolution is asynchronous (hence the waits for an assignment rather than one heartbeat). Kafka 4.3
// computes target assignments at most once per group.consumer.assignment.interval.ms (KIP-1263); Nagare
// computes them at once, which Kafka does with that interval at 0, as set here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../../src/protocol/codec.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { requireInCI } from '../../support/external-tools.ts';
import { createTopic, RawClient } from '../../support/raw-client.ts';
import { type RunningBroker, subjectTarget } from '../../support/targets.ts';
import {
  describeConsumerGroups,
  fetchTopicId,
  type HeartbeatBody,
  sendHeartbeat,
} from '../groups/consumer/consumer-protocol-requests.ts';
import { until } from '../groups/until.ts';

const target = subjectTarget();
const skip = requireInCI(target.missing());

/** Short timeouts so that a session expiry takes seconds (Kafka needs its minimums lowered for that). */
const SESSION_TIMEOUT_MS = 2000;
const HEARTBEAT_INTERVAL_MS = 400;
const overrides = {
  'group.consumer.session.timeout.ms': String(SESSION_TIMEOUT_MS),
  'group.consumer.min.session.timeout.ms': '1000',
  'group.consumer.heartbeat.interval.ms': String(HEARTBEAT_INTERVAL_MS),
  'group.consumer.min.heartbeat.interval.ms': '100',
  'group.consumer.assignment.interval.ms': '0',
};

describe(`ConsumerGroupHeartbeat and ConsumerGroupDescribe against ${target.name}`, { skip }, () => {
  let broker: RunningBroker;
  let client: RawClient;
  const topicIds = new Map<string, string>();
  let servedApis: Set<number>;

  const heartbeat = (request: HeartbeatBody, version = 1) => sendHeartbeat(client, request, version);
  const join = (
    groupId: string,
    memberId: string,
    topics: string[] | null,
    extra: Partial<HeartbeatBody> = {},
  ) =>
    heartbeat({
      groupId,
      memberId,
      memberEpoch: 0,
      rebalanceTimeoutMs: 60_000,
      subscribedTopicNames: topics,
      topicPartitions: [],
      ...extra,
    });
  const describeGroups = (groupIds: string[], includeAuthorizedOperations = false) =>
    describeConsumerGroups(client, groupIds, includeAuthorizedOperations);
  /** "topic-partition" labels of a wire assignment. */
  const labels = (list: { topicId: string; partitions: number[] }[] | null | undefined) => {
    const names = new Map([...topicIds].map(([name, id]) => [id, name]));
    return (list ?? [])
      .flatMap((t) => t.partitions.map((p) => `${names.get(t.topicId) ?? t.topicId}-${p}`))
      .sort();
  };
  const owned = (topic: string, ...partitions: number[]) => [{ topicId: topicIds.get(topic)!, partitions }];
  const newTopic = async (name: string, partitions: number) => {
    await createTopic(client, name, partitions);
    const id = await until(`metadata of ${name}`, () => fetchTopicId(client, name));
    topicIds.set(name, id);
    await untilAssignable(name);
  };

  before(async () => {
    broker = await target.start({ overrides });
    client = await RawClient.connect(broker.port, { clientId: 'kip848-test' });
    const versions = await client.request(API_KEYS.ApiVersions, 3, {
      clientSoftwareName: 'nagare-tests',
      clientSoftwareVersion: '0',
    });
    servedApis = new Set((versions.apiKeys as Message[]).map((api) => api.apiKey as number));
    // Kafka's coordinator answers once __consumer_offsets exists; FindCoordinator makes it.
    await until('the group coordinator', async () => {
      const found = await client.request(API_KEYS.FindCoordinator, 4, {
        keyType: 0,
        coordinatorKeys: ['any'],
      });
      return (found.coordinators as Message[])[0].errorCode === 0 ? true : undefined;
    });
    await newTopic('orders', 6);
  });

  /** Kafka's coordinator learns of new topics a moment after CreateTopics returns: wait until it assigns one. */
  const untilAssignable = (topic: string) =>
    until(`the coordinator to see ${topic}`, async () => {
      const probe = await join(`kip848-probe-${topic}`, 'probe', [topic]);
      await heartbeat({ groupId: `kip848-probe-${topic}`, memberId: 'probe', memberEpoch: -1 });
      return probe.assignment?.topicPartitions.length > 0 ? true : undefined;
    });
  after(async () => {
    client?.destroy();
    await broker?.stop();
  });

  it('serves ConsumerGroupHeartbeat v0–v1 and ConsumerGroupDescribe v0', () => {
    assert.ok(servedApis.has(API_KEYS.ConsumerGroupHeartbeat));
    assert.ok(servedApis.has(API_KEYS.ConsumerGroupDescribe));
  });

  it('moves half the partitions to a second member only once the first has revoked them', async () => {
    const group = 'kip848-two-members';
    const first = await join(group, 'member-a', ['orders']);
    assert.deepEqual(
      [first.errorCode, first.memberId, first.memberEpoch, first.heartbeatIntervalMs],
      [0, 'member-a', 2, HEARTBEAT_INTERVAL_MS],
    );
    assert.deepEqual(labels(first.assignment.topicPartitions), [
      'orders-0',
      'orders-1',
      'orders-2',
      'orders-3',
      'orders-4',
      'orders-5',
    ]);

    const second = await join(group, 'member-b', ['orders']);
    assert.deepEqual(
      [second.errorCode, second.memberEpoch, labels(second.assignment.topicPartitions)],
      [0, 3, []],
    );

    const revoke = await heartbeat({
      groupId: group,
      memberId: 'member-a',
      memberEpoch: 2,
      topicPartitions: owned('orders', 0, 1, 2, 3, 4, 5),
    });
    assert.deepEqual(
      [revoke.memberEpoch, labels(revoke.assignment.topicPartitions)],
      [2, ['orders-0', 'orders-1', 'orders-2']],
    );
    const waiting = await heartbeat({
      groupId: group,
      memberId: 'member-b',
      memberEpoch: 3,
      topicPartitions: [],
    });
    assert.deepEqual([waiting.memberEpoch, waiting.assignment], [3, null]);

    let [described] = await describeGroups([group]);
    assert.equal(described.groupState, 'Reconciling');

    const revoked = await heartbeat({
      groupId: group,
      memberId: 'member-a',
      memberEpoch: 2,
      topicPartitions: owned('orders', 0, 1, 2),
    });
    assert.deepEqual([revoked.memberEpoch, revoked.assignment], [3, null]);
    const given = await heartbeat({
      groupId: group,
      memberId: 'member-b',
      memberEpoch: 3,
      topicPartitions: [],
    });
    assert.deepEqual(
      [given.memberEpoch, labels(given.assignment.topicPartitions)],
      [3, ['orders-3', 'orders-4', 'orders-5']],
    );

    [described] = await describeGroups([group]);
    const members = (described.members as Message[]).sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
    assert.deepEqual(
      {
        errorCode: described.errorCode,
        groupState: described.groupState,
        groupEpoch: described.groupEpoch,
        assignmentEpoch: described.assignmentEpoch,
        assignorName: described.assignorName,
        authorizedOperations: described.authorizedOperations,
      },
      {
        errorCode: 0,
        groupState: 'Stable',
        groupEpoch: 3,
        assignmentEpoch: 3,
        assignorName: 'uniform',
        authorizedOperations: -2147483648,
      },
    );
    assert.deepEqual(
      members.map((m) => ({
        memberId: m.memberId,
        memberEpoch: m.memberEpoch,
        instanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        subscribedTopicRegex: m.subscribedTopicRegex,
        assignment: labels(m.assignment.topicPartitions),
        target: labels(m.targetAssignment.topicPartitions),
        topicNames: [...new Set((m.assignment.topicPartitions as Message[]).map((t) => t.topicName))],
      })),
      ['member-a', 'member-b'].map((memberId, i) => ({
        memberId,
        memberEpoch: 3,
        instanceId: null,
        clientId: 'kip848-test',
        clientHost: '/127.0.0.1',
        subscribedTopicNames: ['orders'],
        subscribedTopicRegex: '',
        assignment: i === 0 ? ['orders-0', 'orders-1', 'orders-2'] : ['orders-3', 'orders-4', 'orders-5'],
        target: i === 0 ? ['orders-0', 'orders-1', 'orders-2'] : ['orders-3', 'orders-4', 'orders-5'],
        topicNames: ['orders'],
      })),
    );

    // Leaving frees the partitions: the remaining member gets them in the next epoch.
    const left = await heartbeat({ groupId: group, memberId: 'member-b', memberEpoch: -1 });
    assert.deepEqual(
      [left.errorCode, left.memberId, left.memberEpoch, left.assignment],
      [0, 'member-b', -1, null],
    );
    const all = await heartbeat({
      groupId: group,
      memberId: 'member-a',
      memberEpoch: 3,
      topicPartitions: owned('orders', 0, 1, 2),
    });
    assert.deepEqual([all.memberEpoch, labels(all.assignment.topicPartitions).length], [4, 6]);
    const [afterLeave] = await describeGroups([group], true);
    assert.deepEqual([afterLeave.groupEpoch, afterLeave.authorizedOperations], [4, 3400]);
  });

  it('answers fencing and validation errors with Kafka codes and messages', async () => {
    const group = 'kip848-errors';
    await join(group, 'member-a', ['orders']);
    const errorOf = (r: Message) => [
      r.errorCode,
      r.errorMessage,
      r.memberId,
      r.memberEpoch,
      r.heartbeatIntervalMs,
    ];
    assert.deepEqual(errorOf(await heartbeat({ groupId: group, memberId: 'member-a', memberEpoch: 5 })), [
      110,
      'The consumer group member has a greater member epoch (5) than the one known by the group coordinator (2). The member must abandon all its partitions and rejoin.',
      null,
      0,
      0,
    ]);
    assert.deepEqual(
      errorOf(await heartbeat({ groupId: group, memberId: 'nobody', memberEpoch: 1 })).slice(0, 2),
      [25, `Member nobody is not a member of group ${group}.`],
    );
    assert.deepEqual(
      errorOf(await heartbeat({ groupId: 'kip848-no-such-group', memberId: 'x', memberEpoch: 1 })).slice(
        0,
        2,
      ),
      [69, 'Consumer group kip848-no-such-group not found.'],
    );
    assert.deepEqual(
      errorOf(await heartbeat({ groupId: 'kip848-no-such-group', memberId: 'x', memberEpoch: -1 })).slice(
        0,
        2,
      ),
      [69, 'Group kip848-no-such-group not found.'],
    );
    assert.deepEqual(
      errorOf(await heartbeat({ groupId: group, memberId: 'nobody', memberEpoch: -1 })).slice(0, 2),
      [25, `Member nobody is not a member of group ${group}.`],
    );
    assert.deepEqual(
      errorOf(
        await heartbeat({ groupId: group, memberId: 'nobody', instanceId: 'no-instance', memberEpoch: -2 }),
      ).slice(0, 2),
      [25, 'Instance id no-instance is unknown.'],
    );
    assert.deepEqual(errorOf(await join(group, '', ['orders'])).slice(0, 2), [
      42,
      "MemberId can't be empty.",
    ]);
    assert.deepEqual(
      errorOf(await join(group, 'member-z', ['orders'], { serverAssignor: 'sticky' })).slice(0, 2),
      [112, 'ServerAssignor sticky is not supported. Supported assignors: uniform, range.'],
    );
    assert.deepEqual(errorOf(await join(group, 'member-z', null)).slice(0, 2), [
      42,
      'Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.',
    ]);
    for (const [regex, why] of [
      ['(?<=o)rders', 'invalid named capture'],
      ['(orders', 'missing closing )'],
    ]) {
      assert.deepEqual(
        errorOf(await join(group, 'member-z', null, { subscribedTopicRegex: regex })).slice(0, 2),
        [128, `SubscribedTopicRegex \`${regex}\` is not a valid regular expression: ${why}.`],
      );
    }
  });

  it('version 0 lets the coordinator choose the member id', async () => {
    const v0 = await heartbeat(
      {
        groupId: 'kip848-v0',
        memberId: '',
        memberEpoch: 0,
        rebalanceTimeoutMs: 1000,
        subscribedTopicNames: ['orders'],
        topicPartitions: [],
      },
      0,
    );
    assert.deepEqual([v0.errorCode, v0.memberEpoch], [0, 2]);
    assert.match(v0.memberId, /^[A-Za-z0-9_-]{22}$/);
  });

  it('a static member leaving with epoch -2 gets its partitions back under a new member id', async () => {
    const group = 'kip848-static';
    const first = await join(group, 'static-1', ['orders'], { instanceId: 'instance-1' });
    assert.deepEqual([first.memberEpoch, labels(first.assignment.topicPartitions).length], [2, 6]);
    const left = await heartbeat({
      groupId: group,
      memberId: 'static-1',
      instanceId: 'instance-1',
      memberEpoch: -2,
    });
    assert.deepEqual([left.errorCode, left.memberId, left.memberEpoch], [0, 'static-1', -2]);
    let [described] = await describeGroups([group]);
    assert.deepEqual(
      (described.members as Message[]).map((m) => [m.memberId, m.memberEpoch]),
      [['static-1', -2]],
    );

    const back = await join(group, 'static-2', ['orders'], { instanceId: 'instance-1' });
    assert.deepEqual(
      [back.errorCode, back.memberEpoch, labels(back.assignment.topicPartitions).length],
      [0, 2, 6],
    );
    [described] = await describeGroups([group]);
    assert.deepEqual(
      [described.groupEpoch, (described.members as Message[]).map((m) => m.memberId)],
      [2, ['static-2']],
    );

    const taken = await join(group, 'static-3', ['orders'], { instanceId: 'instance-1' });
    assert.deepEqual(
      [taken.errorCode, taken.errorMessage],
      [
        111,
        'Static member static-3 with instance id instance-1 cannot join the group because the instance id is owned by static-2 member.',
      ],
    );
  });

  it('removes a member that stops heartbeating once its session times out', async () => {
    const group = 'kip848-session';
    await join(group, 'quiet', ['orders']);
    const started = Date.now();
    await until('the silent member to be removed', async () => {
      const [described] = await describeGroups([group]);
      return described.groupState === 'Empty' ? true : undefined;
    });
    assert.ok(Date.now() - started >= SESSION_TIMEOUT_MS - 500, 'removed before its session timeout');
  });

  it('subscribes by regex and assigns a topic created later that matches it', async () => {
    const group = 'kip848-regex';
    await newTopic('regex-a', 2);
    let epoch = 0;
    const heartbeatUntil = (what: string, done: (labelsNow: string[]) => boolean) =>
      until(what, async () => {
        const answer =
          epoch === 0
            ? await join(group, 'regex-member', null, { subscribedTopicRegex: 'regex-.*' })
            : await heartbeat({ groupId: group, memberId: 'regex-member', memberEpoch: epoch });
        assert.equal(answer.errorCode, 0, answer.errorMessage);
        epoch = answer.memberEpoch;
        if (answer.assignment && done(labels(answer.assignment.topicPartitions))) return answer;
        return undefined;
      });
    await heartbeatUntil('the regex to be resolved', (l) => l.length === 2);
    await newTopic('regex-b', 1);
    await heartbeatUntil('the new topic to be assigned', (l) => l.includes('regex-b-0'));
    const [described] = await describeGroups([group]);
    assert.equal((described.members as Message[])[0].subscribedTopicRegex, 'regex-.*');
  });

  it('describes groups it does not have with GROUP_ID_NOT_FOUND', async () => {
    // Kafka answers invalid ids first: find each answer by its id.
    const answers = await describeGroups(['kip848-nothing-here', '']);
    const missing = answers.find((g) => g.groupId === 'kip848-nothing-here')!;
    const blank = answers.find((g) => g.groupId === '')!;
    assert.deepEqual(
      [missing.errorCode, missing.errorMessage, missing.groupState, missing.members],
      [69, 'Group kip848-nothing-here not found.', '', []],
    );
    assert.deepEqual([blank.errorCode, blank.errorMessage], [24, null]);
  });

  it('shows consumer groups in ListGroups and DescribeGroups as Kafka 4 does', async () => {
    const group = 'kip848-listed';
    await join(group, 'listed-member', ['orders']);
    const listed = await client.request(API_KEYS.ListGroups, 5, {
      statesFilter: [],
      typesFilter: ['consumer'],
    });
    const entry = (listed.groups as Message[]).find((g) => g.groupId === group);
    assert.deepEqual(entry, {
      groupId: group,
      protocolType: 'consumer',
      groupState: 'Stable',
      groupType: 'consumer',
    });
    // DescribeGroups is the classic protocol's: up to v5 (the versions Nagare's message definitions have)
    // Kafka 4 answers Dead without an error for a consumer group.
    const described = await client.request(API_KEYS.DescribeGroups, 5, {
      groups: [group],
      includeAuthorizedOperations: false,
    });
    const [g] = described.groups as Message[];
    assert.deepEqual([g.errorCode, g.groupState, g.protocolType, g.members], [0, 'Dead', '', []]);
  });
});

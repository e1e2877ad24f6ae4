// Differential: what Apache Kafka 4.3.1 and Nagare answer around a share group, through raw requests.
// (1) share.auto.offset.reset=latest means the end of the log at the share-partition's first fetch:
// Kafka initializes share state on assignment but picks the offset then, so records produced between
// the assignment and the first ShareFetch are not delivered. (2) The classic and consumer group APIs on a
// share group's id. (3) ShareFetch / ShareAcknowledge from a member id the group does not know.
// (4) DeleteGroups of a share group and its GROUP configs.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../../src/protocol/codec.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { fetchTopicId } from '../../broker/groups/consumer/consumer-protocol-requests.ts';
import { until } from '../../broker/groups/until.ts';
import { commitBody, joinBody } from '../../support/group-requests.ts';
import { createTopic, produceValues, RawClient } from '../../support/raw-client.ts';
import {
  type BrokerPair,
  compareOn,
  pairMissing,
  type RunningBroker,
  startPair,
} from '../../support/targets.ts';
import {
  acquiredValues,
  type ShareFetchBody,
  shareAcknowledge,
  shareFetch,
  shareHeartbeat,
} from './share-requests.ts';

const GROUP_RESOURCE = 32;
/** COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR. */
const COORDINATOR_NOT_READY = [14, 15, 16];
const skip = pairMissing();

async function withClient<T>(broker: RunningBroker, use: (client: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.connect(broker.port, { clientId: 'share-ids' });
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/** A topic of `partitions` and its id, once the broker knows it. */
async function topicWithId(client: RawClient, topic: string, partitions: number): Promise<string> {
  await createTopic(client, topic, partitions);
  return until(`topic id of ${topic}`, () => fetchTopicId(client, topic));
}

/**
 * Joins and heartbeats until the member has an assignment: Kafka's first answer has none, as it assigns
 * a partition once its share state is initialized; Nagare assigns at once.
 */
async function joinUntilAssigned(client: RawClient, groupId: string, memberId: string, topic: string) {
  // Kafka makes __consumer_offsets on the first FindCoordinator and is not the coordinator until then.
  let joined: Message = {};
  await until('the group coordinator', async () => {
    await client.request(API_KEYS.FindCoordinator, 6, { keyType: 0, coordinatorKeys: [groupId] });
    joined = await shareHeartbeat(client, { groupId, memberId, subscribedTopicNames: [topic] });
    return COORDINATOR_NOT_READY.includes(joined.errorCode) ? undefined : true;
  });
  assert.equal(joined.errorCode, 0, `join: ${joined.errorMessage}`);
  await until('an assignment', async () => {
    if ((joined.assignment as Message | null)?.topicPartitions?.length > 0) return true;
    joined = await shareHeartbeat(client, { groupId, memberId, memberEpoch: joined.memberEpoch });
    return undefined;
  });
  return { memberEpoch: joined.memberEpoch as number };
}

const errorOf = (response: Message) => [response.errorCode, response.errorMessage ?? null];

/** The partition error codes of a share answer other than NONE. Kafka answers an opening fetch with or
 * without its empty partitions, as timing has it, so only the errors are compared. */
const partitionErrors = (response: Message): number[] =>
  (response.responses as Message[])
    .flatMap((t) => t.partitions.map((p: Message) => p.errorCode))
    .filter((code: number) => code !== 0);

/**
 * A fetch opening a share session (epoch 0), repeated while a partition answers that its share state
 * is not loaded yet: Kafka reads that state from the share coordinator on the first fetch, and on a
 * loaded machine the read can meet a coordinator still loading. Reopening the session is harmless.
 */
function openingFetch(client: RawClient, target: Omit<ShareFetchBody, 'epoch'>): Promise<Message> {
  return until('a share fetch past loading share state', async () => {
    const answer = await shareFetch(client, { ...target, epoch: 0 });
    const loading = partitionErrors(answer).some((code) => COORDINATOR_NOT_READY.includes(code));
    return loading ? undefined : answer;
  });
}

describe('share groups: Nagare answers what Kafka 4.3.1 answers', { skip }, () => {
  let pair: BrokerPair;
  before(async () => {
    pair = await startPair({ overrides: { 'group.initial.rebalance.delay.ms': '0' } });
  });
  after(async () => {
    await pair?.stop();
  });

  it('latest means the end of the log at the first fetch, not at the assignment', async () => {
    const { reference } = await compareOn(pair, {
      name: 'latest at assignment',
      run: (broker) =>
        withClient(broker, async (client) => {
          const topicId = await topicWithId(client, 'latest-at-assignment', 1);
          await produceValues(client, 'latest-at-assignment', 0, ['before-1', 'before-2']);
          const memberId = randomUUID();
          const { memberEpoch } = await joinUntilAssigned(
            client,
            'g-latest',
            memberId,
            'latest-at-assignment',
          );
          await produceValues(client, 'latest-at-assignment', 0, ['after-1', 'after-2']);
          const target = { groupId: 'g-latest', memberId, topicId, partitions: [0] };
          let epoch = 0;
          const values: string[] = [];
          values.push(
            ...acquiredValues(await shareFetch(client, { ...target, epoch: epoch++, maxWaitMs: 500 })),
          );
          await produceValues(client, 'latest-at-assignment', 0, ['later-1']);
          await until('the later record', async () => {
            values.push(
              ...acquiredValues(await shareFetch(client, { ...target, epoch: epoch++, maxWaitMs: 200 })),
            );
            return values.includes('later-1') ? true : undefined;
          });
          await shareHeartbeat(client, { groupId: 'g-latest', memberId, memberEpoch: -1 });
          return { memberEpoch: memberEpoch > 0, values };
        }),
    });
    // Kafka picks the start offset at the first fetch, not at the assignment.
    assert.deepEqual(reference.values, ['later-1']);
  });

  it('the classic and consumer group APIs on a share group id', async () => {
    const { reference } = await compareOn(pair, {
      name: 'group APIs on a share group id',
      run: (broker) =>
        withClient(broker, async (client) => {
          await topicWithId(client, 't', 1);
          const groupId = 'g-ids';
          await joinUntilAssigned(client, groupId, randomUUID(), 't');
          const commit = await client.request(
            API_KEYS.OffsetCommit,
            9,
            commitBody(groupId, -1, '', { t: [1n] }),
          );
          const commitMember = await client.request(
            API_KEYS.OffsetCommit,
            9,
            commitBody(groupId, 1, 'someone', { t: [1n] }),
          );
          const fetched = await client.request(API_KEYS.OffsetFetch, 9, {
            groups: [{ groupId, memberId: null, memberEpoch: -1, topics: null }],
            requireStable: false,
          });
          const fetchedTopics = await client.request(API_KEYS.OffsetFetch, 9, {
            groups: [
              { groupId, memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [0] }] },
            ],
            requireStable: false,
          });
          const join = await client.request(API_KEYS.JoinGroup, 9, joinBody(groupId, ''));
          const sync = await client.request(API_KEYS.SyncGroup, 5, {
            groupId,
            generationId: 1,
            memberId: 'm',
            groupInstanceId: null,
            protocolType: 'consumer',
            protocolName: 'range',
            assignments: [],
          });
          const heartbeat = await client.request(API_KEYS.Heartbeat, 4, {
            groupId,
            generationId: 1,
            memberId: 'm',
            groupInstanceId: null,
          });
          const leave = await client.request(API_KEYS.LeaveGroup, 5, {
            groupId,
            members: [{ memberId: 'm', groupInstanceId: null, reason: null }],
          });
          const offsetDelete = await client.request(API_KEYS.OffsetDelete, 0, {
            groupId,
            topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }],
          });
          const describe = await client.request(API_KEYS.DescribeGroups, 5, {
            groups: [groupId],
            includeAuthorizedOperations: false,
          });
          const [described] = describe.groups as Message[];
          const consumerDescribe = await client.request(API_KEYS.ConsumerGroupDescribe, 0, {
            groupIds: [groupId],
            includeAuthorizedOperations: false,
          });
          const [consumerDescribed] = consumerDescribe.groups as Message[];
          const [fetchedGroup] = fetched.groups as Message[];
          const [fetchedTopicsGroup] = fetchedTopics.groups as Message[];
          return {
            offsetCommit: (commit.topics as Message[]).map((t) =>
              t.partitions.map((p: Message) => p.errorCode),
            ),
            offsetCommitMember: (commitMember.topics as Message[]).map((t) =>
              t.partitions.map((p: Message) => p.errorCode),
            ),
            offsetFetch: [fetchedGroup.errorCode, fetchedGroup.topics],
            offsetFetchTopics: [
              fetchedTopicsGroup.errorCode,
              (fetchedTopicsGroup.topics as Message[]).map((t) =>
                t.partitions.map((p: Message) => [p.committedOffset, p.errorCode]),
              ),
            ],
            joinGroup: [join.errorCode, join.memberId === '' ? '' : 'assigned'],
            syncGroup: sync.errorCode,
            heartbeat: heartbeat.errorCode,
            leaveGroup: [leave.errorCode, (leave.members as Message[]).map((m) => m.errorCode)],
            offsetDelete: errorOf(offsetDelete)[0],
            describeGroups: [described.errorCode, described.groupState, described.protocolType],
            consumerGroupDescribe: errorOf(consumerDescribed),
          };
        }),
    });
    // Kafka: no offsets for a share group (GROUP_ID_NOT_FOUND), the classic protocol refused.
    assert.deepEqual(reference.offsetCommit, [[69]]);
    assert.deepEqual(reference.joinGroup, [23, '']);
    assert.deepEqual(reference.describeGroups, [0, 'Dead', '']);
  });

  it('ShareFetch and ShareAcknowledge from a member id the group does not know', async () => {
    const { reference: r3 } = await compareOn(pair, {
      name: 'share requests from an unknown member',
      run: (broker) =>
        withClient(broker, async (client) => {
          const topicId = await topicWithId(client, 'unknown-member', 1);
          await joinUntilAssigned(client, 'g-unknown', randomUUID(), 'unknown-member');
          const stranger = randomUUID();
          const target = { groupId: 'g-unknown', memberId: stranger, topicId, partitions: [0] };
          const fetch = await openingFetch(client, target);
          const again = await shareFetch(client, { ...target, epoch: 1 });
          const ack = await shareAcknowledge(client, { ...target, epoch: 2 });
          // And a group that does not exist at all.
          const nowhere = await openingFetch(client, { ...target, groupId: 'g-nowhere' });
          return {
            fetch: [fetch.errorCode, partitionErrors(fetch)],
            again: [again.errorCode, partitionErrors(again)],
            acknowledge: [ack.errorCode, partitionErrors(ack)],
            nowhere: [nowhere.errorCode, partitionErrors(nowhere)],
          };
        }),
    });
    // Kafka does not check group membership in share requests: a stranger fetches nothing and its
    // acknowledgement of records it does not hold is INVALID_RECORD_STATE.
    assert.deepEqual(r3.acknowledge, [0, [121]]);
    assert.deepEqual(r3.fetch, [0, []]);
  });

  it('deleting a share group keeps its configs, as Kafka 4.3.1 does', async () => {
    const { reference } = await compareOn(pair, {
      name: 'group configs after DeleteGroups',
      run: (broker) =>
        withClient(broker, async (client) => {
          await topicWithId(client, 'deleted-configs', 1);
          const groupId = 'g-deleted';
          const altered = await client.request(API_KEYS.IncrementalAlterConfigs, 1, {
            resources: [
              {
                resourceType: GROUP_RESOURCE,
                resourceName: groupId,
                configs: [{ name: 'share.auto.offset.reset', value: 'earliest', configOperation: 0 }],
              },
            ],
            validateOnly: false,
          });
          const memberId = randomUUID();
          await joinUntilAssigned(client, groupId, memberId, 'deleted-configs');
          await shareHeartbeat(client, { groupId, memberId, memberEpoch: -1 });
          const deleted = await client.request(API_KEYS.DeleteGroups, 2, { groupsNames: [groupId] });
          const configs = await client.request(API_KEYS.DescribeConfigs, 4, {
            resources: [
              {
                resourceType: GROUP_RESOURCE,
                resourceName: groupId,
                configurationKeys: ['share.auto.offset.reset'],
              },
            ],
            includeSynonyms: false,
            includeDocumentation: false,
          });
          const [result] = configs.results as Message[];
          return {
            altered: (altered.responses as Message[])[0].errorCode,
            deleted: (deleted.results as Message[]).map((r) => r.errorCode),
            described: [
              result.errorCode,
              (result.configs as Message[]).map((c) => [c.name, c.value, c.configSource]),
            ],
          };
        }),
    });
    // Kafka 4.3.1 keeps a deleted group's configs (GROUP_CONFIG source, 8).
    assert.deepEqual(reference.described, [0, [['share.auto.offset.reset', 'earliest', 8]]]);
  });
});

// A broker started with group.coordinator.rebalance.protocols=classic, as a client sees it: Kafka 4.3.1
// still advertises ConsumerGroupHeartbeat and ConsumerGroupDescribe in ApiVersions, and answers both with
// UNSUPPORTED_VERSION (no message). Runs against the broker under test; NAGARE_TEST_SUBJECT=apache-kafka
// checks the same expectations against Kafka.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../../../src/protocol/codec.ts';
import { API_KEYS } from '../../../../src/protocol/schema/messages.generated.ts';
import { requireInCI } from '../../../support/external-tools.ts';
import { RawClient } from '../../../support/raw-client.ts';
import { type RunningBroker, subjectTarget } from '../../../support/targets.ts';

const target = subjectTarget();
const UNSUPPORTED_VERSION = 35;

describe(`KIP-848 groups disabled on ${target.name}`, { skip: requireInCI(target.missing()) }, () => {
  let broker: RunningBroker;
  let client: RawClient;
  before(async () => {
    broker = await target.start({ overrides: { 'group.coordinator.rebalance.protocols': 'classic' } });
    client = await RawClient.connect(broker.port, { clientId: 'protocols-test' });
  });
  after(async () => {
    client?.destroy();
    await broker?.stop();
  });

  it('still advertises ConsumerGroupHeartbeat and ConsumerGroupDescribe', async () => {
    const versions = await client.request(API_KEYS.ApiVersions, 3, {
      clientSoftwareName: 'nagare-tests',
      clientSoftwareVersion: '0',
    });
    const served = new Set((versions.apiKeys as Message[]).map((api) => api.apiKey as number));
    assert.ok(served.has(API_KEYS.ConsumerGroupHeartbeat));
    assert.ok(served.has(API_KEYS.ConsumerGroupDescribe));
  });

  it('answers a joining member with UNSUPPORTED_VERSION', async () => {
    const response = await client.request(API_KEYS.ConsumerGroupHeartbeat, 1, {
      groupId: 'disabled',
      memberId: 'AAAAAAAAAAAAAAAAAAAAAA',
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: ['any'],
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: [],
    });
    assert.deepEqual(
      [response.errorCode, response.errorMessage, response.memberId],
      [UNSUPPORTED_VERSION, null, null],
    );
  });

  it('describes every group, empty id included, as UNSUPPORTED_VERSION', async () => {
    const response = await client.request(API_KEYS.ConsumerGroupDescribe, 0, {
      groupIds: ['disabled', ''],
      includeAuthorizedOperations: false,
    });
    assert.deepEqual(
      (response.groups as Message[]).map((g) => [g.groupId, g.errorCode, g.errorMessage, g.members]),
      [
        ['disabled', UNSUPPORTED_VERSION, null, []],
        ['', UNSUPPORTED_VERSION, null, []],
      ],
    );
  });
});

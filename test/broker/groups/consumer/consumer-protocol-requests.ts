// KIP-848 requests as the tests send them: ConsumerGroupHeartbeat with every field the test leaves out
// sent as "unchanged", ConsumerGroupDescribe, and the Metadata lookup of a topic's id that assignments
// are written in.
import type { HeartbeatRequest } from '../../../../src/broker/groups/consumer/heartbeat-request.ts';
import { type Message, ZERO_UUID } from '../../../../src/protocol/codec.ts';
import { API_KEYS } from '../../../../src/protocol/schema/messages.generated.ts';
import type { RawClient } from '../../../support/raw-client.ts';

/** A heartbeat's optional fields, as a member sends them when nothing changed since its last one. */
export const UNCHANGED_HEARTBEAT_FIELDS: Omit<HeartbeatRequest, 'groupId' | 'memberId' | 'memberEpoch'> = {
  instanceId: null,
  rackId: null,
  rebalanceTimeoutMs: -1,
  subscribedTopicNames: null,
  subscribedTopicRegex: null,
  serverAssignor: null,
  topicPartitions: null,
};

/** A heartbeat as a test writes it: who sends it, and only what changed. */
export type HeartbeatBody = Pick<HeartbeatRequest, 'groupId' | 'memberId' | 'memberEpoch'> &
  Partial<HeartbeatRequest>;

export function sendHeartbeat(client: RawClient, body: HeartbeatBody, version = 1): Promise<Message> {
  return client.request(API_KEYS.ConsumerGroupHeartbeat, version, { ...UNCHANGED_HEARTBEAT_FIELDS, ...body });
}

export async function describeConsumerGroups(
  client: RawClient,
  groupIds: string[],
  includeAuthorizedOperations = false,
): Promise<Message[]> {
  const response = await client.request(API_KEYS.ConsumerGroupDescribe, 0, {
    groupIds,
    includeAuthorizedOperations,
  });
  return response.groups as Message[];
}

/** The topic's id, or undefined while the broker does not know the topic (yet). */
export async function fetchTopicId(client: RawClient, name: string): Promise<string | undefined> {
  const metadata = await client.request(API_KEYS.Metadata, 12, {
    topics: [{ topicId: ZERO_UUID, name }],
    allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: false,
  });
  const [topic] = metadata.topics as Message[];
  return topic.errorCode === 0 && topic.topicId !== ZERO_UUID ? (topic.topicId as string) : undefined;
}

// Group API requests for tests that drive a broker through RawClient at exact versions, and the consumer
// protocol metadata clients send in JoinGroup.
import type { Message } from '../../src/protocol/codec.ts';
import { API_KEYS } from '../../src/protocol/schema/messages.generated.ts';
import type { RawClient } from './raw-client.ts';

/**
 * A consumer's JoinGroup metadata (ConsumerProtocolSubscription v0: version, topics, no user data), as
 * every Kafka client sends it.
 */
export function consumerSubscription(topics: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 0])];
  const count = Buffer.alloc(4);
  count.writeInt32BE(topics.length);
  parts.push(count);
  for (const topic of topics) {
    const length = Buffer.alloc(2);
    length.writeInt16BE(Buffer.byteLength(topic));
    parts.push(length, Buffer.from(topic));
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  return Buffer.concat(parts);
}

export interface Joined {
  errorCode: number;
  memberId: string;
  generationId: number;
  leader: string;
  members: Message[];
}

export function joinBody(groupId: string, memberId: string, overrides: Message = {}): Message {
  return {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: consumerSubscription(['t']) }],
    reason: null,
    ...overrides,
  };
}

/** JoinGroup v9 as a new member: MEMBER_ID_REQUIRED, then the join with the id; throws on errors. */
export async function joinV9(client: RawClient, groupId: string, overrides: Message = {}): Promise<Joined> {
  const first = await client.request(API_KEYS.JoinGroup, 9, joinBody(groupId, '', overrides));
  if (first.errorCode !== 79)
    throw new Error(`JoinGroup: expected MEMBER_ID_REQUIRED, got ${first.errorCode}`);
  return rejoinV9(client, groupId, first.memberId, overrides);
}

export async function rejoinV9(
  client: RawClient,
  groupId: string,
  memberId: string,
  overrides: Message = {},
): Promise<Joined> {
  const joined = await client.request(API_KEYS.JoinGroup, 9, joinBody(groupId, memberId, overrides));
  if (joined.errorCode !== 0) throw new Error(`JoinGroup: error ${joined.errorCode}`);
  return joined as Joined;
}

export function syncBody(groupId: string, joined: Joined, assignments: Message[] = []): Message {
  return {
    groupId,
    generationId: joined.generationId,
    memberId: joined.memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments,
  };
}

export function heartbeatBody(groupId: string, joined: Joined): Message {
  return { groupId, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null };
}

export function commitBody(
  groupId: string,
  generation: number,
  memberId: string,
  offsets: Record<string, bigint[]>,
  metadata = 'meta',
): Message {
  return {
    groupId,
    generationIdOrMemberEpoch: generation,
    memberId,
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: Object.entries(offsets).map(([name, list]) => ({
      name,
      partitions: list.map((committedOffset, partitionIndex) => ({
        partitionIndex,
        committedOffset,
        committedLeaderEpoch: 0,
        committedMetadata: metadata,
      })),
    })),
  };
}

/** Every committed offset of a group (OffsetFetch v8, all topics) as "topic-partition" → offset. */
export async function committedOffsets(client: RawClient, groupId: string): Promise<Record<string, bigint>> {
  const response = await client.request(API_KEYS.OffsetFetch, 8, {
    groups: [{ groupId, topics: null }],
    requireStable: true,
  });
  const [group] = response.groups as Message[];
  if (group.errorCode !== 0) throw new Error(`OffsetFetch ${groupId}: error ${group.errorCode}`);
  const offsets: Record<string, bigint> = {};
  for (const topic of group.topics as Message[]) {
    for (const p of topic.partitions as Message[])
      offsets[`${topic.name}-${p.partitionIndex}`] = p.committedOffset;
  }
  return offsets;
}

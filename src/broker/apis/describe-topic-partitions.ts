// DescribeTopicPartitions (key 75, KIP-966): what kafka-topics --describe uses since Kafka 3.8 instead of
// Metadata, paginated by a partition limit and a cursor, with the (here always empty) eligible leader
// replicas. Follows Kafka's DescribeTopicPartitionsRequestHandler: topics sorted by name, unknown ones
// reported only when named, and the cursor pointing at the first partition not returned.
import type { Message } from '../../protocol/codec.ts';
import { ZERO_UUID } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import { invalidTopicNameReason } from '../metadata/topics.ts';
import type { ApiDefinition } from './api.ts';
import { AUTHORIZED_OPERATIONS_OMITTED } from './metadata.ts';

/** Kafka's max.request.partition.size.limit default: no response holds more partitions. */
const MAX_PARTITIONS = 2000;

/** The topics Kafka itself keeps, which clients list as internal. */
const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);

// Without an authorizer every operation a topic supports is allowed: READ, WRITE, CREATE, DELETE, ALTER,
// DESCRIBE, DESCRIBE_CONFIGS and ALTER_CONFIGS, as a bit field of their ACL operation codes.
const TOPIC_OPERATIONS = [3, 4, 5, 6, 7, 8, 10, 11].reduce((bits, code) => bits | (1 << code), 0);

interface Cursor {
  topicName: string;
  partitionIndex: number;
}

function partitionsOf(broker: Broker, from: number, to: number): Message[] {
  const node = broker.nodeId;
  const partitions = [];
  for (let index = from; index < to; index++) {
    partitions.push({
      errorCode: 0,
      partitionIndex: index,
      leaderId: node,
      leaderEpoch: 0,
      replicaNodes: [node],
      isrNodes: [node],
      eligibleLeaderReplicas: [],
      lastKnownElr: [],
      offlineReplicas: [],
    });
  }
  return partitions;
}

function topicEntry(name: string, errorCode: number, topicId: string, partitions: Message[]): Message {
  return {
    errorCode,
    name,
    topicId,
    isInternal: INTERNAL_TOPICS.has(name),
    partitions,
    topicAuthorizedOperations: TOPIC_OPERATIONS,
  };
}

/** The response body for a request already checked; `all` when no topic was named. */
export function describeTopicPartitions(
  broker: Broker,
  names: readonly string[],
  all: boolean,
  cursor: Cursor | null,
  partitionLimit: number,
): Message {
  let remaining = Math.max(Math.min(MAX_PARTITIONS, partitionLimit), 1);
  const topics: Message[] = [];
  let nextCursor: Cursor | null = null;
  for (const name of names) {
    if (remaining === 0) {
      // Every partition of the previous topics was returned: the next response starts with this topic.
      nextCursor = { topicName: name, partitionIndex: 0 };
      break;
    }
    const topic = broker.metadata.topic(name);
    if (!topic) {
      if (!all) {
        const code = invalidTopicNameReason(name)
          ? ERRORS.INVALID_TOPIC_EXCEPTION.code
          : ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code;
        topics.push(topicEntry(name, code, ZERO_UUID, []));
      }
      continue;
    }
    const from = name === cursor?.topicName ? cursor.partitionIndex : 0;
    const to = Math.min(topic.partitions, from + remaining);
    topics.push(topicEntry(name, 0, topic.id, partitionsOf(broker, from, to)));
    if (to < topic.partitions) {
      nextCursor = { topicName: name, partitionIndex: to };
      break;
    }
    remaining -= Math.max(to - from, 0);
  }
  return { throttleTimeMs: 0, topics, nextCursor };
}

/** Kafka's refusals of a cursor, which fail every topic of the request. */
function invalidCursor(names: readonly string[], all: boolean, cursor: Cursor | null): boolean {
  if (cursor === null) return false;
  return (!all && !names.includes(cursor.topicName)) || cursor.partitionIndex < 0;
}

export const describeTopicPartitionsApi: ApiDefinition = {
  key: API_KEYS.DescribeTopicPartitions,
  minVersion: 0,
  maxVersion: 0,
  handle(body, ctx) {
    const requested = (body.topics as { name: string }[]).map((topic) => topic.name);
    const all = requested.length === 0;
    const cursor = body.cursor as Cursor | null;
    const from = cursor?.topicName ?? '';
    const candidates = all ? [...ctx.broker.metadata.topics()].map((topic) => topic.name) : requested;
    const names = [...new Set(candidates.filter((name) => name >= from))].sort();
    if (invalidCursor(names, all, cursor)) {
      return {
        throttleTimeMs: 0,
        topics: requested.map((name) => ({
          ...topicEntry(name, ERRORS.INVALID_REQUEST.code, ZERO_UUID, []),
          isInternal: false,
          topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
        })),
        nextCursor: null,
      };
    }
    return describeTopicPartitions(ctx.broker, names, all, cursor, body.responsePartitionLimit);
  },
};

// Metadata (key 3): brokers, cluster id, controller and the topics asked for, creating unknown topics when
// auto.create.topics.enable and the client allow it. Nagare creates a topic synchronously, so an
// auto-created topic is returned ready, where Kafka first answers LEADER_NOT_AVAILABLE.
import type { Message } from '../../protocol/codec.ts';
import { ZERO_UUID } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import { invalidTopicNameReason, type TopicInfo } from '../metadata/topics.ts';
import type { ApiDefinition } from './api.ts';

/** Kafka's value for "authorized operations were not asked for". */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/** The topics Kafka flags as internal in Metadata (its coordinators' state). */
const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state']);

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}

export function describeTopic(broker: Broker, topic: TopicInfo, version: number): Message {
  const node = broker.nodeId;
  const partitions = [];
  for (let p = 0; p < topic.partitions; p++) {
    partitions.push({
      errorCode: 0,
      partitionIndex: p,
      leaderId: node,
      leaderEpoch: 0,
      replicaNodes: [node],
      isrNodes: [node],
      offlineReplicas: [],
    });
  }
  return {
    errorCode: 0,
    name: topic.name,
    topicId: version >= 10 ? topic.id : ZERO_UUID,
    isInternal: isInternalTopic(topic.name),
    partitions,
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function topicError(name: string | null, errorCode: number, topicId = ZERO_UUID): Message {
  return {
    errorCode,
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

async function resolveRequested(
  broker: Broker,
  requested: { name: string | null; topicId: string }[],
  allowAutoCreate: boolean,
  version: number,
): Promise<Message[]> {
  const out: Message[] = [];
  for (const { name, topicId } of requested) {
    if (name === null || name === undefined) {
      const topic = broker.metadata.topicById(topicId);
      out.push(
        topic
          ? describeTopic(broker, topic, version)
          : topicError(null, ERRORS.UNKNOWN_TOPIC_ID.code, topicId),
      );
      continue;
    }
    const existing = broker.metadata.topic(name);
    if (existing) {
      out.push(describeTopic(broker, existing, version));
    } else if (invalidTopicNameReason(name)) {
      out.push(topicError(name, ERRORS.INVALID_TOPIC_EXCEPTION.code));
    } else if (allowAutoCreate && broker.settings.autoCreateTopicsEnable) {
      const created = await broker.autoCreateTopic(name);
      out.push(
        created
          ? describeTopic(broker, created, version)
          : topicError(name, ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code),
      );
    } else {
      out.push(topicError(name, ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code));
    }
  }
  return out;
}

export const metadataApi: ApiDefinition = {
  key: API_KEYS.Metadata,
  minVersion: 0,
  maxVersion: 12,
  async handle(body, ctx) {
    const { broker } = ctx;
    const version = ctx.header.apiVersion;
    const requested = body.topics as { name: string | null; topicId: string }[] | null;
    // v0 has no null list: an empty list there means every topic.
    const all = requested === null || (version === 0 && requested.length === 0);
    const allowAutoCreate = version < 4 || (body.allowAutoTopicCreation as boolean);
    const topics = all
      ? [...broker.metadata.topics()].map((t) => describeTopic(broker, t, version))
      : await resolveRequested(broker, requested, allowAutoCreate, version);
    const { host, port } = broker.advertisedFor(ctx.connection.listenerName);
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: broker.nodeId, host, port, rack: null }],
      clusterId: broker.clusterId,
      controllerId: broker.nodeId,
      topics,
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
};

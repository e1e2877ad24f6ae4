// DescribeProducers (key 61): the idempotent and transactional producers with state in each partition, as
// kafka-transactions describe-producers shows them (txn/producer-state.ts): epoch, last sequence and
// timestamp, the epoch of the coordinator that wrote their last marker, and where their open transaction
// started (-1 when none is open).
import type { Message } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import { invalidTopicNameReason } from '../metadata/topics.ts';
import { partitionKey } from '../partition-manager.ts';
import type { ApiDefinition } from './api.ts';

function partitionAnswer(broker: Broker, topic: string, partitionIndex: number): Message {
  if (!broker.partitions.get(topic, partitionIndex)) {
    return {
      partitionIndex,
      errorCode: ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code,
      errorMessage: null,
      activeProducers: [],
    };
  }
  const activeProducers = broker.producers.activeProducers(partitionKey(topic, partitionIndex));
  return { partitionIndex, errorCode: 0, errorMessage: null, activeProducers };
}

/** Kafka's refusal of a whole topic: an invalid name, or one that does not exist. */
function topicError(broker: Broker, name: string): { errorCode: number; errorMessage: string } | undefined {
  const invalid = invalidTopicNameReason(name);
  if (invalid) return { errorCode: ERRORS.INVALID_TOPIC_EXCEPTION.code, errorMessage: invalid };
  if (!broker.metadata.topic(name)) {
    return {
      errorCode: ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code,
      errorMessage: 'This server does not host this topic-partition.',
    };
  }
  return undefined;
}

export const describeProducersApi: ApiDefinition = {
  key: API_KEYS.DescribeProducers,
  minVersion: 0,
  maxVersion: 0,
  handle(body, ctx) {
    const topics = (body.topics as { name: string; partitionIndexes: number[] }[]).map((topic) => {
      const error = topicError(ctx.broker, topic.name);
      return {
        name: topic.name,
        partitions: topic.partitionIndexes.map((partitionIndex) =>
          error
            ? { partitionIndex, ...error, activeProducers: [] }
            : partitionAnswer(ctx.broker, topic.name, partitionIndex),
        ),
      };
    });
    return { throttleTimeMs: 0, topics };
  },
};

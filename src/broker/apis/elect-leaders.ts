// ElectLeaders (key 43): on a single node every partition's only replica already leads, so each election
// is not needed, as Kafka's controller answers for a partition whose preferred leader leads. When no
// partition is named (all partitions), those are left out of the answer, as Kafka does.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import type { ApiDefinition } from './api.ts';

const NOT_NEEDED = {
  errorCode: ERRORS.ELECTION_NOT_NEEDED.code,
  errorMessage: 'Leader election not needed for topic partition.',
};

function electionResult(broker: Broker, topicName: string, partitionId: number): Message {
  const topic = broker.metadata.topic(topicName);
  if (!topic) {
    return {
      partitionId,
      errorCode: ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code,
      errorMessage: `No such topic as ${topicName}`,
    };
  }
  if (partitionId < 0 || partitionId >= topic.partitions) {
    return {
      partitionId,
      errorCode: ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code,
      errorMessage: `No such partition as ${topicName}-${partitionId}`,
    };
  }
  return { partitionId, ...NOT_NEEDED };
}

export const electLeadersApi: ApiDefinition = {
  key: API_KEYS.ElectLeaders,
  minVersion: 0,
  maxVersion: 2,
  handle(body, ctx) {
    const requested = body.topicPartitions as { topic: string; partitions: number[] }[] | null;
    const replicaElectionResults =
      requested === null
        ? [...ctx.broker.metadata.topics()].map((topic) => ({ topic: topic.name, partitionResult: [] }))
        : requested.map(({ topic, partitions }) => ({
            topic,
            partitionResult: partitions.map((partition) => electionResult(ctx.broker, topic, partition)),
          }));
    return { throttleTimeMs: 0, errorCode: 0, replicaElectionResults };
  },
};

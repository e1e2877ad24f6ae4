// AlterPartitionReassignments (key 45): a single node can only "move" a partition to itself, which is
// already done; any other replica list is refused with the messages of Kafka's controller
// (ReplicationControlManager.validateManualPartitionAssignment), and cancelling finds nothing to cancel.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import type { ApiDefinition } from './api.ts';

interface Reassignment {
  partitionIndex: number;
  /** null cancels an ongoing reassignment. */
  replicas: number[] | null;
}

function failure(error: { code: number }, message: string) {
  return { errorCode: error.code, errorMessage: message };
}

/** Kafka's checks of a target replica list, in its order (replicas sorted by id). */
function replicaListError(broker: Broker, replicas: readonly number[]): string | undefined {
  if (replicas.length === 0) return 'The manual partition assignment includes an empty replica list.';
  const sorted = [...replicas].sort((a, b) => a - b);
  for (const [i, id] of sorted.entries()) {
    if (id !== broker.nodeId) {
      return `The manual partition assignment includes broker ${id}, but no such broker is registered.`;
    }
    if (i > 0 && sorted[i - 1] === id) {
      return `The manual partition assignment includes the broker ${id} more than once.`;
    }
  }
  return undefined;
}

function reassign(broker: Broker, topicName: string, target: Reassignment): Message {
  const topic = broker.metadata.topic(topicName);
  const outcome = (() => {
    if (!topic) {
      return failure(ERRORS.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find a topic named ${topicName}.`);
    }
    if (target.partitionIndex < 0 || target.partitionIndex >= topic.partitions) {
      return failure(
        ERRORS.UNKNOWN_TOPIC_OR_PARTITION,
        `Unable to find partition ${topicName}:${target.partitionIndex}.`,
      );
    }
    // Kafka leaves out a message that only repeats the error's own (ApiError.fromThrowable).
    if (target.replicas === null)
      return { errorCode: ERRORS.NO_REASSIGNMENT_IN_PROGRESS.code, errorMessage: null };
    const invalid = replicaListError(broker, target.replicas);
    return invalid
      ? failure(ERRORS.INVALID_REPLICA_ASSIGNMENT, invalid)
      : { errorCode: 0, errorMessage: null };
  })();
  return { partitionIndex: target.partitionIndex, ...outcome };
}

export const alterPartitionReassignmentsApi: ApiDefinition = {
  key: API_KEYS.AlterPartitionReassignments,
  minVersion: 0,
  maxVersion: 0,
  handle(body, ctx) {
    const responses = (body.topics as { name: string; partitions: Reassignment[] }[]).map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((partition) => reassign(ctx.broker, topic.name, partition)),
    }));
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, responses };
  },
};

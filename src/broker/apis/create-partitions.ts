// CreatePartitions (key 37): grows a topic. Explicit assignments are accepted when every new partition
// is placed on this node, the only one there is.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import type { ApiDefinition } from './api.ts';
import { duplicatedNames } from './duplicate-names.ts';

type Check = { error: ErrorName; message: string } | undefined;

function checkRequest(broker: Broker, t: Message, duplicated: boolean): Check {
  if (duplicated) return { error: 'INVALID_REQUEST', message: `Duplicate topic in request: ${t.name}` };
  const topic = broker.metadata.topic(t.name);
  if (!topic)
    return { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `The topic '${t.name}' does not exist.` };
  const count = t.count as number;
  if (count < topic.partitions) {
    return {
      error: 'INVALID_PARTITIONS',
      message: `The topic ${t.name} currently has ${topic.partitions} partition(s); ${count} would not be an increase.`,
    };
  }
  if (count === topic.partitions) {
    return { error: 'INVALID_PARTITIONS', message: `Topic already has ${topic.partitions} partition(s).` };
  }
  const assignments = t.assignments as { brokerIds: number[] }[] | null;
  // An empty list is what some clients send for "no assignments": treat it like null.
  if (assignments && assignments.length > 0) {
    const added = count - topic.partitions;
    if (assignments.length !== added) {
      return {
        error: 'INVALID_REPLICA_ASSIGNMENT',
        message: `Attempted to add ${added} additional partition(s), but only ${assignments.length} assignment(s) were specified.`,
      };
    }
    const elsewhere = assignments.find((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== broker.nodeId);
    if (elsewhere) {
      return {
        error: 'INVALID_REPLICA_ASSIGNMENT',
        message: `Assignment [${elsewhere.brokerIds.join(', ')}] is not possible: this cluster has the single broker ${broker.nodeId}.`,
      };
    }
  }
  return undefined;
}

export const createPartitionsApi: ApiDefinition = {
  key: API_KEYS.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(body, ctx) {
    const { broker } = ctx;
    const topics = body.topics as Message[];
    const duplicates = duplicatedNames(topics.map((t) => t.name as string));
    const results = [];
    for (const t of topics) {
      const problem = checkRequest(broker, t, duplicates.has(t.name));
      if (problem) {
        results.push({ name: t.name, errorCode: ERRORS[problem.error].code, errorMessage: problem.message });
        continue;
      }
      if (!body.validateOnly) await broker.addPartitions(broker.metadata.topic(t.name)!, t.count);
      results.push({ name: t.name, errorCode: 0, errorMessage: null });
    }
    return { throttleTimeMs: 0, results };
  },
};

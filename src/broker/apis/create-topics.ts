// CreateTopics (key 19): validates every topic like Kafka's controller (name, collisions, partitions,
// replication factor on a single node, explicit assignments, configs) and creates the valid ones, or only
// validates with validateOnly. Each topic succeeds or fails on its own.
import type { Message } from '../../protocol/codec.ts';
import { ZERO_UUID } from '../../protocol/codec.ts';
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import { describeTopicConfig } from '../config/describe-configs.ts';
import { validateTopicConfigs } from '../config/topic-config.ts';
import { invalidTopicNameReason } from '../metadata/topics.ts';
import type { ApiDefinition } from './api.ts';
import { duplicatedNames } from './duplicate-names.ts';

interface Plan {
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

type Checked = { error: ErrorName; message: string } | { error?: undefined; plan: Plan };

function fail(error: ErrorName, message: string): Checked {
  return { error, message };
}

function checkAssignments(broker: Broker, t: Message): Checked | number {
  const assignments = t.assignments as { partitionIndex: number; brokerIds: number[] }[];
  if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
    return fail(
      'INVALID_REQUEST',
      'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
    );
  }
  const indexes = assignments.map((a) => a.partitionIndex).sort((a, b) => a - b);
  if (indexes.some((p, i) => p !== i)) {
    return fail('INVALID_REPLICA_ASSIGNMENT', 'Partitions should be a consecutive 0-based integer sequence');
  }
  const elsewhere = assignments.find((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== broker.nodeId);
  if (elsewhere) {
    return fail(
      'INVALID_REPLICA_ASSIGNMENT',
      `Partition ${elsewhere.partitionIndex} is assigned to brokers [${elsewhere.brokerIds.join(', ')}], but this cluster has the single broker ${broker.nodeId}: assign each partition to [${broker.nodeId}] or leave assignments empty.`,
    );
  }
  return assignments.length;
}

export function checkNewTopic(broker: Broker, t: Message): Checked {
  const name = t.name as string;
  const invalidName = invalidTopicNameReason(name);
  if (invalidName) return fail('INVALID_TOPIC_EXCEPTION', invalidName);
  if (broker.metadata.topic(name)) return fail('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`);
  const collision = broker.metadata.image.collidingTopic(name);
  if (collision)
    return fail('INVALID_TOPIC_EXCEPTION', `Topic '${name}' collides with existing topic: ${collision}`);
  let partitions: number;
  let replicationFactor: number;
  if ((t.assignments as unknown[]).length > 0) {
    const assigned = checkAssignments(broker, t);
    if (typeof assigned !== 'number') return assigned;
    partitions = assigned;
    replicationFactor = 1;
  } else {
    partitions = t.numPartitions === -1 ? broker.settings.numPartitions : t.numPartitions;
    replicationFactor =
      t.replicationFactor === -1 ? broker.settings.defaultReplicationFactor : t.replicationFactor;
    if (partitions <= 0) {
      return fail('INVALID_PARTITIONS', 'Number of partitions was set to an invalid non-positive value.');
    }
    if (replicationFactor <= 0) {
      return fail(
        'INVALID_REPLICATION_FACTOR',
        'Replication factor must be larger than 0, or -1 to use the default value.',
      );
    }
    if (replicationFactor > 1) {
      return fail(
        'INVALID_REPLICATION_FACTOR',
        `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only 1 broker(s) are registered or some brokers have all their log directories cordoned.`,
      );
    }
  }
  const configs: Record<string, string | null> = {};
  for (const c of t.configs as { name: string; value: string | null }[]) configs[c.name] = c.value;
  const validation = validateTopicConfigs(configs, broker.settings);
  if (!validation.ok) return fail('INVALID_CONFIG', validation.message);
  return { plan: { partitions, replicationFactor, configs: configs as Record<string, string> } };
}

export const createTopicsApi: ApiDefinition = {
  key: API_KEYS.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  async handle(body, ctx) {
    const { broker } = ctx;
    const topics = body.topics as Message[];
    const duplicates = duplicatedNames(topics.map((t) => t.name as string));
    const results: Message[] = [];
    for (const t of topics) {
      const result: Message = {
        name: t.name,
        topicId: ZERO_UUID,
        errorCode: 0,
        errorMessage: null,
        numPartitions: -1,
        replicationFactor: -1,
        configs: null,
      };
      results.push(result);
      const checked: Checked = duplicates.has(t.name)
        ? fail(
            'INVALID_REQUEST',
            `Create topics request from client \`${ctx.header.clientId}\` contains multiple entries for the following topics: ${[...duplicates].join(', ')}`,
          )
        : checkNewTopic(broker, t);
      if (checked.error) {
        result.errorCode = ERRORS[checked.error].code;
        result.errorMessage = checked.message;
        continue;
      }
      const { plan } = checked;
      if (!body.validateOnly) {
        const topic = await broker.createTopic(t.name, plan.partitions, plan.configs);
        result.topicId = topic.id;
      }
      result.numPartitions = plan.partitions;
      result.replicationFactor = plan.replicationFactor;
      result.configs = describeTopicConfig(plan.configs, broker.settings).map((c) => ({
        name: c.name,
        value: c.value,
        readOnly: c.readOnly,
        configSource: c.configSource,
        isSensitive: c.isSensitive,
      }));
    }
    return { throttleTimeMs: 0, topics: results };
  },
};

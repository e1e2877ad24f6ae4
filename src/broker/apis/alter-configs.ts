// AlterConfigs (key 33, replaces a resource's whole set of configs) and IncrementalAlterConfigs (key 44,
// SET / DELETE / APPEND / SUBTRACT per key), for topics, groups (share.auto.offset.reset and Kafka's other
// group configs) and the broker resources ('' = cluster default, else this node's id). Checks run in Kafka 4.3's order with its codes and messages: the
// broker's preprocessing (repeated resources or keys, null values, resource names), then the new set is
// validated as a whole (topic configs like Kafka's controller, broker configs like DynamicBrokerConfig);
// validateOnly stops there. Each resource succeeds or fails on its own.

import { ConfigError } from '../../common/config-error.ts';
import type { Message } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import { brokerConfigDefinition } from '../config/broker-definitions.ts';
import { describeTopicConfig } from '../config/describe-configs.ts';
import { brokerResourceLevel, withDynamicConfigs } from '../config/dynamic-broker-config.ts';
import { validateGroupConfigs } from '../config/group-config.ts';
import { validateTopicConfigs } from '../config/topic-config.ts';
import { topicConfigDefinition } from '../config/topic-definitions.ts';
import type { ApiDefinition, ApiHandler } from './api.ts';
import { EMPTY_GROUP_NAME, RESOURCE_TYPE } from './describe-configs.ts';

export const OPERATION = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export type Outcome = { errorCode: number; errorMessage: string | null };
const OK: Outcome = { errorCode: 0, errorMessage: null };

function failure(error: { code: number }, message: string | null): Outcome {
  return { errorCode: error.code, errorMessage: message };
}

export interface ConfigOperation {
  name: string;
  configOperation: number;
  value: string | null;
}

/** What APPEND and SUBTRACT need to know about a resource type's configs. */
export interface ListRules {
  /** Why APPEND or SUBTRACT cannot apply to this key (not a list, unknown), or undefined when it can. */
  refusal(name: string, operation: 'APPEND' | 'SUBTRACT'): string | undefined;
  /** The value a list starts from when the resource does not set it. */
  defaultValue(name: string): string | undefined;
}

/**
 * Applies incremental operations to a copy of a resource's current configs, or says why not. APPEND and
 * SUBTRACT work on the comma-separated items, starting from the default when the key is unset, as Kafka's
 * ConfigurationControlManager does.
 */
export function applyIncremental(
  current: Readonly<Record<string, string>>,
  ops: readonly ConfigOperation[],
  lists: ListRules,
): Record<string, string> | Outcome {
  const next = { ...current };
  for (const op of ops) {
    switch (op.configOperation) {
      case OPERATION.SET:
        next[op.name] = op.value as string;
        break;
      case OPERATION.DELETE:
        delete next[op.name];
        break;
      case OPERATION.APPEND:
      case OPERATION.SUBTRACT: {
        const operation = op.configOperation === OPERATION.APPEND ? 'APPEND' : 'SUBTRACT';
        const refusal = lists.refusal(op.name, operation);
        if (refusal !== undefined) return failure(ERRORS.INVALID_CONFIG, refusal);
        const items = (next[op.name] ?? lists.defaultValue(op.name) ?? '').split(',').filter((v) => v !== '');
        const given = (op.value as string).split(',');
        const result =
          operation === 'APPEND'
            ? [...items, ...given.filter((v, i) => !items.includes(v) && given.indexOf(v) === i)]
            : items.filter((v) => !given.includes(v));
        next[op.name] = result.join(',');
        break;
      }
      default:
        return failure(ERRORS.INVALID_REQUEST, `Unknown operations type ${op.configOperation}`);
    }
  }
  return next;
}

/** Kafka's controller on topic configs: only list configs can be appended to or subtracted from. */
function topicListRules(broker: Broker): ListRules {
  return {
    refusal: (name, operation) =>
      topicConfigDefinition(name)?.type === 'list'
        ? undefined
        : `Can't ${operation} to key ${name} because its type is not LIST.`,
    defaultValue: (name) =>
      describeTopicConfig({}, broker.settings).find((c) => c.name === name)?.value ?? undefined,
  };
}

/** Kafka's ConfigAdminManager on broker configs, which knows only KafkaConfig's keys. */
const brokerListRules: ListRules = {
  refusal(name, operation) {
    const def = brokerConfigDefinition(name);
    if (!def) return `Unknown config name: ${name}`;
    if (def.type !== 'list')
      return `Config value ${operation.toLowerCase()} is not allowed for config key: ${name}`;
    return undefined;
  },
  defaultValue(name) {
    const fallback = brokerConfigDefinition(name)?.default;
    return Array.isArray(fallback) ? fallback.join(',') : undefined;
  },
};

/** What a resource's configs become (a failure stops that resource); `current` is its stored set. */
type NextConfigs = (
  resource: Message,
  current: Readonly<Record<string, string>>,
  lists: ListRules,
) => Record<string, string> | Outcome;

async function alterTopic(broker: Broker, resource: Message, next: NextConfigs, validateOnly: boolean) {
  const name = resource.resourceName as string;
  const topic = broker.metadata.topic(name);
  if (!topic) return failure(ERRORS.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
  const configs = next(resource, topic.configs, topicListRules(broker));
  if (!isConfigs(configs)) return configs;
  const validation = validateTopicConfigs(configs, broker.settings);
  if (!validation.ok) return { errorCode: validation.errorCode, errorMessage: validation.message };
  if (!validateOnly) await broker.setTopicConfigs(topic, configs);
  return OK;
}

/** Kafka's controller on group configs: none is a list, so none can be appended to or subtracted from. */
const groupListRules: ListRules = {
  refusal: (name, operation) => `Can't ${operation} to key ${name} because its type is not LIST.`,
  defaultValue: () => undefined,
};

/** A group's configs (any group id, existing or not), validated as Kafka's GroupConfig.validate does. */
async function alterGroup(broker: Broker, resource: Message, next: NextConfigs, validateOnly: boolean) {
  const groupId = resource.resourceName as string;
  if (groupId === '') return failure(ERRORS.INVALID_REQUEST, EMPTY_GROUP_NAME);
  const configs = next(resource, broker.metadata.groupConfigs(groupId), groupListRules);
  if (!isConfigs(configs)) return configs;
  const validation = validateGroupConfigs(configs, broker.settings);
  if (!validation.ok) return { errorCode: validation.errorCode, errorMessage: validation.message };
  // Group settings are read at each use, so the new values apply at once.
  if (!validateOnly) await broker.metadata.setGroupConfigs(groupId, configs);
  return OK;
}

async function alterBroker(
  broker: Broker,
  resource: Message,
  next: NextConfigs,
  validateOnly: boolean,
): Promise<Outcome> {
  const level = brokerResourceLevel(resource.resourceName, broker.nodeId);
  if (level instanceof ConfigError) return failure(ERRORS.INVALID_REQUEST, level.message);
  const stored = broker.metadata.brokerConfigs(level === 'default' ? '' : String(broker.nodeId));
  const configs = next(resource, stored, brokerListRules);
  if (!isConfigs(configs)) return configs;
  try {
    withDynamicConfigs(broker.settings, level, configs);
  } catch (err) {
    // Kafka answers INVALID_REQUEST for any broker config it cannot apply (KAFKA-13609).
    if (err instanceof ConfigError) return failure(ERRORS.INVALID_REQUEST, err.message);
    throw err;
  }
  if (!validateOnly) await broker.setDynamicBrokerConfigs(level, configs);
  return OK;
}

function isConfigs(value: Record<string, string> | Outcome): value is Record<string, string> {
  return !('errorCode' in value && typeof value.errorCode === 'number');
}

/**
 * Kafka's preprocessing of each resource, before its type matters: a resource named twice, a key given
 * twice, or a null value (except to DELETE) fails the resource.
 */
function preprocessed(resources: Message[]): (Outcome | undefined)[] {
  const key = (r: Message) => `${r.resourceType}\u0000${r.resourceName}`;
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  return resources.map((r) => {
    if ((counts.get(key(r)) ?? 0) > 1)
      return failure(ERRORS.INVALID_REQUEST, 'Each resource must appear at most once.');
    const configs = r.configs as ConfigOperation[];
    if (new Set(configs.map((c) => c.name)).size !== configs.length) {
      return failure(ERRORS.INVALID_REQUEST, 'Error due to duplicate config keys');
    }
    const nulls = configs.filter((c) => c.value === null && c.configOperation !== OPERATION.DELETE);
    if (nulls.length > 0) {
      return failure(
        ERRORS.INVALID_REQUEST,
        `Null value not supported for : ${nulls.map((c) => c.name).join(', ')}`,
      );
    }
    return undefined;
  });
}

function alterConfigsHandler(next: NextConfigs, alterLogger: (resource: Message) => Outcome): ApiHandler {
  return async (body, ctx) => {
    const resources = body.resources as Message[];
    const early = preprocessed(resources);
    const responses = [];
    for (const [i, r] of resources.entries()) {
      let outcome = early[i];
      if (!outcome) {
        if (r.resourceType === RESOURCE_TYPE.TOPIC)
          outcome = await alterTopic(ctx.broker, r, next, body.validateOnly);
        else if (r.resourceType === RESOURCE_TYPE.BROKER)
          outcome = await alterBroker(ctx.broker, r, next, body.validateOnly);
        else if (r.resourceType === RESOURCE_TYPE.GROUP)
          outcome = await alterGroup(ctx.broker, r, next, body.validateOnly);
        else if (r.resourceType === RESOURCE_TYPE.BROKER_LOGGER) outcome = alterLogger(r);
        else outcome = failure(ERRORS.INVALID_REQUEST, `Unknown resource type ${r.resourceType}`);
      }
      responses.push({ ...outcome, resourceType: r.resourceType, resourceName: r.resourceName });
    }
    return { throttleTimeMs: 0, responses };
  };
}

/** AlterConfigs replaces every config of the resource by the ones given; it has no broker loggers. */
export const alterConfigsApi: ApiDefinition = {
  key: API_KEYS.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  handle: alterConfigsHandler(
    (resource) =>
      Object.fromEntries((resource.configs as ConfigOperation[]).map((c) => [c.name, c.value as string])),
    (resource) => failure(ERRORS.INVALID_REQUEST, `Unknown resource type ${resource.resourceType}`),
  ),
};

/**
 * IncrementalAlterConfigs. Kafka sets log4j levels through BROKER_LOGGER resources; Nagare has no log4j
 * loggers, so every logger named is one that does not exist, in Kafka's words.
 */
export const incrementalAlterConfigsApi: ApiDefinition = {
  key: API_KEYS.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  handle: alterConfigsHandler(
    (resource, current, lists) => applyIncremental(current, resource.configs, lists),
    (resource) => {
      const [first] = resource.configs as ConfigOperation[];
      return first ? failure(ERRORS.INVALID_CONFIG, `Logger ${first.name} does not exist!`) : OK;
    },
  ),
};

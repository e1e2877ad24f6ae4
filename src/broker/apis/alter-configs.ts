// AlterConfigs (key 33, replaces a resource's whole set of overrides) and IncrementalAlterConfigs
// (key 44, SET / DELETE / APPEND / SUBTRACT per key). Topic overrides are validated with Kafka's rules
// and messages before anything is stored; validateOnly stops there.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import { describeTopicConfig } from '../config/describe-configs.ts';
import { validateTopicConfigs } from '../config/topic-config.ts';
import { topicConfigDefinition } from '../config/topic-definitions.ts';
import type { ApiContext, ApiDefinition, ApiHandler } from './api.ts';
import { RESOURCE_TYPE } from './describe-configs.ts';

export const OPERATION = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

type Outcome = { errorCode: number; errorMessage: string | null };
const OK: Outcome = { errorCode: 0, errorMessage: null };

function invalid(message: string): Outcome {
  return { errorCode: ERRORS.INVALID_CONFIG.code, errorMessage: message };
}

function listItems(value: string | undefined): string[] {
  return value
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '')
    : [];
}

/**
 * Applies incremental operations to a copy of the current overrides; a string is an error message.
 * APPEND and SUBTRACT start from the override, or from the default when there is none (as Kafka does).
 */
export function applyIncremental(
  current: Record<string, string>,
  ops: { name: string; configOperation: number; value: string | null }[],
  defaultValue: (name: string) => string | undefined,
): Record<string, string> | string {
  const next = { ...current };
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.name)) return `Duplicate config key ${op.name} in the same request`;
    seen.add(op.name);
    const def = topicConfigDefinition(op.name);
    switch (op.configOperation) {
      case OPERATION.SET:
        if (op.value === null) return `Null value not supported for : ${op.name}`;
        next[op.name] = op.value;
        break;
      case OPERATION.DELETE:
        delete next[op.name];
        break;
      case OPERATION.APPEND:
      case OPERATION.SUBTRACT: {
        const verb = op.configOperation === OPERATION.APPEND ? 'append' : 'subtract';
        if (def && def.type !== 'list')
          return `Config value ${verb} is not allowed for config key: ${op.name}`;
        const items = listItems(next[op.name] ?? defaultValue(op.name));
        const given = listItems(op.value ?? '');
        const result =
          op.configOperation === OPERATION.APPEND
            ? [...items, ...given.filter((v) => !items.includes(v))]
            : items.filter((v) => !given.includes(v));
        next[op.name] = result.join(',');
        break;
      }
      default:
        return `Unknown config operation ${op.configOperation} for ${op.name}`;
    }
  }
  return next;
}

async function alterTopic(
  broker: Broker,
  name: string,
  nextConfigs: (current: Record<string, string>) => Record<string, string> | string,
  validateOnly: boolean,
): Promise<Outcome> {
  const topic = broker.metadata.topic(name);
  if (!topic)
    return {
      errorCode: ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code,
      errorMessage: `Topic '${name}' does not exist.`,
    };
  const next = nextConfigs(topic.configs);
  if (typeof next === 'string') return invalid(next);
  const validation = validateTopicConfigs(next, broker.settings);
  if (!validation.ok) return { errorCode: validation.errorCode, errorMessage: validation.message };
  if (!validateOnly) await broker.setTopicConfigs(topic, next);
  return OK;
}

function topicDefault(broker: Broker, name: string): string | undefined {
  return describeTopicConfig({}, broker.settings).find((c) => c.name === name)?.value ?? undefined;
}

function unsupportedResource(type: number): Outcome {
  if (type === RESOURCE_TYPE.BROKER || type === RESOURCE_TYPE.BROKER_LOGGER) {
    return {
      errorCode: ERRORS.INVALID_REQUEST.code,
      errorMessage:
        'Dynamic broker configs are not supported yet: set them in the broker properties and restart',
    };
  }
  return { errorCode: ERRORS.INVALID_REQUEST.code, errorMessage: `Unsupported resource type ${type}` };
}

/** What a resource's topic overrides become; a string is an error message. */
type NextConfigs = (resource: Message, current: Record<string, string>) => Record<string, string> | string;

/** The shared body of both APIs: each resource succeeds or fails on its own. */
function alterConfigsHandler(nextConfigs: (ctx: ApiContext) => NextConfigs): ApiHandler {
  return async (body, ctx) => {
    const next = nextConfigs(ctx);
    const responses = [];
    for (const r of body.resources as Message[]) {
      const outcome =
        r.resourceType === RESOURCE_TYPE.TOPIC
          ? await alterTopic(ctx.broker, r.resourceName, (current) => next(r, current), body.validateOnly)
          : unsupportedResource(r.resourceType);
      responses.push({ ...outcome, resourceType: r.resourceType, resourceName: r.resourceName });
    }
    return { throttleTimeMs: 0, responses };
  };
}

/** AlterConfigs replaces every override of the resource by the ones given. */
function replaceAll(resource: Message): Record<string, string> | string {
  const all: Record<string, string> = {};
  for (const c of resource.configs as { name: string; value: string | null }[]) {
    if (c.value === null) return `Null value not supported for : ${c.name}`;
    all[c.name] = c.value;
  }
  return all;
}

export const alterConfigsApi: ApiDefinition = {
  key: API_KEYS.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  handle: alterConfigsHandler(() => replaceAll),
};

export const incrementalAlterConfigsApi: ApiDefinition = {
  key: API_KEYS.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  handle: alterConfigsHandler(
    (ctx) => (resource, current) =>
      applyIncremental(current, resource.configs, (name) => topicDefault(ctx.broker, name)),
  ),
};

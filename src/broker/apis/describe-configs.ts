// DescribeConfigs (key 32): topic, broker and group configs with values, sources, synonyms, types and
// documentation, computed by config/describe-configs.ts. Broker loggers are not configurable here.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import {
  CONFIG_SOURCE,
  type DescribedConfig,
  describeBrokerConfig,
  describeBrokerDefaultConfig,
  describeGroupConfig,
  describeTopicConfig,
} from '../config/describe-configs.ts';
import type { ApiDefinition } from './api.ts';

export const RESOURCE_TYPE = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, GROUP: 32 } as const;

/** Kafka's answer to a GROUP resource without a name. */
export const EMPTY_GROUP_NAME = 'Group name must not be empty';

type Outcome = { configs: DescribedConfig[] } | { errorCode: number; errorMessage: string };

function describeResource(broker: Broker, type: number, name: string): Outcome {
  if (type === RESOURCE_TYPE.TOPIC) {
    const topic = broker.metadata.topic(name);
    if (!topic) {
      return {
        errorCode: ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code,
        errorMessage: `Topic '${name}' does not exist.`,
      };
    }
    return { configs: describeTopicConfig(topic.configs, broker.settings) };
  }
  if (type === RESOURCE_TYPE.BROKER) {
    if (name === '') return { configs: describeBrokerDefaultConfig(broker.settings) };
    if (name !== String(broker.nodeId)) {
      return {
        errorCode: ERRORS.INVALID_REQUEST.code,
        errorMessage: `Unexpected broker id, expected ${broker.nodeId} or empty string, but received ${name}`,
      };
    }
    return { configs: describeBrokerConfig(broker.settings) };
  }
  if (type === RESOURCE_TYPE.GROUP) {
    // Any group id may be described, existing or not, as in Kafka.
    if (name === '') return { errorCode: ERRORS.INVALID_REQUEST.code, errorMessage: EMPTY_GROUP_NAME };
    return { configs: describeGroupConfig(broker.metadata.groupConfigs(name), broker.settings) };
  }
  if (type === RESOURCE_TYPE.BROKER_LOGGER) {
    return {
      errorCode: ERRORS.INVALID_REQUEST.code,
      errorMessage: 'Broker loggers are not configurable on this broker',
    };
  }
  return { errorCode: ERRORS.INVALID_REQUEST.code, errorMessage: `Unsupported resource type ${type}` };
}

export const describeConfigsApi: ApiDefinition = {
  key: API_KEYS.DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  handle(body, ctx) {
    const version = ctx.header.apiVersion;
    const results = (body.resources as Message[]).map((r) => {
      const outcome = describeResource(ctx.broker, r.resourceType, r.resourceName);
      if ('errorCode' in outcome) {
        return { ...outcome, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] };
      }
      const keys = r.configurationKeys as string[] | null;
      const wanted =
        keys && keys.length > 0 ? outcome.configs.filter((c) => keys.includes(c.name)) : outcome.configs;
      const configs = wanted.map((c) => ({
        name: c.name,
        value: c.value,
        readOnly: c.readOnly,
        isDefault: c.configSource === CONFIG_SOURCE.DEFAULT_CONFIG,
        configSource: c.configSource,
        isSensitive: c.isSensitive,
        synonyms: version >= 1 && body.includeSynonyms ? c.synonyms : [],
        configType: c.configType,
        documentation: version >= 3 && body.includeDocumentation ? c.documentation : null,
      }));
      return {
        errorCode: 0,
        errorMessage: null,
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configs,
      };
    });
    return { throttleTimeMs: 0, results };
  },
};

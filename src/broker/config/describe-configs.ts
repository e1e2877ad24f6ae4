// The entries DescribeConfigs returns for a topic or the broker, computed like Kafka's ConfigHelper:
// value, source, synonyms (in Kafka's order), read-only flag, sensitivity, type code and documentation.
// Filtering by requested keys and dropping synonyms/documentation when not asked for is the handler's job.
import type { BrokerConfig } from './broker-config.ts';
import {
  BROKER_CONFIGS,
  brokerConfigDefinition,
  brokerConfigSynonyms,
  dynamicOnlyBrokerConfigDefinition,
} from './broker-definitions.ts';
import type { BrokerConfigDefinition, ConfigType } from './definitions.ts';
import { effectiveGroupValues } from './group-config.ts';
import { GROUP_CONFIGS } from './group-definitions.ts';
import { effectiveTopicValues } from './topic-config.ts';
import { TOPIC_CONFIGS } from './topic-definitions.ts';
import { formatConfigValue } from './values.ts';

/** DescribeConfigs ConfigSource codes, as on the wire (Kafka's DescribeConfigsResponse.ConfigSource). */
export const CONFIG_SOURCE = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
  CLIENT_METRICS_CONFIG: 7,
  GROUP_CONFIG: 8,
} as const;

/** DescribeConfigs v3+ ConfigType codes. */
export const CONFIG_TYPE = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
} as const;

const TYPE_CODE: Record<ConfigType, number> = {
  boolean: CONFIG_TYPE.BOOLEAN,
  string: CONFIG_TYPE.STRING,
  int: CONFIG_TYPE.INT,
  short: CONFIG_TYPE.SHORT,
  long: CONFIG_TYPE.LONG,
  double: CONFIG_TYPE.DOUBLE,
  list: CONFIG_TYPE.LIST,
  class: CONFIG_TYPE.CLASS,
  password: CONFIG_TYPE.PASSWORD,
};

export interface DescribedConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribedConfig {
  name: string;
  /** null when the config is unset (no default) or sensitive. */
  value: string | null;
  readOnly: boolean;
  /** A CONFIG_SOURCE code; for DescribeConfigs v0 `isDefault` is configSource === DEFAULT_CONFIG. */
  configSource: number;
  isSensitive: boolean;
  /** Highest precedence first; the first one is where the value comes from. */
  synonyms: DescribedConfigSynonym[];
  /** A CONFIG_TYPE code. */
  configType: number;
  documentation: string | null;
}

/**
 * All topic configs of a topic with the given overrides (as stored), in Kafka's definition order; an
 * internal config (internal.segment.bytes) only when the topic sets it, as Kafka lists them.
 */
export function describeTopicConfig(
  topicOverrides: Readonly<Record<string, string>>,
  broker: BrokerConfig,
): DescribedConfig[] {
  const values = effectiveTopicValues(topicOverrides, broker);
  const listed = TOPIC_CONFIGS.filter((def) => !def.internal || Object.hasOwn(topicOverrides, def.name));
  return listed.map((def) => {
    const isSensitive = def.type === 'password';
    const value = isSensitive ? null : formatConfigValue(def.type, values.get(def.name) ?? null);
    const synonyms = def.serverDefault
      ? brokerSynonyms(broker, def.serverDefault, brokerConfigSynonyms(def.serverDefault), isSensitive)
      : [];
    if (Object.hasOwn(topicOverrides, def.name)) {
      synonyms.unshift({ name: def.name, value, source: CONFIG_SOURCE.TOPIC_CONFIG });
    }
    return {
      name: def.name,
      value,
      readOnly: false,
      configSource: synonyms[0]?.source ?? CONFIG_SOURCE.DEFAULT_CONFIG,
      isSensitive,
      synonyms,
      configType: TYPE_CODE[def.type],
      documentation: def.doc,
    };
  });
}

/**
 * All group configs of a group with the given overrides, as Kafka's ConfigHelper describes a GROUP
 * resource: an override is a GROUP_CONFIG synonym; below it come the synonyms of the broker config that
 * gives the default, or the group config's own default when it has none.
 */
export function describeGroupConfig(
  groupOverrides: Readonly<Record<string, string>>,
  broker: BrokerConfig,
): DescribedConfig[] {
  const values = effectiveGroupValues(groupOverrides, broker);
  return GROUP_CONFIGS.map((def) => {
    const value = formatConfigValue(def.type, values.get(def.name) ?? null);
    const synonyms = def.serverDefault
      ? brokerSynonyms(broker, def.serverDefault, brokerConfigSynonyms(def.serverDefault), false)
      : [
          {
            name: def.name,
            value: formatConfigValue(def.type, def.default),
            source: CONFIG_SOURCE.DEFAULT_CONFIG,
          },
        ];
    if (Object.hasOwn(groupOverrides, def.name)) {
      synonyms.unshift({ name: def.name, value, source: CONFIG_SOURCE.GROUP_CONFIG });
    }
    return {
      name: def.name,
      value,
      readOnly: false,
      configSource: synonyms[0]?.source ?? CONFIG_SOURCE.DEFAULT_CONFIG,
      isSensitive: false,
      synonyms,
      configType: TYPE_CODE[def.type],
      documentation: def.doc,
    };
  });
}

/**
 * The broker resource named by this broker's id: every known broker config, then (as Kafka does) every
 * other key set in a layer: Kafka's dynamic-only quota configs, and unknown (custom) keys, shown as
 * sensitive since their type is unknown.
 */
export function describeBrokerConfig(broker: BrokerConfig): DescribedConfig[] {
  const known = BROKER_CONFIGS.map((def) =>
    describeBrokerEntry(
      broker,
      def.name,
      def,
      formatConfigValue(def.type, broker.values.get(def.name) ?? null),
    ),
  );
  const { dynamicBroker, dynamicDefault } = broker.layers;
  const others = new Set([
    ...Object.keys(dynamicBroker),
    ...Object.keys(dynamicDefault),
    ...Object.keys(broker.layers.static),
  ]);
  const extra = [...others]
    .filter((name) => !brokerConfigDefinition(name))
    .map((name) => {
      const raw = dynamicBroker[name] ?? dynamicDefault[name] ?? broker.layers.static[name];
      return describeBrokerEntry(broker, name, dynamicOnlyBrokerConfigDefinition(name), raw);
    });
  return [...known, ...extra];
}

/** The cluster-default broker resource (name ""): only the configs set at that level. */
export function describeBrokerDefaultConfig(broker: BrokerConfig): DescribedConfig[] {
  return Object.entries(broker.layers.dynamicDefault).map(([name, raw]) => {
    const def = brokerConfigDefinition(name) ?? dynamicOnlyBrokerConfigDefinition(name);
    const entry = describeBrokerEntry(broker, name, def, raw);
    const synonyms = entry.synonyms.filter(
      (synonym) => synonym.source === CONFIG_SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG,
    );
    return { ...entry, synonyms, configSource: synonyms[0]?.source ?? CONFIG_SOURCE.DEFAULT_CONFIG };
  });
}

/** One broker config entry; `def` undefined is a key Kafka does not know: sensitive, read-only, untyped. */
function describeBrokerEntry(
  broker: BrokerConfig,
  name: string,
  def: BrokerConfigDefinition | undefined,
  value: string | null,
): DescribedConfig {
  const isSensitive = !def || def.type === 'password';
  const synonyms = brokerSynonyms(broker, name, brokerConfigSynonyms(name), isSensitive);
  return {
    name,
    value: isSensitive ? null : value,
    readOnly: !def || def.dynamic === 'read-only',
    configSource: synonyms[0]?.source ?? CONFIG_SOURCE.DEFAULT_CONFIG,
    isSensitive,
    synonyms,
    configType: def ? TYPE_CODE[def.type] : CONFIG_TYPE.UNKNOWN,
    documentation: def?.doc ?? null,
  };
}

/**
 * Kafka's ConfigHelper.configSynonyms: the broker names in `group` that are set, by source (dynamic
 * per-broker, dynamic default, static, then non-null defaults) and by precedence within a source, with
 * raw values as set. Entries before the first one named `name` are dropped, exactly as Kafka does: so
 * retention.ms lists no broker synonym unless log.retention.ms itself is set somewhere.
 */
function brokerSynonyms(
  broker: BrokerConfig,
  name: string,
  group: readonly string[],
  isSensitive: boolean,
): DescribedConfigSynonym[] {
  const { layers } = broker;
  const synonyms: DescribedConfigSynonym[] = [];
  const layered = [
    [layers.dynamicBroker, CONFIG_SOURCE.DYNAMIC_BROKER_CONFIG],
    [layers.dynamicDefault, CONFIG_SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG],
    [layers.static, CONFIG_SOURCE.STATIC_BROKER_CONFIG],
  ] as const;
  for (const [layer, source] of layered) {
    for (const synonym of group) {
      if (Object.hasOwn(layer, synonym))
        synonyms.push({ name: synonym, value: isSensitive ? null : layer[synonym], source });
    }
  }
  for (const synonym of group) {
    const def = brokerConfigDefinition(synonym);
    const value = def && !def.nagareDefault ? formatConfigValue(def.type, def.default) : null;
    if (value !== null) {
      synonyms.push({
        name: synonym,
        value: isSensitive ? null : value,
        source: CONFIG_SOURCE.DEFAULT_CONFIG,
      });
    }
  }
  const first = synonyms.findIndex((synonym) => synonym.name === name);
  return first < 0 ? [] : synonyms.slice(first);
}

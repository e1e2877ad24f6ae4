// The shape of a config definition, after Kafka's ConfigDef: a name, a type, a default, an optional
// validator, an importance and a doc line. The tables themselves live in broker-definitions.ts and
// topic-definitions.ts.

/** Kafka's ConfigDef.Type, lower-cased. */
export type ConfigType =
  | 'boolean'
  | 'string'
  | 'int'
  | 'short'
  | 'long'
  | 'double'
  | 'list'
  | 'class'
  | 'password';

/**
 * A parsed value. int/short/double are numbers; long is a bigint so that Kafka's Long.MAX_VALUE
 * ("never") survives exactly into DescribeConfigs; list is an array; null means "not set" (Kafka's
 * null default, e.g. log.retention.ms, whose value then comes from a lower-precedence synonym).
 */
export type ConfigValue = boolean | number | bigint | string | readonly string[] | null;

export type Importance = 'high' | 'medium' | 'low';

/** How a broker config may change at runtime, as Kafka's DynamicBrokerConfig classifies it. */
export type DynamicUpdateMode = 'read-only' | 'per-broker' | 'cluster-wide';

/**
 * Why a value is invalid, in Kafka's words: usually the reason of "Invalid value X for configuration Y:
 * reason", but Kafka's list validator words some refusals as a whole message of its own.
 */
export type Complaint =
  | {
      reason: string;
      /** The value as Kafka's message shows it, when it is not the whole value (one element of a list). */
      shown?: string;
    }
  | { message: string };

export interface Validator {
  /** The valid values as Kafka's documentation prints them: "[1,...]", "[compact, delete]". */
  readonly validValues: string;
  /**
   * Kafka's ConfigDef drops repeated list elements (keeping the first of each) before its list validator
   * runs, so "compact,compact" is accepted as "compact".
   */
  readonly dropsDuplicates?: boolean;
  check(value: ConfigValue, name: string): Complaint | undefined;
}

export interface ConfigDefinition {
  readonly name: string;
  readonly type: ConfigType;
  /** The value when the key is not set; null when Kafka's default is null. */
  readonly default: ConfigValue;
  readonly validator?: Validator;
  readonly importance: Importance;
  readonly doc: string;
  /**
   * Kafka's internal configs (ConfigKey.internalConfig), meant for tests: accepted like any other, but
   * DescribeConfigs lists them only where they are set.
   */
  readonly internal?: boolean;
}

export interface BrokerConfigDefinition extends ConfigDefinition {
  readonly dynamic: DynamicUpdateMode;
  /**
   * The default is Nagare's where Kafka has none (a single node needs no id): DescribeConfigs then lists
   * no DEFAULT_CONFIG synonym, as Kafka does not.
   */
  readonly nagareDefault?: boolean;
}

export interface TopicConfigDefinition extends ConfigDefinition {
  /**
   * The broker config that supplies this topic config's default (Kafka's "Server Default Property").
   * Its lower-precedence synonyms (log.retention.minutes, …) come from brokerConfigSynonyms().
   */
  readonly serverDefault?: string;
}

// Dynamic broker configs (Kafka's KIP-226): AlterConfigs and IncrementalAlterConfigs on the broker
// resources, '' for the cluster-wide default and the node id for this broker. Pure: what a new set of
// dynamic configs makes of the broker configuration, with Kafka's refusals; storing and applying them is
// the broker's job.

import { ConfigError } from '../../common/config-error.ts';
import { type BrokerConfig, parseBrokerConfig } from './broker-config.ts';

/** '' is the cluster default (DYNAMIC_DEFAULT_BROKER_CONFIG), a node id that broker (DYNAMIC_BROKER_CONFIG). */
export type BrokerConfigLevel = 'default' | 'broker';

/**
 * The level a broker resource name stands for, or Kafka's refusal (ConfigAdminManager's
 * validateResourceNameIsCurrentNodeId) of a name that is not this node's id.
 */
export function brokerResourceLevel(name: string, nodeId: number): BrokerConfigLevel | ConfigError {
  if (name === '') return 'default';
  // Java's Integer.parseInt: an optional sign and decimal digits only.
  if (!/^[+-]?\d+$/.test(name) || !Number.isSafeInteger(Number(name))) {
    return new ConfigError(`Node id must be an integer, but it is: ${name}`);
  }
  if (Number(name) !== nodeId) {
    return new ConfigError(`Unexpected broker id, expected ${nodeId}, but received ${name}`);
  }
  return 'broker';
}

/**
 * The configuration with the dynamic configs of one level replaced by `configs` (the whole set of that
 * level). Throws a ConfigError with Kafka's message when Kafka would refuse them: read-only or per-broker
 * keys in the wrong place, bad values, or a combination KafkaConfig rejects.
 */
export function withDynamicConfigs(
  current: BrokerConfig,
  level: BrokerConfigLevel,
  configs: Readonly<Record<string, string>>,
): BrokerConfig {
  const { layers } = current;
  return parseBrokerConfig(layers.static, {
    default: level === 'default' ? configs : layers.dynamicDefault,
    broker: level === 'broker' ? configs : layers.dynamicBroker,
  }).config;
}

/**
 * What a running broker takes from a new configuration at once: everything except its listeners, which it
 * opened at start. A dynamic listeners change is stored and applies at the next start.
 */
export function liveBrokerConfig(running: BrokerConfig, next: BrokerConfig): BrokerConfig {
  return {
    ...next,
    listeners: running.listeners,
    advertisedListeners: running.advertisedListeners,
    listenerSecurityProtocolMap: running.listenerSecurityProtocolMap,
  };
}

/**
 * The static configuration with the dynamic configs kept in the metadata store. As Kafka does when it
 * loads them, keys that are no longer valid are dropped with a warning (`warn`) instead of failing the
 * start; if the remaining ones still conflict, the whole level is dropped.
 */
export function withStoredDynamicConfigs(
  settings: BrokerConfig,
  stored: { default: Readonly<Record<string, string>>; broker: Readonly<Record<string, string>> },
  warn: (message: string) => void,
): BrokerConfig {
  let config = settings;
  for (const level of ['default', 'broker'] as const) {
    const label = level === 'default' ? 'cluster-default' : 'per-broker';
    const kept: Record<string, string> = {};
    for (const [key, value] of Object.entries(stored[level])) {
      try {
        withDynamicConfigs(config, level, { [key]: value });
        kept[key] = value;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        warn(`Dynamic ${label} config ${key} is invalid and ignored: ${err.message}`);
      }
    }
    try {
      config = withDynamicConfigs(config, level, kept);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      warn(`Dynamic ${label} configs are inconsistent and ignored: ${err.message}`);
    }
  }
  return config;
}

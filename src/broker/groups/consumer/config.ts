// The broker settings of consumer groups (Kafka's group.consumer.* configs, with Kafka's defaults).
import type { BrokerConfig } from '../../config/broker-config.ts';
import { SERVER_ASSIGNORS } from './assignors/registry.ts';

export interface ConsumerGroupConfig {
  /** group.consumer.heartbeat.interval.ms: how often members heartbeat. */
  heartbeatIntervalMs: number;
  /** group.consumer.session.timeout.ms: a member silent this long is removed. */
  sessionTimeoutMs: number;
  /** group.consumer.max.size: members a group may have. */
  maxSize: number;
  /** group.consumer.assignors, as assignor names; the first is the default. */
  assignors: readonly string[];
}

export const DEFAULT_CONSUMER_GROUP_CONFIG: ConsumerGroupConfig = {
  heartbeatIntervalMs: 5000,
  sessionTimeoutMs: 45000,
  maxSize: 2147483647,
  assignors: SERVER_ASSIGNORS.map((assignor) => assignor.name),
};

/** Kafka's class names for its built-in assignors, which group.consumer.assignors also accepts. */
const ASSIGNOR_CLASSES: Record<string, string> = {
  'org.apache.kafka.coordinator.group.assignor.UniformAssignor': 'uniform',
  'org.apache.kafka.coordinator.group.assignor.RangeAssignor': 'range',
};

/**
 * Reads the group.consumer.* settings: from the typed broker config when it defines them, else from the
 * properties as given (the broker config ignores keys it does not know, with a warning), else Kafka's
 * defaults. A value that does not parse falls back to the default.
 */
export function consumerGroupConfig(settings: BrokerConfig): ConsumerGroupConfig {
  const raw = (name: string): string | undefined => {
    const typed = settings.values.get(name);
    if (typed !== undefined && typed !== null) return Array.isArray(typed) ? typed.join(',') : String(typed);
    return (
      settings.layers.dynamicBroker[name] ??
      settings.layers.dynamicDefault[name] ??
      settings.layers.static[name]
    );
  };
  const int = (name: string, fallback: number, min: number): number => {
    const value = Number(raw(name));
    return Number.isInteger(value) && value >= min ? value : fallback;
  };
  const assignors = (raw('group.consumer.assignors') ?? '')
    .split(',')
    .map((name) => name.trim())
    .map((name) => ASSIGNOR_CLASSES[name] ?? name)
    .filter((name) => SERVER_ASSIGNORS.some((assignor) => assignor.name === name));
  const defaults = DEFAULT_CONSUMER_GROUP_CONFIG;
  return {
    heartbeatIntervalMs: int('group.consumer.heartbeat.interval.ms', defaults.heartbeatIntervalMs, 1),
    sessionTimeoutMs: int('group.consumer.session.timeout.ms', defaults.sessionTimeoutMs, 1),
    maxSize: int('group.consumer.max.size', defaults.maxSize, 1),
    assignors: assignors.length > 0 ? assignors : defaults.assignors,
  };
}

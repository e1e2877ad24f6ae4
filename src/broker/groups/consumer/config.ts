// The broker settings of consumer groups: Kafka's group.consumer.* configs, as the broker config parsed
// and checked them (bounds included, see config/group-coordinator-checks.ts). Kafka lets a group override
// its session timeout and heartbeat interval within those bounds (the GROUP config resource); Nagare has
// no group configs, so every group uses the broker's values, as a Kafka group without overrides does.
import type { BrokerConfig } from '../../config/broker-config.ts';
import { consumerGroupAssignors, consumerProtocolEnabled } from '../../config/group-coordinator-checks.ts';

export interface ConsumerGroupConfig {
  /** Whether group.coordinator.rebalance.protocols has `consumer`; if not, KIP-848 requests are refused. */
  enabled: boolean;
  /** group.consumer.heartbeat.interval.ms: how often members heartbeat. */
  heartbeatIntervalMs: number;
  /** group.consumer.session.timeout.ms: a member silent this long is removed. */
  sessionTimeoutMs: number;
  /** group.consumer.max.size: members a group may have. */
  maxSize: number;
  /** group.consumer.assignors, as assignor names; the first is the default. */
  assignors: readonly string[];
}

export function consumerGroupConfig(settings: BrokerConfig): ConsumerGroupConfig {
  const { values } = settings;
  const int = (name: string) => values.get(name) as number;
  return {
    enabled: consumerProtocolEnabled(values),
    heartbeatIntervalMs: int('group.consumer.heartbeat.interval.ms'),
    sessionTimeoutMs: int('group.consumer.session.timeout.ms'),
    maxSize: int('group.consumer.max.size'),
    assignors: consumerGroupAssignors(values.get('group.consumer.assignors') as readonly string[]),
  };
}

// The settings of one share group: its group configs (the GROUP config resource) over the broker's
// group.share.* settings, read at each use so that AlterConfigs applies at once, as in Kafka. The share
// partitions (src/broker/share) read the record-level ones through broker.shareGroups.groupConfig.
import type { BrokerConfig } from '../../config/broker-config.ts';
import { effectiveGroupValues } from '../../config/group-config.ts';
import { parseShareAutoOffsetReset, type ShareAutoOffsetReset } from '../../config/group-definitions.ts';

export type { ShareAutoOffsetReset };

export interface ShareGroupSettings {
  /** share.session.timeout.ms: a member silent this long is removed. */
  sessionTimeoutMs: number;
  /** share.heartbeat.interval.ms: how often members heartbeat. */
  heartbeatIntervalMs: number;
  /** share.record.lock.duration.ms: how long an acquired record stays locked to its consumer. */
  recordLockDurationMs: number;
  /** share.delivery.count.limit: deliveries of a record before it is archived. */
  deliveryCountLimit: number;
  /** share.partition.max.record.locks: records of a partition that may be in flight at once. */
  maxRecordLocks: number;
  /** share.auto.offset.reset: where a partition without state starts. */
  autoOffsetReset: ShareAutoOffsetReset;
  /** share.isolation.level. */
  isolationLevel: 'read_committed' | 'read_uncommitted';
  /** share.renew.acknowledge.enable. */
  renewAcknowledgeEnable: boolean;
}

export function shareGroupSettings(
  overrides: Readonly<Record<string, string>>,
  broker: BrokerConfig,
): ShareGroupSettings {
  const values = effectiveGroupValues(overrides, broker);
  const int = (name: string) => values.get(name) as number;
  return {
    sessionTimeoutMs: int('share.session.timeout.ms'),
    heartbeatIntervalMs: int('share.heartbeat.interval.ms'),
    recordLockDurationMs: int('share.record.lock.duration.ms'),
    deliveryCountLimit: int('share.delivery.count.limit'),
    maxRecordLocks: int('share.partition.max.record.locks'),
    // Stored values were validated; Kafka's default is latest.
    autoOffsetReset: parseShareAutoOffsetReset(values.get('share.auto.offset.reset') as string) ?? {
      type: 'latest',
    },
    isolationLevel: values.get('share.isolation.level') as ShareGroupSettings['isolationLevel'],
    renewAcknowledgeEnable: values.get('share.renew.acknowledge.enable') as boolean,
  };
}

/** group.share.max.size. */
export function shareGroupMaxSize(broker: BrokerConfig): number {
  return broker.values.get('group.share.max.size') as number;
}

// The group coordinator's settings, read once from the broker configuration (Kafka's names and defaults).
import type { BrokerConfig } from '../config/broker-config.ts';
import type { ClassicSettings } from './classic-rebalance.ts';

export interface GroupCoordinatorConfig {
  classic: ClassicSettings;
  /** offsets.retention.minutes, in ms. */
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  /** offset.metadata.max.bytes: a longer commit metadata is refused with OFFSET_METADATA_TOO_LARGE. */
  offsetMetadataMaxBytes: number;
}

export function groupCoordinatorConfig(settings: BrokerConfig): GroupCoordinatorConfig {
  const value = (name: string) => Number(settings.values.get(name));
  return {
    classic: {
      minSessionTimeoutMs: settings.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: settings.groupMaxSessionTimeoutMs,
      initialRebalanceDelayMs: settings.groupInitialRebalanceDelayMs,
      maxSize: value('group.max.size'),
    },
    offsetsRetentionMs: settings.offsetsRetentionMs,
    offsetsRetentionCheckIntervalMs: value('offsets.retention.check.interval.ms'),
    offsetMetadataMaxBytes: value('offset.metadata.max.bytes'),
  };
}

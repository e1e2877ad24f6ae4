// Kafka 4.3.1's group configs (GroupConfig): the configs of the GROUP config resource, set per group with
// IncrementalAlterConfigs / AlterConfigs (resource type 32). Each has a broker config that gives its
// default (Kafka's ALL_GROUP_CONFIG_SYNONYMS), except share.auto.offset.reset, share.isolation.level and
// share.renew.acknowledge.enable, whose defaults are the group config's own. Types, defaults, ranges and
// order are those of the 4.3.1 jar.
import type { Complaint, TopicConfigDefinition, Validator } from './definitions.ts';
import { atLeast, oneOf } from './validators.ts';

/** A group config and the broker config its default comes from (like a topic config's server default). */
export type GroupConfigDefinition = TopicConfigDefinition;

/** Java's Duration.parse: PnDTnHnMn.nS, sign and letters in any case, at least one part. */
const ISO_DURATION =
  /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i;

/** A duration in milliseconds, or undefined when Java's Duration.parse would refuse the text. */
export function parseIsoDuration(text: string): number | undefined {
  const match = ISO_DURATION.exec(text);
  if (!match || /T$/i.test(text) || /^[-+]?P$/i.test(text)) return undefined;
  const [, sign, days, hours, minutes, seconds, fraction] = match;
  const part = (value: string | undefined) => (value ? Number(value) : 0);
  const fractionMs = fraction ? Number(fraction.padEnd(9, '0').slice(0, 3)) : 0;
  const secondsPart = part(seconds);
  const ms =
    ((part(days) * 24 + part(hours)) * 60 + part(minutes)) * 60_000 +
    secondsPart * 1000 +
    (secondsPart < 0 || seconds?.startsWith('-') ? -fractionMs : fractionMs);
  return sign === '-' ? -ms : ms;
}

/** Where a share group starts reading a partition it has no state for. */
export type ShareAutoOffsetReset =
  | { type: 'earliest' }
  | { type: 'latest' }
  /** The first offset at or after now − durationMs. */
  | { type: 'by_duration'; durationMs: number };

/** Kafka's ShareGroupAutoOffsetResetStrategy.fromString, case-insensitive; undefined when invalid. */
export function parseShareAutoOffsetReset(value: string): ShareAutoOffsetReset | undefined {
  const lower = value.toLowerCase();
  if (lower === 'earliest' || lower === 'latest') return { type: lower };
  if (!lower.startsWith('by_duration:')) return undefined;
  const durationMs = parseIsoDuration(value.slice('by_duration:'.length));
  return durationMs === undefined || durationMs < 0 ? undefined : { type: 'by_duration', durationMs };
}

/** Kafka's ShareGroupAutoOffsetResetStrategy.Validator, with its message. */
const autoOffsetReset: Validator = {
  validValues: '[earliest, latest, by_duration:PnDTnHnMn.nS]',
  check(value, name): Complaint | undefined {
    if (typeof value !== 'string' || parseShareAutoOffsetReset(value)) return undefined;
    return {
      reason: `Invalid value \`${value}\` for configuration ${name}. The value must be either 'earliest', 'latest' or of the format 'by_duration:<PnDTnHnMn.nS>'.`,
    };
  },
};

function group(
  name: string,
  type: GroupConfigDefinition['type'],
  defaultValue: GroupConfigDefinition['default'],
  serverDefault: string | undefined,
  doc: string,
  validator?: Validator,
): GroupConfigDefinition {
  return { name, type, default: defaultValue, validator, importance: 'medium', doc, serverDefault };
}

// biome-ignore format: one definition per line reads as a table
export const GROUP_CONFIGS: readonly GroupConfigDefinition[] = [
  group('consumer.session.timeout.ms', 'int', 45000, 'group.consumer.session.timeout.ms', 'The timeout to detect client failures when using the consumer group protocol.', atLeast(1)),
  group('consumer.heartbeat.interval.ms', 'int', 5000, 'group.consumer.heartbeat.interval.ms', 'The heartbeat interval given to the members of a consumer group.', atLeast(1)),
  group('consumer.assignment.interval.ms', 'int', 1000, 'group.consumer.assignment.interval.ms', 'The interval between assignment updates for a consumer group.', atLeast(0)),
  group('share.session.timeout.ms', 'int', 45000, 'group.share.session.timeout.ms', 'The timeout to detect client failures when using the share group protocol.', atLeast(1)),
  group('share.heartbeat.interval.ms', 'int', 5000, 'group.share.heartbeat.interval.ms', 'The heartbeat interval given to the members of a share group.', atLeast(1)),
  group('share.record.lock.duration.ms', 'int', 30000, 'group.share.record.lock.duration.ms', 'The record acquisition lock duration in milliseconds for share groups.', atLeast(1000)),
  group('share.delivery.count.limit', 'int', 5, 'group.share.delivery.count.limit', 'The maximum number of delivery attempts for a record delivered to a share group.', atLeast(2)),
  group('share.partition.max.record.locks', 'int', 2000, 'group.share.partition.max.record.locks', 'Share-group record lock limit per share-partition.', atLeast(100)),
  group('share.auto.offset.reset', 'string', 'latest', undefined, 'The strategy to initialize the share-partition start offset: earliest, latest, or by_duration:<duration> (ISO8601, PnDTnHnMn.nS, not negative) to start from that long before now.', autoOffsetReset),
  group('share.isolation.level', 'string', 'read_uncommitted', undefined, 'Controls how to read records written transactionally. If set to "read_committed", the share group will only deliver transactional records which have been committed. If set to "read_uncommitted", the share group will return all messages, even transactional messages which have been aborted. Non-transactional records will be returned unconditionally in either mode.', oneOf('read_committed', 'read_uncommitted')),
  group('share.renew.acknowledge.enable', 'boolean', true, undefined, 'Whether the renew acknowledge type is enabled for the share group.'),
  group('share.assignment.interval.ms', 'int', 1000, 'group.share.assignment.interval.ms', 'The interval between assignment updates for a share group.', atLeast(0)),
  group('streams.session.timeout.ms', 'int', 45000, 'group.streams.session.timeout.ms', 'The timeout to detect client failures when using the streams group protocol.', atLeast(1)),
  group('streams.heartbeat.interval.ms', 'int', 5000, 'group.streams.heartbeat.interval.ms', 'The heartbeat interval given to the members.', atLeast(1)),
  group('streams.num.standby.replicas', 'int', 0, 'group.streams.num.standby.replicas', 'The number of standby replicas for each task.', atLeast(0)),
  group('streams.initial.rebalance.delay.ms', 'int', 3000, 'group.streams.initial.rebalance.delay.ms', 'The amount of time the group coordinator will wait for more streams clients to join a new group before performing the first rebalance.', atLeast(0)),
  group('streams.assignment.interval.ms', 'int', 1000, 'group.streams.assignment.interval.ms', 'The interval between assignment updates for a streams group.', atLeast(0)),
];

const BY_NAME = new Map(GROUP_CONFIGS.map((def) => [def.name, def]));

export function groupConfigDefinition(name: string): GroupConfigDefinition | undefined {
  return BY_NAME.get(name);
}

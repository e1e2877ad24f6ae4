// What Kafka 4.3.1 checks in the group coordinator configs beyond each value's own validator, in its order
// and words: GroupCoordinatorConfig loads the assignors and requires the session timeout, heartbeat
// interval and assignment interval within their bounds; then KafkaConfig refuses to disable the classic
// protocol and warns that group.coordinator.rebalance.protocols is deprecated. Kafka runs these at start
// and on every dynamic update, so AlterConfigs refuses what a start would.

import { ConfigError } from '../../common/config-error.ts';
import type { ConfigValue } from './definitions.ts';

/** Kafka's built-in consumer group assignors: the names group.consumer.assignors takes, and their classes. */
const BUILTIN_ASSIGNOR_CLASSES: Readonly<Record<string, string>> = {
  uniform: 'org.apache.kafka.coordinator.group.assignor.UniformAssignor',
  range: 'org.apache.kafka.coordinator.group.assignor.RangeAssignor',
};

/**
 * group.consumer.assignors as assignor names. Kafka takes a built-in name, or loads any other entry as a
 * class; Nagare knows only the built-in classes, and refuses others as Kafka refuses a missing class.
 */
export function consumerGroupAssignors(configured: readonly string[]): string[] {
  return configured.map((entry) => {
    if (Object.hasOwn(BUILTIN_ASSIGNOR_CLASSES, entry)) return entry;
    const name = Object.keys(BUILTIN_ASSIGNOR_CLASSES).find((n) => BUILTIN_ASSIGNOR_CLASSES[n] === entry);
    if (name === undefined)
      throw new ConfigError(`Class ${entry} cannot be found`, 'group.consumer.assignors');
    return name;
  });
}

const CONSUMER = 'group.consumer.';
type Relation = '>=' | '<=' | '<';
const RELATION_WORDS: Record<Relation, string> = {
  '>=': 'greater than or equal to',
  '<=': 'less than or equal to',
  '<': 'less than',
};

/** GroupCoordinatorConfig's requirements on the consumer group configs, in the order Kafka checks them. */
const REQUIREMENTS: readonly [string, Relation, string][] = [
  ['max.heartbeat.interval.ms', '>=', 'min.heartbeat.interval.ms'],
  ['heartbeat.interval.ms', '>=', 'min.heartbeat.interval.ms'],
  ['heartbeat.interval.ms', '<=', 'max.heartbeat.interval.ms'],
  ['max.session.timeout.ms', '>=', 'min.session.timeout.ms'],
  ['session.timeout.ms', '>=', 'min.session.timeout.ms'],
  ['session.timeout.ms', '<=', 'max.session.timeout.ms'],
  ['heartbeat.interval.ms', '<', 'session.timeout.ms'],
  ['max.assignment.interval.ms', '>=', 'min.assignment.interval.ms'],
  ['assignment.interval.ms', '>=', 'min.assignment.interval.ms'],
  ['assignment.interval.ms', '<=', 'max.assignment.interval.ms'],
];

function holds(left: number, relation: Relation, right: number): boolean {
  if (relation === '>=') return left >= right;
  if (relation === '<=') return left <= right;
  return left < right;
}

const PROTOCOLS = 'group.coordinator.rebalance.protocols';
const DEFAULT_PROTOCOLS = ['classic', 'consumer', 'streams'];

function rebalanceProtocols(values: ReadonlyMap<string, ConfigValue>): readonly string[] {
  return values.get(PROTOCOLS) as readonly string[];
}

/** Throws a ConfigError with Kafka's message for the first check the parsed values fail. */
export function checkGroupCoordinatorConfigs(values: ReadonlyMap<string, ConfigValue>): void {
  consumerGroupAssignors(values.get(`${CONSUMER}assignors`) as readonly string[]);
  for (const [left, relation, right] of REQUIREMENTS) {
    const [leftName, rightName] = [CONSUMER + left, CONSUMER + right];
    if (!holds(values.get(leftName) as number, relation, values.get(rightName) as number)) {
      throw new ConfigError(`${leftName} must be ${RELATION_WORDS[relation]} ${rightName}`, leftName);
    }
  }
  if (!rebalanceProtocols(values).includes('classic')) {
    throw new ConfigError("Disabling the 'classic' protocol is not supported.", PROTOCOLS);
  }
}

/** Whether KIP-848 consumer groups are served (ConsumerGroupHeartbeat, ConsumerGroupDescribe). */
export function consumerProtocolEnabled(values: ReadonlyMap<string, ConfigValue>): boolean {
  return rebalanceProtocols(values).includes('consumer');
}

/** KafkaConfig's deprecation warnings, given when group.coordinator.rebalance.protocols is set at all. */
export function rebalanceProtocolsWarnings(
  staticProps: Readonly<Record<string, string>>,
  values: ReadonlyMap<string, ConfigValue>,
): string[] {
  if (!Object.hasOwn(staticProps, PROTOCOLS)) return [];
  const protocols = rebalanceProtocols(values);
  const warnings: string[] = [];
  if (protocols.includes('share')) {
    warnings.push(
      `'share' in \`${PROTOCOLS}\` is deprecated. Share groups are controlled by the 'share.version' feature. This config will be removed in Kafka 5.0.`,
    );
  }
  const disabled = DEFAULT_PROTOCOLS.filter((protocol) => !protocols.includes(protocol));
  warnings.push(
    disabled.length > 0
      ? `The config \`${PROTOCOLS}\` is deprecated and will be removed in Kafka 5.0. The following protocol(s) are currently disabled: ${disabled.join(', ')}. In Kafka 5.0, all protocols will always be enabled and controlled solely by feature versions (group.version, streams.version, share.version) via kafka-features.sh. Please remove the configuration, which will restore all protocols to the default enabled state, to prepare for the upgrade.`
      : `The config \`${PROTOCOLS}\` is deprecated and will be removed in Kafka 5.0. Please remove the configuration to prepare for the upgrade.`,
  );
  return warnings;
}

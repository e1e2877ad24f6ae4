// Group configs (the GROUP config resource): validation of the overrides AlterConfigs sets, as Kafka's
// GroupConfig.validate does (known names, typed values, then the bounds the broker allows), and each
// group's effective values: its overrides over the broker's group.* settings over the configs' defaults.

import { ConfigError } from '../../common/config-error.ts';
import { ERRORS } from '../../protocol/errors.ts';
import type { BrokerConfig } from './broker-config.ts';
import type { ConfigValue } from './definitions.ts';
import { GROUP_CONFIGS, groupConfigDefinition } from './group-definitions.ts';
import { parseConfigValue } from './values.ts';

export type GroupConfigValidation = { ok: true } | { ok: false; errorCode: number; message: string };

type Bound = 'greater than or equal to' | 'less than or equal to';

/**
 * A group config's two bounds, the broker's group.<type>.min.<rest> then group.<type>.max.<rest>, with
 * Kafka's defaults of those settings.
 */
function between(name: string, min: number, max: number): [string, Bound, string, number][] {
  const dot = name.indexOf('.');
  const [type, rest] = [name.slice(0, dot), name.slice(dot + 1)];
  return [
    [name, 'greater than or equal to', `group.${type}.min.${rest}`, min],
    [name, 'less than or equal to', `group.${type}.max.${rest}`, max],
  ];
}

/**
 * Kafka's GroupConfig.validateValues, in its order: each group config within the broker's bounds, then
 * each session timeout above its heartbeat interval. A bound the broker does not define (the streams
 * ones) takes Kafka's default.
 */
const BOUNDS: readonly [string, Bound, string, number][] = [
  ...between('consumer.heartbeat.interval.ms', 5000, 15000),
  ...between('consumer.session.timeout.ms', 45000, 60000),
  ...between('consumer.assignment.interval.ms', 0, 15000),
  ...between('share.heartbeat.interval.ms', 5000, 15000),
  ...between('share.session.timeout.ms', 45000, 60000),
  ...between('share.record.lock.duration.ms', 15000, 60000),
  ...between('share.delivery.count.limit', 2, 10),
  ...between('share.partition.max.record.locks', 100, 4000),
  ...between('share.assignment.interval.ms', 0, 15000),
  ...between('streams.heartbeat.interval.ms', 5000, 15000),
  ...between('streams.session.timeout.ms', 45000, 60000),
  ['streams.num.standby.replicas', 'less than or equal to', 'group.streams.max.standby.replicas', 2],
  ...between('streams.assignment.interval.ms', 0, 15000),
];

const ABOVE_HEARTBEAT: readonly [string, string][] = [
  ['consumer.session.timeout.ms', 'consumer.heartbeat.interval.ms'],
  ['share.session.timeout.ms', 'share.heartbeat.interval.ms'],
  ['streams.session.timeout.ms', 'streams.heartbeat.interval.ms'],
];

function brokerNumber(broker: BrokerConfig, name: string, fallback: number): number {
  const value = broker.values.get(name);
  return typeof value === 'number' ? value : fallback;
}

/** Every group config's value for a group with these overrides (strings as stored). */
export function effectiveGroupValues(
  overrides: Readonly<Record<string, string>>,
  broker: BrokerConfig,
): Map<string, ConfigValue> {
  const values = new Map<string, ConfigValue>();
  for (const def of GROUP_CONFIGS) {
    const raw = overrides[def.name];
    if (raw !== undefined) values.set(def.name, parseConfigValue(def, raw));
    else if (def.serverDefault && broker.values.has(def.serverDefault))
      values.set(def.name, broker.values.get(def.serverDefault)!);
    else values.set(def.name, def.default);
  }
  return values;
}

/** Validates a group's whole set of overrides; the error is INVALID_CONFIG with Kafka's message. */
export function validateGroupConfigs(
  overrides: Readonly<Record<string, string>>,
  broker: BrokerConfig,
): GroupConfigValidation {
  const invalid = (message: string): GroupConfigValidation => ({
    ok: false,
    errorCode: ERRORS.INVALID_CONFIG.code,
    message,
  });
  for (const name of Object.keys(overrides)) {
    if (!groupConfigDefinition(name)) return invalid(`Unknown group config name: ${name}`);
  }
  let values: Map<string, ConfigValue>;
  try {
    values = effectiveGroupValues(overrides, broker);
  } catch (err) {
    if (err instanceof ConfigError) return invalid(err.message);
    throw err;
  }
  const num = (name: string) => values.get(name) as number;
  for (const [name, bound, brokerName, fallback] of BOUNDS) {
    const limit = brokerNumber(broker, brokerName, fallback);
    const value = num(name);
    if (bound === 'greater than or equal to' ? value < limit : value > limit) {
      return invalid(`${name} must be ${bound} ${brokerName}`);
    }
  }
  for (const [session, heartbeat] of ABOVE_HEARTBEAT) {
    if (num(session) <= num(heartbeat)) return invalid(`${session} must be greater than ${heartbeat}`);
  }
  return { ok: true };
}

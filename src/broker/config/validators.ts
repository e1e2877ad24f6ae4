// Kafka's ConfigDef validators (Range, ValidString, ValidList, the compression level and throttled
// replica validators), with Kafka's wording so that errors read the same as Kafka's.
import type { ConfigValue, Validator } from './definitions.ts';

type Bound = number | bigint;

function numeric(value: ConfigValue): Bound | undefined {
  return typeof value === 'number' || typeof value === 'bigint' ? value : undefined;
}

/** Kafka's Range: the value must be >= min and, when given, <= max. null values are left alone. */
function range(min: Bound, max?: Bound): Validator {
  return {
    validValues: max === undefined ? `[${min},...]` : `[${min},...,${max}]`,
    check(value) {
      const n = numeric(value);
      if (n === undefined) return undefined;
      if (n < min) return { reason: `Value must be at least ${min}` };
      if (max !== undefined && n > max) return { reason: `Value must be no more than ${max}` };
      return undefined;
    },
  };
}

export function atLeast(min: Bound): Validator {
  return range(min);
}

export function between(min: Bound, max: Bound): Validator {
  return range(min, max);
}

/** Kafka's ValidString.in: one of the given values, case-sensitive. */
export function oneOf(...allowed: string[]): Validator {
  const reason = `String must be one of: ${allowed.join(', ')}`;
  return {
    validValues: `[${allowed.join(', ')}]`,
    check(value) {
      return typeof value === 'string' && !allowed.includes(value) ? { reason } : undefined;
    },
  };
}

/** Kafka's ValidList.in: every element is one of the given values (an empty list is valid). */
export function listOf(...allowed: string[]): Validator {
  const reason = `String must be one of: ${allowed.join(', ')}`;
  return {
    validValues: `[${allowed.join(', ')}]`,
    check(value) {
      if (!Array.isArray(value)) return undefined;
      const bad = value.find((element) => !allowed.includes(element));
      return bad === undefined ? undefined : { reason, shown: bad };
    },
  };
}

/** The gzip level validator: a level in [min, max], or the codec's default marker. */
export function levelOrDefault(min: number, max: number, defaultLevel: number): Validator {
  return {
    validValues: `[${min},...,${max}] or ${defaultLevel}`,
    check(value) {
      if (typeof value !== 'number' || value === defaultLevel || (value >= min && value <= max))
        return undefined;
      return { reason: `Value must be between ${min} and ${max} or equal to ${defaultLevel}` };
    },
  };
}

const REPLICA = /^(?:\d+:\d+)?$/;

/** leader/follower.replication.throttled.replicas: "*" or partitionId:brokerId pairs. */
export const throttledReplicas: Validator = {
  validValues: '[partitionId]:[brokerId],[partitionId]:[brokerId],...',
  check(value, name) {
    if (!Array.isArray(value)) return undefined;
    const entries = value.map((entry) => entry.trim());
    if (entries.every((entry) => REPLICA.test(entry)) || entries.join('') === '*') return undefined;
    return {
      reason: `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`,
    };
  },
};

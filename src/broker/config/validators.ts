// Kafka's ConfigDef validators (Range, ValidString, ValidList, the compression level and throttled
// replica validators), with Kafka 4.3.1's wording so that errors read the same as Kafka's.
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

/**
 * Kafka's CaseInsensitiveValidString: one of the given (upper-case) values in any case, compared after
 * upper-casing without a locale as Kafka does (Locale.ROOT); the value is kept as written.
 */
export function oneOfIgnoringCase(...allowed: string[]): Validator {
  const reason = `String must be one of (case insensitive): ${allowed.join(', ')}`;
  return {
    validValues: `(case insensitive) [${allowed.join(', ')}]`,
    check(value) {
      return typeof value === 'string' && !allowed.includes(value.toUpperCase()) ? { reason } : undefined;
    },
  };
}

/**
 * Kafka's ValidList: a list whose elements are each non-empty and, when `allowed` names any, one of them
 * (case-sensitive); an empty list is valid only when `emptyAllowed`. Repeated elements were already
 * dropped by the parser (dropsDuplicates), as Kafka's ConfigDef does before validating.
 */
function validList(allowed: readonly string[], emptyAllowed: boolean): Validator {
  const listed = `[${allowed.join(', ')}]`;
  const reason = `String must be one of: ${allowed.join(', ')}`;
  return {
    validValues: allowed.length > 0 ? listed : '',
    dropsDuplicates: true,
    check(value, name) {
      if (!Array.isArray(value)) return undefined;
      if (value.length === 0 && !emptyAllowed) {
        const valid = allowed.length > 0 ? listed : 'any non-empty value';
        return { message: `Configuration '${name}' must not be empty. Valid values include: ${valid}` };
      }
      for (const element of value) {
        if (element === '') return { message: `Configuration '${name}' values must not be empty.` };
        if (allowed.length > 0 && !allowed.includes(element)) return { reason, shown: element };
      }
      return undefined;
    },
  };
}

/** Kafka's ValidList.in(values…): every element is one of the given values; an empty list is valid. */
export function listOf(...allowed: string[]): Validator {
  return validList(allowed, true);
}

/** Kafka's ValidList.in(false, values…): a non-empty list of the given values. */
export function nonEmptyListOf(...allowed: string[]): Validator {
  return validList(allowed, false);
}

/** Kafka's ValidList.anyNonDuplicateValues(false, …): any non-empty list of non-empty elements. */
export const nonEmptyList: Validator = validList([], false);

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

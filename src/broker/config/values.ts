// Parsing and printing config values exactly as Kafka's ConfigDef does (parseType, convertToString),
// so that error messages and DescribeConfigs values match what Kafka users see.

import { ConfigError } from '../../common/config-error.ts';
import type { Complaint, ConfigDefinition, ConfigType, ConfigValue } from './definitions.ts';

const INTEGER = /^[+-]?\d+$/;
// Java's Double.parseDouble, less hexadecimal floats: optional sign, NaN/Infinity, decimal with exponent,
// and the f/d suffixes Java tolerates.
const DOUBLE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
// Kafka splits lists on commas and drops the whitespace around them, keeping empty elements.
const LIST_SEPARATOR = /\s*,\s*/;

/** Kafka's message for a bad value: "Invalid value X for configuration Y: reason". */
export function invalidValueMessage(name: string, shown: string, reason: string): string {
  return `Invalid value ${shown} for configuration ${name}: ${reason}`;
}

/**
 * Parses a raw string (from a properties file, CreateTopics or AlterConfigs) for one definition and runs
 * its validator. Throws a ConfigError whose message is Kafka's.
 */
export function parseConfigValue(def: ConfigDefinition, raw: string): ConfigValue {
  const parsed = parseType(def, raw);
  const value = def.validator?.dropsDuplicates && Array.isArray(parsed) ? [...new Set(parsed)] : parsed;
  const complaint = def.validator?.check(value, def.name);
  if (complaint) throw new ConfigError(complaintMessage(def.name, def.type, value, complaint), def.name);
  return value;
}

/** The whole message of a validator's complaint about `value`, given as configuration `name`. */
export function complaintMessage(
  name: string,
  type: ConfigType,
  value: ConfigValue,
  complaint: Complaint,
): string {
  if ('message' in complaint) return complaint.message;
  return invalidValueMessage(name, complaint.shown ?? messageValue(type, value), complaint.reason);
}

function parseType(def: ConfigDefinition, raw: string): ConfigValue {
  const trimmed = javaTrim(raw);
  const fail = (reason: string) => new ConfigError(invalidValueMessage(def.name, raw, reason), def.name);
  switch (def.type) {
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw fail('Expected value to be either true or false');
    }
    case 'int':
    case 'short':
    case 'long': {
      const bits = def.type === 'int' ? 32n : def.type === 'short' ? 16n : 64n;
      const parsed = INTEGER.test(trimmed) ? BigInt(trimmed) : undefined;
      if (parsed === undefined || parsed < -(2n ** (bits - 1n)) || parsed > 2n ** (bits - 1n) - 1n) {
        throw fail(`Not a number of type ${def.type.toUpperCase()}`);
      }
      return def.type === 'long' ? parsed : Number(parsed);
    }
    case 'double':
      if (!DOUBLE.test(trimmed)) throw fail('Not a number of type DOUBLE');
      return Number.parseFloat(trimmed.replace(/^\+/, ''));
    case 'list':
      return trimmed === '' ? [] : trimmed.split(LIST_SEPARATOR);
    case 'string':
    case 'class':
    case 'password':
      return trimmed;
  }
}

/** Java's String.trim: strips every char up to U+0020 (controls included), not only whitespace. */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

/**
 * Kafka's ConfigDef.convertToString: the text of a value in DescribeConfigs and in synonyms.
 * Lists are comma-joined, longs are exact digits, doubles print like Java's Double.toString.
 */
export function formatConfigValue(type: ConfigType, value: ConfigValue): string | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value.join(',');
  if (type === 'double' && typeof value === 'number') return javaDoubleToString(value);
  return String(value);
}

/** A value as Java's toString prints it inside an error message (lists in brackets, doubles as 2.0). */
function messageValue(type: ConfigType, value: ConfigValue): string {
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  if (type === 'double' && typeof value === 'number') return javaDoubleToString(value);
  return String(value);
}

/** Java's Double.toString: plain notation in [1e-3, 1e7), else d.dddE±n; always a fraction digit. */
export function javaDoubleToString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const plain = String(value);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/**
 * A long as a JS number for the code that uses it (timers, counters, comparisons). Anything beyond
 * 2^53 is hundreds of millennia of milliseconds or more bytes than exist: Kafka's Long.MAX_VALUE means
 * "never"/"unlimited", so it becomes Infinity, which compares the same way.
 */
export function longToNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return Number.POSITIVE_INFINITY;
  if (value < BigInt(Number.MIN_SAFE_INTEGER)) return Number.NEGATIVE_INFINITY;
  return Number(value);
}

const TYPE_WORDS: Record<ConfigType, string> = {
  boolean: 'true or false',
  string: 'a string',
  int: 'a 32-bit integer',
  short: 'a 16-bit integer',
  long: 'a 64-bit integer',
  double: 'a decimal number',
  list: 'a comma-separated list',
  class: 'a class name',
  password: 'a password',
};

/** "how to fix" for a broker config error: the expected type, valid values and the default. */
export function expectation(def: ConfigDefinition): string {
  const valid = def.validator?.validValues ? ` in ${def.validator.validValues}` : '';
  const fallback = formatConfigValue(def.type, def.default);
  const remedy =
    fallback === null ? 'or remove the line' : `or remove the line to use the default (${fallback})`;
  return `set ${def.name} to ${TYPE_WORDS[def.type]}${valid}, ${remedy}`;
}

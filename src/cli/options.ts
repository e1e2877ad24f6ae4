// Parsers of option values, shared by the commands. Each throws commander's InvalidArgumentError, which
// commander turns into a usage error naming the option.
import { type Command, InvalidArgumentError, Option } from 'commander';

export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** A whole number in [min, max]. */
export function integerParser(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `between ${min} and ${max}`;
      throw new InvalidArgumentError(`expected a whole number ${range}.`);
    }
    return n;
  };
}

export const parsePort = integerParser(0, 65535);

/** `key=value`, split at the first '='; the value may be empty, the key may not. */
export function parseKeyValue(value: string): [string, string] {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('expected key=value.');
  return [value.slice(0, at), value.slice(at + 1)];
}

/** Accumulates a repeated option into a list (commander calls it once per occurrence). */
export function collect<T>(parse: (value: string) => T): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => [...(previous ?? []), parse(value)];
}

export const collectKeyValues = collect(parseKeyValue);
export const collectStrings = collect((value: string) => value);

/** key=value pairs as an object; a repeated key keeps its last value, as in a properties file. */
export function keyValueObject(pairs: readonly [string, string][] = []): Record<string, string> {
  return Object.fromEntries(pairs);
}

/** HOST:PORT[,HOST:PORT…], each with a port; IPv6 hosts in brackets. */
export function parseBootstrap(value: string): string[] {
  const servers = value
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server !== '');
  if (servers.length === 0) throw new InvalidArgumentError('expected HOST:PORT, e.g. 127.0.0.1:9092.');
  for (const server of servers) {
    const match = /^(\[[0-9a-fA-F:.%\w]+\]|[^:[\]\s]+):(\d+)$/.exec(server);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      throw new InvalidArgumentError(`'${server}' is not HOST:PORT, e.g. 127.0.0.1:9092.`);
    }
  }
  return servers;
}

/** `-b, --bootstrap-server`, defaulting to $NAGARE_BOOTSTRAP, then 127.0.0.1:9092. */
export function addBootstrapOption(command: Command): Command {
  return command.addOption(
    new Option('-b, --bootstrap-server <host:port>', 'broker to connect to (comma-separated list allowed)')
      .env('NAGARE_BOOTSTRAP')
      .default(parseBootstrap(DEFAULT_BOOTSTRAP), DEFAULT_BOOTSTRAP)
      .argParser(parseBootstrap),
  );
}

/** Epoch milliseconds, or an ISO 8601 date-time such as 2025-01-31T12:00:00Z. */
export function parseTimestamp(value: string): bigint {
  if (/^\d+$/.test(value.trim())) return BigInt(value.trim());
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      'expected epoch milliseconds or an ISO date-time, e.g. 2025-01-31T12:00:00Z.',
    );
  }
  return BigInt(ms);
}

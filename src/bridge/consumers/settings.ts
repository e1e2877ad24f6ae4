// A consumer instance's settings: the creation request's body over the bridge's kafka.consumer.* (and
// kafka.*) properties over Kafka's defaults, under the Java client's names. Pure. Invalid values are
// refused with 422 and the messages Strimzi relays from Kafka's ConfigException (its ConsumerIT pins
// them), an unknown format with its "Invalid format type.".
import { EMBEDDED_FORMATS, type EmbeddedFormat } from '../content-types.ts';
import { unprocessable } from '../errors.ts';

export type OffsetReset = 'earliest' | 'latest' | 'none';

export interface ConsumerSettings {
  format: EmbeddedFormat;
  autoOffsetReset: OffsetReset;
  enableAutoCommit: boolean;
  isolationLevel: 'read_uncommitted' | 'read_committed';
  fetchMinBytes: number;
  fetchMaxWaitMs: number;
  fetchMaxBytes: number;
  maxPartitionFetchBytes: number;
  maxPollRecords: number;
  requestTimeoutMs: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
}

/** The body of POST /consumers/{groupid}, as its schema admits it. */
export interface CreateConsumerBody {
  name?: string;
  format?: string;
  'auto.offset.reset'?: string;
  'enable.auto.commit'?: boolean;
  'fetch.min.bytes'?: number;
  'consumer.request.timeout.ms'?: number;
  'isolation.level'?: string;
}

/** The Java consumer's defaults for what the bridge acts on. */
const DEFAULTS: Record<string, string> = {
  'auto.offset.reset': 'latest',
  'enable.auto.commit': 'true',
  'isolation.level': 'read_uncommitted',
  'fetch.min.bytes': '1',
  'fetch.max.wait.ms': '500',
  'fetch.max.bytes': '52428800',
  'max.partition.fetch.bytes': '1048576',
  'max.poll.records': '500',
  'request.timeout.ms': '30000',
  'session.timeout.ms': '45000',
  'heartbeat.interval.ms': '3000',
};

/** The consumer properties this module reads (the others are the client's, see kafka-options.ts). */
export const CONSUMER_PROPERTIES = Object.keys(DEFAULTS);

/**
 * Settings for one instance: `configured` are the bridge's consumer properties (kafka.* and
 * kafka.consumer.*, prefixes removed), `body` the creation request's.
 */
export function consumerSettings(
  configured: Record<string, string>,
  body: CreateConsumerBody,
): ConsumerSettings {
  const format = consumerFormat(body);
  const props: Record<string, string> = { ...DEFAULTS };
  for (const name of CONSUMER_PROPERTIES) if (configured[name] !== undefined) props[name] = configured[name];
  const fromBody: [string, unknown][] = [
    ['auto.offset.reset', body['auto.offset.reset']],
    ['enable.auto.commit', body['enable.auto.commit']],
    ['isolation.level', body['isolation.level']],
    ['fetch.min.bytes', body['fetch.min.bytes']],
    ['request.timeout.ms', body['consumer.request.timeout.ms']],
  ];
  for (const [name, value] of fromBody) if (value !== undefined) props[name] = String(value);
  return {
    format,
    autoOffsetReset: offsetReset(props['auto.offset.reset']),
    enableAutoCommit: bool('enable.auto.commit', props['enable.auto.commit']),
    isolationLevel: oneOf('isolation.level', props['isolation.level'], [
      'read_committed',
      'read_uncommitted',
    ]),
    fetchMinBytes: atLeast('fetch.min.bytes', props['fetch.min.bytes'], 0),
    fetchMaxWaitMs: atLeast('fetch.max.wait.ms', props['fetch.max.wait.ms'], 0),
    fetchMaxBytes: atLeast('fetch.max.bytes', props['fetch.max.bytes'], 0),
    maxPartitionFetchBytes: atLeast('max.partition.fetch.bytes', props['max.partition.fetch.bytes'], 0),
    maxPollRecords: atLeast('max.poll.records', props['max.poll.records'], 1),
    requestTimeoutMs: atLeast('request.timeout.ms', props['request.timeout.ms'], 0),
    sessionTimeoutMs: atLeast('session.timeout.ms', props['session.timeout.ms'], 0),
    heartbeatIntervalMs: atLeast('heartbeat.interval.ms', props['heartbeat.interval.ms'], 0),
  };
}

/** The body's embedded format (binary when absent); Strimzi checks it before anything else. */
export function consumerFormat(body: CreateConsumerBody): EmbeddedFormat {
  const format = body.format ?? 'binary';
  if (!EMBEDDED_FORMATS.includes(format as EmbeddedFormat)) throw unprocessable('Invalid format type.');
  return format as EmbeddedFormat;
}

function offsetReset(value: string): OffsetReset {
  if (value === 'earliest' || value === 'latest' || value === 'none') return value;
  // Kafka's own wording, twice over as in its ConfigException; by_duration is not supported here.
  throw invalidValue(
    'auto.offset.reset',
    value,
    `Invalid value \`${value}\` for configuration auto.offset.reset. The value must be either 'earliest', 'latest', 'none' or of the format 'by_duration:<PnDTnHnMn.nS.>'.`,
  );
}

function oneOf<T extends string>(name: string, value: string, allowed: T[]): T {
  if ((allowed as string[]).includes(value)) return value as T;
  throw invalidValue(name, value, `String must be one of: ${allowed.join(', ')}`);
}

function bool(name: string, value: string): boolean {
  const lower = value.trim().toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  throw invalidValue(name, value, 'Expected value to be either true or false');
}

function atLeast(name: string, value: string, min: number): number {
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n)) throw invalidValue(name, value, 'Not a number of type INT');
  if (n < min) throw invalidValue(name, value, `Value must be at least ${min}`);
  return n;
}

function invalidValue(name: string, value: string, reason: string) {
  return unprocessable(`Invalid value ${value} for configuration ${name}: ${reason}`);
}

// Kafka client properties (Java names, as under kafka.* / kafka.producer.* in the bridge's file) turned
// into @platformatic/kafka options. Only properties with a counterpart in the library are mapped; the
// rest are reported back so the bridge can say, once, that they have no effect.
import type { BaseOptions, ProduceOptions, SASLOptions } from '@platformatic/kafka';
import { type BridgeConfig, BridgeConfigError } from './config.ts';

export interface MappedOptions<T> {
  options: T;
  /** Property names (as the user wrote them, with their prefix) this bridge does not act on. */
  ignored: string[];
}

const ACKS: Record<string, -1 | 0 | 1> = { all: -1, '-1': -1, '0': 0, '1': 1 };
const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
type Compression = (typeof COMPRESSIONS)[number];

/** Options shared by every client of the bridge, plus the client's own (`kind` = producer, consumer, admin). */
export function baseClientOptions(
  config: BridgeConfig,
  kind: 'producer' | 'consumer' | 'admin',
): MappedOptions<BaseOptions> & { own: Record<string, string> } {
  // A client's own properties win over the shared ones, as in Strimzi, which merges kafka.* into each.
  const props = { ...config.kafka.common, ...config.kafka[kind] };
  const options: BaseOptions = {
    clientId: props['client.id'] ?? `${config.bridgeId ?? 'nagare-bridge'}-${kind}`,
    bootstrapBrokers: config.kafka.bootstrapServers,
  };
  const ignored: string[] = [];
  const own: Record<string, string> = {};
  for (const [name, value] of Object.entries(props)) {
    const prefixed = name in config.kafka[kind] ? `kafka.${kind}.${name}` : `kafka.${name}`;
    switch (name) {
      case 'client.id':
      case 'sasl.mechanism':
      case 'sasl.jaas.config':
        break;
      case 'request.timeout.ms':
        options.timeout = nonNegative(prefixed, value);
        break;
      case 'socket.connection.setup.timeout.ms':
        options.connectTimeout = nonNegative(prefixed, value);
        break;
      case 'retries':
        options.retries = nonNegative(prefixed, value);
        break;
      case 'retry.backoff.ms':
        options.retryDelay = nonNegative(prefixed, value);
        break;
      case 'metadata.max.age.ms':
        options.metadataMaxAge = nonNegative(prefixed, value);
        break;
      case 'security.protocol':
        applySecurity(options, prefixed, value, props);
        break;
      default:
        own[name] = value;
        ignored.push(prefixed);
    }
  }
  return { options, ignored, own };
}

/** The long-lived producer's options: the shared ones plus acks, compression and idempotence. */
export function producerOptions(
  config: BridgeConfig,
): MappedOptions<BaseOptions & ProduceOptions<Buffer, Buffer, Buffer, Buffer>> {
  const base = baseClientOptions(config, 'producer');
  const options: BaseOptions & ProduceOptions<Buffer, Buffer, Buffer, Buffer> = { ...base.options };
  const ignored: string[] = [];
  for (const [name, value] of Object.entries(base.own)) {
    const prefixed = name in config.kafka.producer ? `kafka.producer.${name}` : `kafka.${name}`;
    if (name === 'acks') {
      const acks = ACKS[value.toLowerCase()];
      if (acks === undefined) throw invalid(prefixed, value, 'all, -1, 0 or 1');
      options.acks = acks;
    } else if (name === 'compression.type') {
      if (!COMPRESSIONS.includes(value as Compression))
        throw invalid(prefixed, value, COMPRESSIONS.join(', '));
      options.compression = value as Compression;
    } else if (name === 'enable.idempotence') {
      if (value !== 'true' && value !== 'false') throw invalid(prefixed, value, 'true or false');
      options.idempotent = value === 'true';
    } else {
      ignored.push(prefixed);
    }
  }
  // Kafka's producers default to acks=all; the library to acks=all too, said here so it never drifts.
  options.acks ??= -1;
  // As in the Java client (KIP-679), idempotence is on unless turned off or acks is not all: without it
  // a produce retried after a lost answer is written twice.
  if (options.idempotent === true && options.acks !== -1) {
    const name =
      'enable.idempotence' in config.kafka.producer
        ? 'kafka.producer.enable.idempotence'
        : 'kafka.enable.idempotence';
    throw new BridgeConfigError(
      `${name}: 'true' needs acks=all (-1): set kafka.producer.acks=all, or enable.idempotence=false`,
    );
  }
  options.idempotent ??= options.acks === -1;
  return { options, ignored };
}

function applySecurity(
  options: BaseOptions,
  name: string,
  value: string,
  props: Record<string, string>,
): void {
  const protocol = value.toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) {
    throw invalid(name, value, 'PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL');
  }
  if (protocol.endsWith('SSL')) options.tls = {};
  if (protocol.startsWith('SASL')) options.sasl = saslOptions(props);
}

/** SASL PLAIN / SCRAM from sasl.mechanism and the username/password of sasl.jaas.config. */
export function saslOptions(props: Record<string, string>): SASLOptions {
  const mechanism = (props['sasl.mechanism'] ?? 'GSSAPI').toUpperCase();
  if (!['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mechanism)) {
    throw invalid('kafka.sasl.mechanism', mechanism, 'PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512');
  }
  const jaas = props['sasl.jaas.config'] ?? '';
  const field = (key: string) => new RegExp(`${key}\\s*=\\s*"([^"]*)"`).exec(jaas)?.[1];
  const username = field('username');
  const password = field('password');
  if (username === undefined || password === undefined) {
    throw new BridgeConfigError(
      'kafka.sasl.jaas.config: expected a login module with username="…" and password="…"',
    );
  }
  return { mechanism: mechanism as SASLOptions['mechanism'], username, password };
}

function nonNegative(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw invalid(name, value, 'a non-negative integer');
  return Number(value);
}

function invalid(name: string, value: string, expected: string): BridgeConfigError {
  return new BridgeConfigError(`${name}: '${value}' is not valid: expected ${expected}`);
}

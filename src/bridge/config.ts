// The bridge's configuration, under the Strimzi Kafka Bridge's property names so that its users' files
// work unchanged: bridge.*, kafka.* (shared by every client), kafka.producer.*, kafka.consumer.*,
// kafka.admin.*, and http.*. As in Strimzi, a properties file is read first and then every environment
// variable whose name is a property name (e.g. `http.port=8090`) overrides it.
import { z } from 'zod';
import { loadProperties } from '../common/java-properties.ts';
import { type BridgeTlsConfig, openSslCipherSuites, type PemSource, protocolRange } from './tls.ts';

export interface CorsConfig {
  enabled: boolean;
  /** `*` (any origin) or, as in Strimzi, a regular expression an allowed origin matches whole. */
  allowedOrigins: string;
  allowedMethods: string[];
}

export interface BridgeConfig {
  bridgeId: string | undefined;
  kafka: {
    bootstrapServers: string[];
    /** kafka.* properties that belong to no single client, prefix removed (`client.id`, `security.protocol`…). */
    common: Record<string, string>;
    producer: Record<string, string>;
    consumer: Record<string, string>;
    admin: Record<string, string>;
  };
  http: {
    host: string;
    port: number;
    managementPort: number;
    /** http.timeoutSeconds: a consumer instance idle this long is deleted; -1 keeps it forever. */
    consumerTimeoutSeconds: number;
    consumerEnabled: boolean;
    producerEnabled: boolean;
    cors: CorsConfig;
    /** http.ssl.*: TLS on the API port (the management port stays plain, as in Strimzi). */
    tls: BridgeTlsConfig | undefined;
  };
  /** Sharing consumer instances between the replicas of one deployment (replicas/), off without a url. */
  replica: {
    /** bridge.replica.url: this replica's base URL as the other replicas reach it. */
    url: string | undefined;
    /** bridge.replica.topic: the compacted topic recording which replica holds which instance. */
    topic: string;
  };
}

export class BridgeConfigError extends Error {
  override name = 'BridgeConfigError';
}

/** Strimzi's defaults (its HttpConfig and application.properties). */
export const BRIDGE_DEFAULTS = {
  'kafka.bootstrap.servers': 'localhost:9092',
  'http.host': '0.0.0.0',
  'http.port': '8080',
  'http.management.port': '8081',
  'http.timeoutSeconds': '-1',
  'http.consumer.enabled': 'true',
  'http.producer.enabled': 'true',
  'http.cors.enabled': 'false',
  'http.cors.allowedOrigins': '*',
  'http.cors.allowedMethods': 'GET,POST,PUT,DELETE,OPTIONS,PATCH',
  'http.ssl.enable': 'false',
  'http.ssl.enabled.protocols': 'TLSv1.2,TLSv1.3',
  'bridge.replica.topic': '__nagare_bridge_instances',
} as const;

/** Strimzi's API port when http.ssl.enable is on and http.port is not set. */
const DEFAULT_HTTPS_PORT = '8443';

const PREFIXES = ['bridge.', 'kafka.', 'http.'];

const port = z
  .string()
  .regex(/^\d+$/, 'expected an integer from 0 to 65535')
  .transform(Number)
  .pipe(z.number().max(65535, 'expected an integer from 0 to 65535'));
const bool = z.enum(['true', 'false'], 'expected true or false').transform((v) => v === 'true');
const list = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  )
  .pipe(z.array(z.string()).min(1, 'expected a comma-separated list with at least one entry'));

/** One zod schema per property the bridge itself reads; the raw value is a string, as in the file. */
const PROPERTY_SCHEMAS = {
  'kafka.bootstrap.servers': list.pipe(
    z.array(z.string().regex(/^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/, 'expected host:port entries')),
  ),
  'http.host': z.string().min(1, 'expected a host name or address'),
  'http.port': port,
  'http.management.port': port,
  'http.timeoutSeconds': z
    .string()
    .regex(/^-?\d+$/, 'expected a whole number of seconds (-1 = never)')
    .transform(Number)
    .pipe(z.number().min(-1, 'expected a whole number of seconds (-1 = never)')),
  'http.consumer.enabled': bool,
  'http.producer.enabled': bool,
  'http.cors.enabled': bool,
  'http.cors.allowedOrigins': z
    .string()
    .refine(isOriginPattern, 'expected * or a regular expression matching origins'),
  'http.cors.allowedMethods': list,
  'http.ssl.enable': bool,
  'http.ssl.enabled.protocols': list,
  'bridge.replica.url': z
    .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
    .optional(),
  'bridge.replica.topic': z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'expected a Kafka topic name'),
} as const;

type Parsed = { [K in keyof typeof PROPERTY_SCHEMAS]: z.output<(typeof PROPERTY_SCHEMAS)[K]> };

/**
 * Validates raw properties (file and environment already merged) into a BridgeConfig. Throws a
 * BridgeConfigError naming the property, the value and what is expected.
 */
export function bridgeConfigFromProperties(props: Record<string, string>): BridgeConfig {
  const httpsPort = props['http.ssl.enable'] === 'true' ? { 'http.port': DEFAULT_HTTPS_PORT } : {};
  const merged: Record<string, string> = { ...BRIDGE_DEFAULTS, ...httpsPort, ...props };
  const parsed = {} as Record<string, unknown>;
  for (const [name, schema] of Object.entries(PROPERTY_SCHEMAS)) {
    const value = merged[name];
    const result = schema.safeParse(value);
    if (!result.success) {
      const expected = result.error.issues[0]?.message ?? 'invalid value';
      throw new BridgeConfigError(`${name}: '${value}' is not valid: ${expected}`);
    }
    parsed[name] = result.data;
  }
  const p = parsed as Parsed;
  return {
    bridgeId: merged['bridge.id'],
    kafka: {
      bootstrapServers: p['kafka.bootstrap.servers'],
      common: withPrefix(merged, 'kafka.', [
        'kafka.producer.',
        'kafka.consumer.',
        'kafka.admin.',
        'kafka.bootstrap.servers',
      ]),
      producer: withPrefix(merged, 'kafka.producer.'),
      consumer: withPrefix(merged, 'kafka.consumer.'),
      admin: withPrefix(merged, 'kafka.admin.'),
    },
    http: {
      host: p['http.host'],
      port: p['http.port'],
      managementPort: p['http.management.port'],
      consumerTimeoutSeconds: p['http.timeoutSeconds'],
      consumerEnabled: p['http.consumer.enabled'],
      producerEnabled: p['http.producer.enabled'],
      cors: {
        enabled: p['http.cors.enabled'],
        allowedOrigins: p['http.cors.allowedOrigins'],
        allowedMethods: p['http.cors.allowedMethods'],
      },
      tls: p['http.ssl.enable'] ? tlsConfig(merged, p['http.ssl.enabled.protocols']) : undefined,
    },
    replica: { url: p['bridge.replica.url'], topic: p['bridge.replica.topic'] },
  };
}

/**
 * http.ssl.*: the certificate and key as files (…certificate.location, …key.location) or inline PEM
 * (…certificate, …key), one pair or the other, as in Strimzi, which only logs when neither is complete;
 * here the bridge refuses to start instead of serving TLS without a certificate.
 */
function tlsConfig(props: Record<string, string>, protocols: string[]): BridgeTlsConfig {
  const pem = (location: string, inline: string): PemSource | undefined => {
    const path = props[location];
    const value = props[inline];
    return path ? { path } : value ? { pem: value } : undefined;
  };
  const certificate = pem('http.ssl.certificate.location', 'http.ssl.certificate');
  const key = pem('http.ssl.key.location', 'http.ssl.key');
  if (!certificate || !key) {
    throw new BridgeConfigError(
      'http.ssl.enable is true but the certificate or key is missing: set http.ssl.certificate.location and http.ssl.key.location (PEM files), or http.ssl.certificate and http.ssl.key (PEM text)',
    );
  }
  const property = (name: string, check: () => void) => {
    try {
      check();
    } catch (err) {
      throw new BridgeConfigError(`${name}: '${props[name]}' is not valid: ${(err as Error).message}`);
    }
  };
  property('http.ssl.enabled.protocols', () => protocolRange(protocols));
  const suites = props['http.ssl.enabled.cipher.suites'];
  let cipherSuites: string[] | undefined;
  if (suites !== undefined) {
    property('http.ssl.enabled.cipher.suites', () => {
      cipherSuites = openSslCipherSuites(
        suites
          .split(',')
          .map((suite) => suite.trim())
          .filter(Boolean),
      );
    });
  }
  return { certificate, key, protocols: protocols as BridgeTlsConfig['protocols'], cipherSuites };
}

function isOriginPattern(value: string): boolean {
  if (value === '*') return true;
  try {
    new RegExp(value);
    return value.length > 0;
  } catch {
    return false;
  }
}

/**
 * The environment variables Strimzi would take as properties: those named like one (bridge.*, kafka.*,
 * http.*); and BRIDGE_REPLICA_URL for bridge.replica.url, a name a shell or a pod spec's
 * `value: http://$(POD_IP):8080` can set, unless bridge.replica.url itself is set.
 */
export function propertiesFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  if (env.BRIDGE_REPLICA_URL !== undefined) result['bridge.replica.url'] = env.BRIDGE_REPLICA_URL;
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && PREFIXES.some((prefix) => name.startsWith(prefix))) result[name] = value;
  }
  return result;
}

/** Reads the properties file, lets the environment override it, and validates the result. */
export async function loadBridgeConfig(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BridgeConfig> {
  let fromFile: Record<string, string>;
  try {
    fromFile = await loadProperties(path);
  } catch (err) {
    throw new BridgeConfigError((err as Error).message, { cause: err });
  }
  return bridgeConfigFromProperties({ ...fromFile, ...propertiesFromEnv(env) });
}

/** Properties under `prefix`, with the prefix removed, leaving out keys under any of `exclude`. */
function withPrefix(
  props: Record<string, string>,
  prefix: string,
  exclude: string[] = [],
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(props)) {
    if (!name.startsWith(prefix) || exclude.some((other) => name.startsWith(other))) continue;
    result[name.slice(prefix.length)] = value;
  }
  return result;
}

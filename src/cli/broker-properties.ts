// The Kafka-style properties `nagare dev` and `nagare broker` hand to the broker.
import { FSYNC_ON_APPEND } from '../broker/config/broker-definitions.ts';
import { CliError } from './errors.ts';

export interface DevSettings {
  dataDir: string;
  host: string;
  /** The host clients are told to connect to, when it differs from `host`. */
  advertisedHost?: string;
  port: number;
  durable: boolean;
}

const WILDCARD_HOSTS = ['0.0.0.0', '::', '[::]', ''];

/** A listener address; IPv6 literals go in brackets. */
function endpoint(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `nagare dev`: one plaintext listener, the data folder as the log dir, fsync on append when durable. */
export function devProperties(settings: DevSettings): Record<string, string> {
  const props: Record<string, string> = {
    listeners: `PLAINTEXT://${endpoint(settings.host, settings.port)}`,
    'log.dirs': settings.dataDir,
  };
  if (settings.advertisedHost !== undefined) {
    // Port 0 in an advertised listener stands for the port actually bound.
    props['advertised.listeners'] = `PLAINTEXT://${endpoint(settings.advertisedHost, settings.port)}`;
  } else if (WILDCARD_HOSTS.includes(settings.host)) {
    throw new CliError(
      `--host ${settings.host} listens on every interface, which clients cannot connect to by that address: pass --advertised-host with the name or IP clients should use`,
      2,
    );
  }
  if (settings.durable) props[FSYNC_ON_APPEND] = 'true';
  return props;
}

/**
 * `nagare broker`: the config file's properties with the --override ones on top. Listeners default as in
 * Kafka (PLAINTEXT://:9092), but a log directory must be named: Kafka's fallback, /tmp/kafka-logs, puts
 * data where the OS deletes it and where a real Kafka may keep its own.
 */
export function brokerProperties(
  fileProps: Readonly<Record<string, string>>,
  overrides: Readonly<Record<string, string>>,
): Record<string, string> {
  const props = { ...fileProps, ...overrides };
  if (props['log.dirs'] === undefined && props['log.dir'] === undefined) {
    throw new CliError(
      "no log directory configured: set log.dirs in the config file or pass --override log.dirs=DIR (Nagare does not fall back to Kafka's /tmp/kafka-logs)",
      2,
    );
  }
  return props;
}

// `listeners`, `advertised.listeners` and `listener.security.protocol.map`, parsed with Kafka's rules:
// NAME://host:port entries, names case-insensitive (upper-cased), IPv6 hosts in brackets, an empty host
// for all interfaces, port 0 for an ephemeral port, and one security protocol per listener name.
import { isIP } from 'node:net';
import { ConfigError } from '../../common/config-error.ts';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export interface Listener {
  /** Listener name, upper-cased like Kafka's ListenerName.normalised. */
  name: string;
  /** Host or IP (IPv6 without brackets); '' binds all interfaces (Kafka's null host). */
  host: string;
  /** 0 means an ephemeral port; an advertised port 0 stands for the port actually bound. */
  port: number;
  securityProtocol: SecurityProtocol;
}

// Kafka's SocketServerConfigs.URI_PARSE_REGEXP.
const ENDPOINT = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/;
const LIST_SEPARATOR = /\s*,\s*/;

function fail(configName: string, value: string, reason: string): ConfigError {
  return new ConfigError(`Invalid value ${value} for configuration ${configName}: ${reason}`, configName);
}

/** listener.security.protocol.map: "NAME:PROTOCOL,…" → upper-cased name → protocol. */
export function parseSecurityProtocolMap(value: string): Map<string, SecurityProtocol> {
  const configName = 'listener.security.protocol.map';
  const map = new Map<string, SecurityProtocol>();
  const trimmed = value.trim();
  if (trimmed === '') return map;
  for (const entry of trimmed.split(LIST_SEPARATOR)) {
    const colon = entry.indexOf(':');
    if (colon <= 0) {
      throw fail(configName, value, `entry "${entry}" is not NAME:PROTOCOL (e.g. PLAINTEXT:PLAINTEXT)`);
    }
    const protocol = entry
      .slice(colon + 1)
      .trim()
      .toUpperCase();
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) {
      throw fail(
        configName,
        value,
        `Invalid security protocol \`${entry.slice(colon + 1).trim()}\`; expected one of ${SECURITY_PROTOCOLS.join(', ')}`,
      );
    }
    map.set(entry.slice(0, colon).trim().toUpperCase(), protocol as SecurityProtocol);
  }
  return map;
}

/**
 * Parses a listener list. `requireDistinctPorts` is Kafka's rule for `listeners` (two listeners may
 * share a non-zero port only as one IPv4 and one IPv6 address); advertised listeners may share ports.
 */
export function parseListeners(
  configName: string,
  value: string,
  protocols: ReadonlyMap<string, SecurityProtocol>,
  requireDistinctPorts: boolean,
): Listener[] {
  const trimmed = value.trim();
  const entries = trimmed === '' ? [] : trimmed.split(LIST_SEPARATOR);
  const listeners = entries.map((entry) => parseEndpoint(configName, value, entry, protocols));
  const names = new Set<string>();
  for (const listener of listeners) {
    if (names.has(listener.name)) {
      throw fail(
        configName,
        value,
        `Each listener must have a different name, but ${listener.name} appears twice`,
      );
    }
    names.add(listener.name);
  }
  if (requireDistinctPorts) checkDistinctPorts(configName, value, listeners);
  return listeners;
}

function parseEndpoint(
  configName: string,
  value: string,
  entry: string,
  protocols: ReadonlyMap<string, SecurityProtocol>,
): Listener {
  const match = ENDPOINT.exec(entry);
  if (!match) {
    throw fail(
      configName,
      value,
      `Unable to parse ${entry} to a broker endpoint; expected NAME://host:port, e.g. PLAINTEXT://:9092`,
    );
  }
  const [, rawName, host, rawPort] = match;
  if (rawName.trim() === '') throw fail(configName, value, `listener ${entry} has an empty name`);
  const name = rawName.toUpperCase();
  const port = Number(rawPort);
  // Kafka takes any int here and fails later when binding; say so now.
  if (!Number.isSafeInteger(port) || port < 0 || port > 65535) {
    throw fail(
      configName,
      value,
      `port ${rawPort} of listener ${name} is not in [0,...,65535] (0 means any free port)`,
    );
  }
  const securityProtocol = protocols.get(name);
  if (!securityProtocol) {
    throw fail(
      configName,
      value,
      `No security protocol defined for listener ${name}; add ${name}:PLAINTEXT (or SSL, SASL_PLAINTEXT, SASL_SSL) to listener.security.protocol.map`,
    );
  }
  return { name, host, port, securityProtocol };
}

function checkDistinctPorts(configName: string, value: string, listeners: Listener[]): void {
  const byPort = new Map<number, Listener[]>();
  for (const listener of listeners) {
    if (listener.port === 0) continue; // every port-0 listener gets its own ephemeral port
    byPort.set(listener.port, [...(byPort.get(listener.port) ?? []), listener]);
  }
  for (const [port, sharing] of byPort) {
    if (sharing.length < 2) continue;
    const families = sharing.map((listener) => isIP(listener.host));
    const ipv4AndIpv6 = sharing.length === 2 && families.includes(4) && families.includes(6);
    if (!ipv4AndIpv6) {
      throw fail(
        configName,
        value,
        `Each listener must have a different port unless exactly one listener has an IPv4 address and the other an IPv6 address, but port ${port} is used by ${sharing.map((l) => l.name).join(', ')}`,
      );
    }
  }
}

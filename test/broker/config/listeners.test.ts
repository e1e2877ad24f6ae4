import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBrokerConfig } from '../../../src/broker/config/broker-config.ts';
import { parseListeners, parseSecurityProtocolMap } from '../../../src/broker/config/listeners.ts';

const DEFAULT_MAP = parseSecurityProtocolMap(
  'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT',
);

function listeners(value: string, distinctPorts = true) {
  return parseListeners('listeners', value, DEFAULT_MAP, distinctPorts);
}

describe('parseListeners', () => {
  test('NAME://host:port, an empty host for all interfaces, names upper-cased', () => {
    assert.deepEqual(listeners('plaintext://:9092, SSL://broker.example.com:9093'), [
      { name: 'PLAINTEXT', host: '', port: 9092, securityProtocol: 'PLAINTEXT' },
      { name: 'SSL', host: 'broker.example.com', port: 9093, securityProtocol: 'SSL' },
    ]);
  });

  test('IPv6 with or without brackets, IPv4, underscores in host names', () => {
    assert.equal(listeners('PLAINTEXT://[::1]:9092')[0].host, '::1');
    assert.equal(listeners('PLAINTEXT://::1:9092')[0].host, '::1');
    assert.equal(listeners('PLAINTEXT://127.0.0.1:9092')[0].host, '127.0.0.1');
    assert.equal(listeners('PLAINTEXT://host_name:9092')[0].host, 'host_name');
  });

  test('port 0 (ephemeral) may appear on several listeners', () => {
    assert.deepEqual(
      listeners('PLAINTEXT://:0,SSL://:0').map((l) => l.port),
      [0, 0],
    );
  });

  test('two listeners share a port only as one IPv4 and one IPv6 address', () => {
    assert.equal(listeners('PLAINTEXT://127.0.0.1:9092,SSL://[::1]:9092').length, 2);
    assert.throws(
      () => listeners('PLAINTEXT://:9092,SSL://:9092'),
      /^ConfigError: Invalid value PLAINTEXT:\/\/:9092,SSL:\/\/:9092 for configuration listeners: Each listener must have a different port unless exactly one listener has an IPv4 address and the other an IPv6 address, but port 9092 is used by PLAINTEXT, SSL$/,
    );
    assert.equal(listeners('PLAINTEXT://:9092,SSL://:9092', false).length, 2);
  });

  test('each name once', () => {
    assert.throws(
      () => listeners('PLAINTEXT://:9092,plaintext://:9093'),
      /Each listener must have a different name, but PLAINTEXT appears twice/,
    );
  });

  test('malformed entries, bad ports and unmapped names are precise errors', () => {
    assert.throws(
      () => listeners('PLAINTEXT://host'),
      /^ConfigError: Invalid value PLAINTEXT:\/\/host for configuration listeners: Unable to parse PLAINTEXT:\/\/host to a broker endpoint; expected NAME:\/\/host:port, e.g. PLAINTEXT:\/\/:9092$/,
    );
    assert.throws(
      () => listeners('PLAINTEXT://:abc'),
      /Unable to parse PLAINTEXT:\/\/:abc to a broker endpoint/,
    );
    assert.throws(() => listeners('PLAINTEXT:// :9092'), /Unable to parse/);
    assert.throws(
      () => listeners('PLAINTEXT://:70000'),
      /port 70000 of listener PLAINTEXT is not in \[0,\.\.\.,65535\]/,
    );
    assert.throws(() => listeners('PLAINTEXT://:-1'), /port -1 of listener PLAINTEXT is not in/);
    assert.throws(
      () => listeners('FOO://:9092'),
      /No security protocol defined for listener FOO; add FOO:PLAINTEXT \(or SSL, SASL_PLAINTEXT, SASL_SSL\) to listener\.security\.protocol\.map/,
    );
    assert.throws(() => listeners('://:9092'), /listener :\/\/:9092 has an empty name/);
  });
});

describe('parseSecurityProtocolMap', () => {
  test('NAME:PROTOCOL pairs, case-insensitive', () => {
    assert.deepEqual(
      [...parseSecurityProtocolMap(' internal:plaintext , EXTERNAL : SASL_SSL ')],
      [
        ['INTERNAL', 'PLAINTEXT'],
        ['EXTERNAL', 'SASL_SSL'],
      ],
    );
    assert.equal(parseSecurityProtocolMap('').size, 0);
  });

  test('errors', () => {
    assert.throws(
      () => parseSecurityProtocolMap('A:B'),
      /^ConfigError: Invalid value A:B for configuration listener\.security\.protocol\.map: Invalid security protocol `B`; expected one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL$/,
    );
    assert.throws(() => parseSecurityProtocolMap('A'), /entry "A" is not NAME:PROTOCOL/);
  });
});

describe('listeners in the broker config', () => {
  test('custom names through the protocol map', () => {
    const { config } = parseBrokerConfig({
      listeners: 'INTERNAL://:0,EXTERNAL://0.0.0.0:0',
      'advertised.listeners': 'INTERNAL://internal:0,EXTERNAL://public.example.com:443',
      'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,EXTERNAL:SSL',
    });
    assert.deepEqual(
      config.advertisedListeners.map((l) => [l.name, l.host, l.port, l.securityProtocol]),
      [
        ['INTERNAL', 'internal', 0, 'PLAINTEXT'],
        ['EXTERNAL', 'public.example.com', 443, 'SSL'],
      ],
    );
  });

  test('advertised listeners follow Kafka rules', () => {
    assert.throws(
      () => parseBrokerConfig({ 'advertised.listeners': 'SSL://h:9093' }),
      /^ConfigError: advertised\.listeners listener names must be equal to or a subset of the ones defined in listeners\. Found SSL\. The valid options based on the current configuration are PLAINTEXT$/,
    );
    assert.throws(
      () => parseBrokerConfig({ 'advertised.listeners': 'PLAINTEXT://0.0.0.0:9092' }),
      /advertised\.listeners cannot use the nonroutable meta-address 0\.0\.0\.0\. Use a routable IP address\./,
    );
    assert.throws(
      () => parseBrokerConfig({ listeners: '' }),
      /^ConfigError: Configuration 'listeners' must not be empty\. Valid values include: any non-empty value; /,
    );
    assert.throws(
      () => parseBrokerConfig({ 'advertised.listeners': 'PLAINTEXT://h:9092,' }),
      /^ConfigError: Configuration 'advertised\.listeners' values must not be empty\.; /,
    );
    assert.throws(
      () => parseBrokerConfig({ listeners: 'CONTROLLER://:9093', 'controller.listener.names': 'CONTROLLER' }),
      /^ConfigError: Invalid value CONTROLLER:\/\/:9093 for configuration listeners: at least one broker listener is needed, e\.g\. PLAINTEXT:\/\/:9092$/,
    );
  });

  test('a repeated entry counts once, as Kafka drops repeated list elements', () => {
    const { listeners: opened } = parseBrokerConfig({
      listeners: 'PLAINTEXT://:9092, PLAINTEXT://:9092',
    }).config;
    assert.deepEqual(
      opened.map((listener) => listener.name),
      ['PLAINTEXT'],
    );
  });

  test('an advertised list of only controller listeners is refused', () => {
    assert.throws(
      () =>
        parseBrokerConfig({
          listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093',
          'advertised.listeners': 'CONTROLLER://h:9093',
          'controller.listener.names': 'CONTROLLER',
        }),
      /There must be at least one broker advertised listener\. Perhaps all listeners appear in controller\.listener\.names\?/,
    );
  });
});

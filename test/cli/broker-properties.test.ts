import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBrokerConfig } from '../../src/broker/config/broker-config.ts';
import { brokerProperties, devProperties } from '../../src/cli/broker-properties.ts';

describe('devProperties', () => {
  it('gives the broker one listener and the data folder, and fsync on append only when durable', () => {
    const props = devProperties({ dataDir: '/data', host: '127.0.0.1', port: 0, durable: false });
    assert.deepEqual(props, { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': '/data' });
    const durable = devProperties({ dataDir: '/data', host: '::1', port: 9092, durable: true });
    assert.equal(durable.listeners, 'PLAINTEXT://[::1]:9092');
    // The broker's own parser reads them as meant.
    const { config } = parseBrokerConfig(durable);
    assert.equal(config.fsyncOnAppend, true);
    assert.deepEqual(config.logDirs, ['/data']);
    assert.equal(config.listeners[0].host, '::1');
  });

  it('advertises --advertised-host, which a wildcard --host needs', () => {
    const props = devProperties({
      dataDir: '/d',
      host: '0.0.0.0',
      advertisedHost: 'dev.example',
      port: 0,
      durable: false,
    });
    assert.equal(props['advertised.listeners'], 'PLAINTEXT://dev.example:0');
    assert.equal(parseBrokerConfig(props).config.advertisedListeners[0].host, 'dev.example');
    assert.throws(
      () => devProperties({ dataDir: '/d', host: '0.0.0.0', port: 0, durable: false }),
      /^CliError: --host 0.0.0.0 listens on every interface, .*: pass --advertised-host/,
    );
  });
});

describe('brokerProperties', () => {
  it('lays overrides over the file', () => {
    assert.deepEqual(
      brokerProperties({ 'log.dirs': '/a', 'num.partitions': '3' }, { 'num.partitions': '6' }),
      {
        'log.dirs': '/a',
        'num.partitions': '6',
      },
    );
  });

  it('accepts log.dir as well as log.dirs', () => {
    assert.deepEqual(brokerProperties({}, { 'log.dir': '/b' }), { 'log.dir': '/b' });
  });

  it('asks for a log directory instead of falling back to /tmp/kafka-logs', () => {
    assert.throws(
      () => brokerProperties({ listeners: 'PLAINTEXT://:9092' }, {}),
      /^CliError: no log directory configured: set log.dirs in the config file or pass --override log.dirs=DIR/,
    );
  });
});

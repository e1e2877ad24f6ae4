import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  BridgeConfigError,
  bridgeConfigFromProperties,
  loadBridgeConfig,
  propertiesFromEnv,
} from '../../src/bridge/config.ts';

describe('bridge config', () => {
  it("applies Strimzi's defaults", () => {
    const config = bridgeConfigFromProperties({});
    assert.deepEqual(config.kafka.bootstrapServers, ['localhost:9092']);
    assert.equal(config.http.host, '0.0.0.0');
    assert.equal(config.http.port, 8080);
    assert.equal(config.http.managementPort, 8081);
    assert.equal(config.http.consumerTimeoutSeconds, -1);
    assert.deepEqual(config.http.cors, {
      enabled: false,
      allowedOrigins: '*',
      allowedMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'],
    });
    assert.equal(config.bridgeId, undefined);
  });

  it('splits kafka.* into shared, producer, consumer and admin properties', () => {
    const config = bridgeConfigFromProperties({
      'bridge.id': 'b1',
      'kafka.bootstrap.servers': 'a:9092, b:9093',
      'kafka.client.id': 'shared',
      'kafka.producer.acks': '1',
      'kafka.consumer.auto.offset.reset': 'earliest',
      'kafka.admin.request.timeout.ms': '5000',
      'http.timeoutSeconds': '30',
    });
    assert.equal(config.bridgeId, 'b1');
    assert.deepEqual(config.kafka.bootstrapServers, ['a:9092', 'b:9093']);
    assert.deepEqual(config.kafka.common, { 'client.id': 'shared' });
    assert.deepEqual(config.kafka.producer, { acks: '1' });
    assert.deepEqual(config.kafka.consumer, { 'auto.offset.reset': 'earliest' });
    assert.deepEqual(config.kafka.admin, { 'request.timeout.ms': '5000' });
    assert.equal(config.http.consumerTimeoutSeconds, 30);
  });

  const invalid: [Record<string, string>, RegExp][] = [
    [{ 'http.port': 'abc' }, /^http\.port: 'abc' is not valid: expected an integer from 0 to 65535$/],
    [
      { 'http.management.port': '70000' },
      /^http\.management\.port: '70000' is not valid: expected an integer/,
    ],
    [{ 'http.cors.enabled': 'yes' }, /^http\.cors\.enabled: 'yes' is not valid: expected true or false$/],
    [
      { 'kafka.bootstrap.servers': 'nohost' },
      /^kafka\.bootstrap\.servers: 'nohost' is not valid: expected host:port/,
    ],
    [
      { 'kafka.bootstrap.servers': '' },
      /^kafka\.bootstrap\.servers: '' is not valid: expected a comma-separated list/,
    ],
    [
      { 'http.timeoutSeconds': '-5' },
      /^http\.timeoutSeconds: '-5' is not valid: expected a whole number of seconds/,
    ],
    [
      { 'http.cors.allowedOrigins': '(' },
      /^http\.cors\.allowedOrigins: '\(' is not valid: expected \* or a regular/,
    ],
  ];
  for (const [props, message] of invalid) {
    it(`rejects ${JSON.stringify(props)} naming the property, value and expectation`, () => {
      assert.throws(
        () => bridgeConfigFromProperties(props),
        (err: unknown) => {
          assert.ok(err instanceof BridgeConfigError);
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }

  it('takes only environment variables named like a property', () => {
    assert.deepEqual(
      propertiesFromEnv({ PATH: '/bin', 'http.port': '9000', 'kafka.producer.acks': 'all', HOME: '/' }),
      {
        'http.port': '9000',
        'kafka.producer.acks': 'all',
      },
    );
  });

  it('reads a properties file and lets the environment override it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nagare-bridge-config-'));
    try {
      const file = join(dir, 'bridge.properties');
      await writeFile(
        file,
        '# bridge\nbridge.id=my-bridge\nhttp.port=8090\nkafka.bootstrap.servers=k:9092\n',
      );
      const config = await loadBridgeConfig(file, { 'http.port': '9999' });
      assert.equal(config.bridgeId, 'my-bridge');
      assert.equal(config.http.port, 9999);
      assert.deepEqual(config.kafka.bootstrapServers, ['k:9092']);
      await assert.rejects(loadBridgeConfig(join(dir, 'missing.properties'), {}), BridgeConfigError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

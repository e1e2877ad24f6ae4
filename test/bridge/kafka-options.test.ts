import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BridgeConfigError, bridgeConfigFromProperties } from '../../src/bridge/config.ts';
import { baseClientOptions, producerOptions } from '../../src/bridge/kafka-options.ts';

const config = (props: Record<string, string>) =>
  bridgeConfigFromProperties({ 'kafka.bootstrap.servers': 'k:9092', ...props });

describe('bridge Kafka client options', () => {
  it('maps Java client properties, a client’s own winning over shared ones', () => {
    const { options, ignored } = producerOptions(
      config({
        'bridge.id': 'b',
        'kafka.request.timeout.ms': '1000',
        'kafka.producer.request.timeout.ms': '2000',
        'kafka.producer.acks': 'all',
        'kafka.producer.compression.type': 'lz4',
        'kafka.producer.linger.ms': '5',
      }),
    );
    assert.equal(options.clientId, 'b-producer');
    assert.deepEqual(options.bootstrapBrokers, ['k:9092']);
    assert.equal(options.timeout, 2000);
    assert.equal(options.acks, -1);
    assert.equal(options.compression, 'lz4');
    assert.deepEqual(ignored, ['kafka.producer.linger.ms']);
  });

  it('makes the producer idempotent unless turned off or acks is not all, as the Java client does', () => {
    const idempotent = (props: Record<string, string>) => producerOptions(config(props)).options.idempotent;
    assert.equal(idempotent({}), true);
    assert.equal(idempotent({ 'kafka.producer.enable.idempotence': 'false' }), false);
    assert.equal(idempotent({ 'kafka.producer.acks': '1' }), false);
    assert.throws(
      () =>
        producerOptions(config({ 'kafka.producer.acks': '1', 'kafka.producer.enable.idempotence': 'true' })),
      /^BridgeConfigError: kafka\.producer\.enable\.idempotence: 'true' needs acks=all/,
    );
  });

  it('sets up SASL over TLS from security.protocol and sasl.jaas.config', () => {
    const { options } = baseClientOptions(
      config({
        'kafka.security.protocol': 'SASL_SSL',
        'kafka.sasl.mechanism': 'SCRAM-SHA-512',
        'kafka.sasl.jaas.config':
          'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="s3cret";',
      }),
      'admin',
    );
    assert.deepEqual(options.tls, {});
    assert.deepEqual(options.sasl, { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 's3cret' });
  });

  it('rejects bad values naming the property', () => {
    assert.throws(
      () => producerOptions(config({ 'kafka.producer.acks': '2' })),
      (err: unknown) => {
        assert.ok(err instanceof BridgeConfigError);
        assert.equal(err.message, "kafka.producer.acks: '2' is not valid: expected all, -1, 0 or 1");
        return true;
      },
    );
    assert.throws(
      () => baseClientOptions(config({ 'kafka.retries': 'many' }), 'consumer'),
      /kafka\.retries: 'many' is not valid/,
    );
  });
});

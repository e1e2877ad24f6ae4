import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { describe, it } from 'node:test';
import { metadataV12 } from '@platformatic/kafka';
import { apacheKafkaVersion, startApacheKafka } from './apache-kafka.ts';
import { apacheKafkaMissing, requireInCI } from './external-tools.ts';
import { withConnection } from './kafka-requests.ts';

describe(`startApacheKafka (${apacheKafkaVersion()})`, { skip: requireInCI(apacheKafkaMissing()) }, () => {
  it('starts a single-node KRaft broker that answers Metadata, and stop() removes everything', async () => {
    const kafka = await startApacheKafka({ overrides: { 'num.partitions': '2' } });
    try {
      assert.equal(kafka.bootstrap, `127.0.0.1:${kafka.port}`);
      const metadata = await withConnection(kafka, (connection) =>
        metadataV12.api.async(connection, null, false, false),
      );
      assert.deepEqual(
        metadata.brokers.map((broker) => [broker.nodeId, broker.host, broker.port]),
        [[1, '127.0.0.1', kafka.port]],
      );
      assert.equal(metadata.controllerId, 1);
      assert.ok(existsSync(kafka.dataDir));
    } finally {
      await kafka.stop();
    }
    assert.equal(existsSync(kafka.dataDir), false);
    await assert.rejects(connectOnce(kafka.port), /ECONNREFUSED/);
  });

  it("fails with the tail of Kafka's log when Kafka rejects its configuration", async () => {
    await assert.rejects(startApacheKafka({ overrides: { 'process.roles': 'nonsense' } }), (error: Error) => {
      assert.match(error.message, /Apache Kafka did not start/);
      assert.match(error.message, /Invalid value nonsense for configuration process\.roles/);
      return true;
    });
  });
});

function connectOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

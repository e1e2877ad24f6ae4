// The few protocol requests benchmarks make themselves: create a topic, ask for Metadata.
import { Connection, createTopicsV7, metadataV12 } from '@platformatic/kafka';
import { parseBootstrap } from '../../test/support/broker-ready.ts';
import { responseOf, withConnection } from '../../test/support/kafka-requests.ts';

/** Creates a topic and waits until Metadata shows a leader for every partition (producers need one). */
export async function createTopic(
  bootstrap: string,
  name: string,
  partitions: number,
  configs: Record<string, string> = {},
): Promise<void> {
  await withConnection({ bootstrap }, async (connection) => {
    const topic = {
      name,
      numPartitions: partitions,
      replicationFactor: 1,
      assignments: [],
      configs: Object.entries(configs).map(([key, value]) => ({ name: key, value })),
    };
    const [created] = (await responseOf(createTopicsV7.api.async(connection, [topic], 30_000, false))).topics;
    if (created.errorCode !== 0) {
      throw new Error(`CreateTopics ${name}: error ${created.errorCode} ${created.errorMessage ?? ''}`);
    }
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const metadata = await responseOf(metadataV12.api.async(connection, [name], false, false));
      const leaders = metadata.topics[0]?.partitions.filter((partition) => partition.leaderId >= 0) ?? [];
      if (leaders.length === partitions) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`topic ${name} has no leader for every partition after 30 s`);
  });
}

/**
 * One readiness probe: connect and send Metadata; true when the answer lists a broker. Failing fast
 * (short timeouts) keeps the startup benchmark's resolution fine.
 */
export async function metadataAnswers(bootstrap: string): Promise<boolean> {
  const { host, port } = parseBootstrap(bootstrap);
  const connection = new Connection('nagare-bench-startup', { connectTimeout: 500, requestTimeout: 2000 });
  // Failures also arrive as rejections; the events would only duplicate them.
  connection.on('error', () => {});
  try {
    await connection.connect(host, port);
    const metadata = await metadataV12.api.async(connection, [], false, false);
    return metadata.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await connection.close().catch(() => {});
  }
}

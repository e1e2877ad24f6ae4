// The compaction test, through a real broker: 1M records over 10k keys, with tombstones,
// produced over the wire; after cleaning, a full read returns exactly the latest value of each live key
// at the offset it was produced at, and a deleted key at most its tombstone. Also: the keyless-record
// check and topic config changes reaching the cleaner.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Message } from '../../../src/protocol/codec.ts';
import { buildBatchSync } from '../../../src/protocol/records/batch.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { seededRandom } from '../../support/random.ts';
import { createTopic, fetchAllBatches, RawClient, withRawClient } from '../../support/raw-client.ts';

const RECORDS = 1_000_000;
const KEYS = 10_000;
const PER_BATCH = 2_000;
const PIPELINE = 16;
const PRODUCE_VERSION = 9;

let nagare: NagareUnderTest;
before(async () => {
  // The cleaner runs when the test asks (cleanFilthiest), not on its own schedule.
  nagare = await startNagare({ overrides: { 'log.cleaner.enable': 'false' } });
});
after(async () => {
  await nagare?.stop();
});

function produceRequest(topic: string, records: Buffer): Message {
  return {
    transactionalId: null,
    acks: 1,
    timeoutMs: 10_000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  };
}

/** Produces the batches in order over one connection, PIPELINE requests in flight. */
async function produceAll(port: number, topic: string, batches: Iterable<Buffer>): Promise<void> {
  const client = await RawClient.connect(port);
  try {
    const inFlight: number[] = [];
    const settle = async () => {
      const response = await client.receive(API_KEYS.Produce, PRODUCE_VERSION, inFlight.shift()!);
      const [partition] = (response.responses as Message[])[0].partitionResponses as Message[];
      assert.equal(partition.errorCode, 0, `produce failed: ${partition.errorMessage}`);
    };
    for (const batch of batches) {
      inFlight.push(client.send(API_KEYS.Produce, PRODUCE_VERSION, produceRequest(topic, batch)));
      if (inFlight.length >= PIPELINE) await settle();
    }
    while (inFlight.length > 0) await settle();
  } finally {
    client.destroy();
  }
}

test(`compaction of ${RECORDS} records over ${KEYS} keys keeps the latest value of each live key at its offset`, async (t) => {
  const topic = 'compact-1m';
  await withRawClient(nagare.port, (client) =>
    createTopic(client, topic, 1, {
      'cleanup.policy': 'compact',
      'segment.bytes': String(8 << 20),
      'segment.ms': '60000',
    }),
  );
  const random = seededRandom(Number(process.env.NAGARE_COMPACTION_SEED ?? 20240611));
  const latest = new Map<string, { offset: number; value: string | null }>();
  const stamp = BigInt(Date.now() - 120_000);
  function* batches(): Generator<Buffer> {
    for (let first = 0; first < RECORDS; first += PER_BATCH) {
      const records = [];
      for (let offset = first; offset < first + PER_BATCH; offset++) {
        const key = `key-${random.int(0, KEYS - 1)}`;
        // About one write in 50 deletes its key.
        const value = random.next() < 0.02 ? null : `value-${offset}-${key}`;
        latest.set(key, { offset, value });
        records.push({
          key: Buffer.from(key),
          value: value === null ? null : Buffer.from(value),
          timestamp: stamp,
        });
      }
      yield buildBatchSync({ records });
    }
    // A record stamped past segment.ms rolls the segment: every record above becomes cleanable.
    yield buildBatchSync({
      records: [{ key: Buffer.from('end'), value: Buffer.from('end'), timestamp: stamp + 120_000n }],
    });
  }
  const produceStart = performance.now();
  await produceAll(nagare.port, topic, batches());
  const produceMs = performance.now() - produceStart;

  const log = nagare.broker.partitions.get(topic, 0)!;
  assert.equal(log.logEndOffset, BigInt(RECORDS + 1));
  assert.equal(
    log.segments.at(-1)!.baseOffset,
    BigInt(RECORDS),
    'only the last record is in the active segment',
  );
  const sizeBefore = log.size;
  const report = await nagare.broker.logMaintenance.cleanFilthiest();
  assert.ok(report, 'the topic was cleaned');
  assert.equal(report.endOffset, BigInt(RECORDS));
  const mb = (bytes: number) => bytes / (1 << 20);
  t.diagnostic(
    `produced ${mb(sizeBefore).toFixed(1)} MiB in ${(produceMs / 1000).toFixed(1)} s; cleaned in ` +
      `${(report.elapsedMs / 1000).toFixed(2)} s: ${(mb(sizeBefore) / (report.elapsedMs / 1000)).toFixed(1)} MiB/s ` +
      `of log (${mb(report.mapBytesRead + report.bytesRead).toFixed(1)} MiB read, ` +
      `${mb(report.bytesWritten).toFixed(2)} MiB written)`,
  );

  const { batches: served, highWatermark } = await withRawClient(nagare.port, (client) =>
    fetchAllBatches(client, topic, 0),
  );
  assert.equal(highWatermark, BigInt(RECORDS + 1));
  const seen = new Map<string, { offset: number; value: string | null }>();
  for (const batch of served) {
    for (const record of batch.records) {
      const key = record.key!.toString();
      assert.ok(!seen.has(key), `key ${key} is served once (again at ${record.offset})`);
      seen.set(key, { offset: Number(record.offset), value: record.value?.toString() ?? null });
    }
  }
  seen.delete('end');
  for (const [key, expected] of latest) {
    const got = seen.get(key);
    if (expected.value === null) {
      // A deleted key keeps its tombstone for delete.retention.ms, or is gone.
      if (got) assert.deepEqual(got, expected, `tombstone of ${key}`);
    } else {
      assert.deepEqual(got, expected, `latest value of ${key} at its offset`);
    }
  }
  assert.equal([...seen.keys()].filter((key) => !latest.has(key)).length, 0, 'no key that was never written');
});

test('a topic switched to cleanup.policy=compact by AlterConfigs is cleaned', async () => {
  const topic = 'switched';
  await withRawClient(nagare.port, (client) =>
    createTopic(client, topic, 1, { 'internal.segment.bytes': '1024' }),
  );
  const batches = Array.from({ length: 40 }, (_, i) =>
    buildBatchSync({
      records: [
        { key: Buffer.from(`k${i % 3}`), value: Buffer.from(`v${i}`), timestamp: BigInt(Date.now()) },
      ],
    }),
  );
  await produceAll(nagare.port, topic, batches);
  assert.equal(
    await nagare.broker.logMaintenance.cleanFilthiest(),
    null,
    'cleanup.policy=delete: not compacted',
  );
  await withRawClient(nagare.port, async (client) => {
    const response = await client.request(API_KEYS.IncrementalAlterConfigs, 1, {
      resources: [
        {
          resourceType: 2,
          resourceName: topic,
          configs: [{ name: 'cleanup.policy', configOperation: 0, value: 'compact' }],
        },
      ],
      validateOnly: false,
    });
    assert.equal((response.responses as Message[])[0].errorCode, 0);
  });
  const log = nagare.broker.partitions.get(topic, 0)!;
  assert.deepEqual(log.config.cleanupPolicy, { delete: false, compact: true });
  const report = await nagare.broker.logMaintenance.cleanFilthiest();
  assert.ok(report);
  assert.equal(report.name, `${topic}-0`);
});

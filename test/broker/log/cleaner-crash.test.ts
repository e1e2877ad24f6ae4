// Compaction under kill -9: a broker in a child process compacts a topic continuously (small segments,
// a low dirty ratio, a short back-off) while a client produces keyed records whose values name their
// own offset; the broker is SIGKILLed after a random number of acknowledgements, so kills land before,
// during and after cleanings and swaps. After each restart the partition must read back consistent:
// offsets increasing, every record at the offset it was written at, and every key still holding its
// latest acknowledged value (or something newer). Reproduce with NAGARE_CRASH_SEED=<seed>.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Message } from '../../../src/protocol/codec.ts';
import { buildBatchSync } from '../../../src/protocol/records/batch.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { type BrokerProcess, spawnBroker } from '../../support/broker-process.ts';
import { type SeededRandom, seededRandom } from '../../support/random.ts';
import { createTopic, fetchAllBatches, RawClient, withRawClient } from '../../support/raw-client.ts';

const ROUNDS = 6;
const KEYS = 40;
const TOPIC = 'compacted';
const PRODUCE_VERSION = 9;
const CLEANER = { 'log.cleaner.backoff.ms': '5' };

const seed = Number(process.env.NAGARE_CRASH_SEED ?? Date.now() % 1_000_000);
const dataDirs: string[] = [];
const running = new Set<BrokerProcess>();

after(async () => {
  for (const broker of running) await broker.kill();
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

/** A broker that cleans continuously, or (to look at what recovery left) one that does not clean. */
async function start(dataDir: string, cleaner = true): Promise<BrokerProcess> {
  const broker = await spawnBroker({
    dataDir,
    overrides: cleaner ? CLEANER : { 'log.cleaner.enable': 'false' },
  });
  running.add(broker);
  return broker;
}

async function inFlightFiles(dataDir: string): Promise<string[]> {
  return (await readdir(join(dataDir, `${TOPIC}-0`))).filter((name) => /\.(swap|cleaned)$/.test(name));
}

/** Latest acknowledged write of each key: its offset and whether it was a tombstone. */
type Latest = Map<string, { offset: bigint; tombstone: boolean }>;

/** Produces keyed batches from `next` on and kills the broker after a random number of acks. */
async function produceUntilKilled(
  broker: BrokerProcess,
  next: bigint,
  random: SeededRandom,
  latest: Latest,
): Promise<void> {
  const killAfter = random.int(20, 300);
  const client = await RawClient.connect(broker.port);
  try {
    for (let acked = 0; acked < killAfter; acked++) {
      const count = random.int(1, 20);
      const writes = Array.from({ length: count }, (_, i) => {
        const key = `k${random.int(0, KEYS - 1)}`;
        const offset = next + BigInt(i);
        return { key, offset, tombstone: random.next() < 0.05 };
      });
      const records = buildBatchSync({
        records: writes.map(({ key, offset, tombstone }) => ({
          key: Buffer.from(key),
          value: tombstone ? null : Buffer.from(`${key}@${offset}:${'x'.repeat(random.int(0, 200))}`),
          timestamp: BigInt(Date.now()),
        })),
      });
      const response = await client.request(API_KEYS.Produce, PRODUCE_VERSION, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 10_000,
        topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
      });
      const [partition] = (response.responses as Message[])[0].partitionResponses as Message[];
      assert.equal(partition.errorCode, 0);
      assert.equal(partition.baseOffset, next);
      for (const write of writes) latest.set(write.key, { offset: write.offset, tombstone: write.tombstone });
      next += BigInt(count);
    }
  } finally {
    client.destroy();
  }
  await broker.kill();
  running.delete(broker);
}

/** Reads the partition back and checks it against what was acknowledged; returns its end. */
async function check(broker: BrokerProcess, latest: Latest, round: number): Promise<bigint> {
  return withRawClient(broker.port, async (client) => {
    const { batches, highWatermark } = await fetchAllBatches(client, TOPIC, 0);
    const newest = new Map<string, bigint>();
    let previous = -1n;
    for (const batch of batches) {
      for (const record of batch.records) {
        assert.ok(record.offset > previous, `round ${round}: offset ${record.offset} after ${previous}`);
        previous = record.offset;
        const key = record.key!.toString();
        const value = record.value?.toString();
        if (value !== undefined) assert.equal(value.slice(0, value.indexOf(':')), `${key}@${record.offset}`);
        newest.set(key, record.offset);
      }
    }
    for (const [key, write] of latest) {
      const kept = newest.get(key);
      if (write.tombstone) continue;
      assert.ok(
        kept !== undefined && kept >= write.offset,
        `round ${round}: ${key} lost its value at ${write.offset}`,
      );
    }
    return highWatermark;
  });
}

test(`compaction survives ${ROUNDS} kill -9 at random moments`, async (t) => {
  t.diagnostic(`seed ${seed} (NAGARE_CRASH_SEED)`);
  const random = seededRandom(seed);
  const dataDir = await mkdtemp(join(tmpdir(), 'nagare-cleaner-crash-'));
  dataDirs.push(dataDir);
  let broker = await start(dataDir);
  await withRawClient(broker.port, (client) =>
    createTopic(client, TOPIC, 1, {
      'cleanup.policy': 'compact',
      'internal.segment.bytes': '8192',
      'min.cleanable.dirty.ratio': '0.01',
      'delete.retention.ms': '0',
    }),
  );
  const latest: Latest = new Map();
  let end = 0n;
  let cleanings = 0;
  let killedMidCleaning = 0;
  for (let round = 0; ; round++) {
    await produceUntilKilled(broker, end, random, latest);
    cleanings += broker.logs().filter((line) => line.msg === 'cleaned log').length;
    if ((await inFlightFiles(dataDir)).length > 0) killedMidCleaning++;
    const checking = await start(dataDir, false);
    assert.deepEqual(await inFlightFiles(dataDir), [], 'recovery leaves no swap or cleaned files');
    end = await check(checking, latest, round);
    await checking.stop();
    running.delete(checking);
    if (round === ROUNDS - 1) break;
    broker = await start(dataDir);
  }
  assert.ok(cleanings > 0, 'the cleaner ran while producing');
  t.diagnostic(
    `${end} offsets written; ${cleanings} cleanings; ${killedMidCleaning} kills during a cleaning`,
  );
});

// Durability under kill -9: with nagare.log.fsync.on.append=true an acknowledged record survives any
// crash. A broker in a child process takes a pipelined stream of acks=all batches whose record values
// are their own offsets, is SIGKILLed at a random moment, and restarts on the same log dir; the whole
// partition must then read back intact. Then torn tails made by hand while the broker is down must be
// cut off on recovery, with a warning naming the segment. Reproduce with NAGARE_CRASH_SEED=<seed>.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Message } from '../../src/protocol/codec.ts';
import { buildBatchSync, type ParsedBatch } from '../../src/protocol/records/batch.ts';
import { BATCH_LOG_OVERHEAD, OFFSET } from '../../src/protocol/records/batch-header.ts';
import { API_KEYS } from '../../src/protocol/schema/messages.generated.ts';
import { type BrokerProcess, PINO_WARN, spawnBroker } from '../support/broker-process.ts';
import { type SeededRandom, seededRandom } from '../support/random.ts';
import {
  createTopic,
  fetchAllBatches,
  latestOffset,
  RawClient,
  withRawClient,
} from '../support/raw-client.ts';

const DURABLE = { 'nagare.log.fsync.on.append': 'true' };
/**
 * Small segments, so that kills also land around segment rolls and recovery crosses segments. Below
 * segment.bytes' 1 MiB minimum, hence Kafka's test-only internal.segment.bytes.
 */
const SEGMENT_BYTES = '16384';
const ROUNDS = 20;
const PRODUCE_VERSION = 9;

const seed = Number(process.env.NAGARE_CRASH_SEED ?? Date.now() % 1_000_000);
const dataDirs: string[] = [];
const running = new Set<BrokerProcess>();

after(async () => {
  for (const broker of running) await broker.kill();
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nagare-crash-'));
  dataDirs.push(dir);
  return dir;
}

async function start(dataDir: string): Promise<BrokerProcess> {
  const broker = await spawnBroker({ dataDir, overrides: DURABLE });
  running.add(broker);
  return broker;
}

async function kill(broker: BrokerProcess): Promise<void> {
  await broker.kill();
  running.delete(broker);
}

async function stop(broker: BrokerProcess): Promise<void> {
  await broker.stop();
  running.delete(broker);
}

/** A record's value: its offset, then filler so that batches vary in size. */
function recordValue(offset: bigint, filler: number): Buffer {
  return Buffer.from(`${offset}:${'x'.repeat(filler)}`);
}

function batchOf(first: bigint, count: number, filler: number): Buffer {
  const now = BigInt(Date.now());
  return buildBatchSync({
    records: Array.from({ length: count }, (_, i) => ({
      value: recordValue(first + BigInt(i), filler),
      timestamp: now,
    })),
  });
}

function produceRequest(topic: string, records: Buffer): Message {
  return {
    transactionalId: null,
    acks: -1,
    timeoutMs: 10_000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  };
}

/**
 * Reads the whole partition back and checks it: every batch intact (CRC, sizes, records), offsets
 * contiguous from 0, each record's value naming its own offset. Returns the high watermark.
 */
async function checkPartition(port: number, topic: string): Promise<{ end: bigint; batches: ParsedBatch[] }> {
  return withRawClient(port, async (client) => {
    const { batches, highWatermark } = await fetchAllBatches(client, topic, 0);
    let expected = 0n;
    for (const batch of batches) {
      for (const record of batch.records) {
        assert.equal(
          record.offset,
          expected,
          `offsets must be contiguous from 0 (batch ${batch.header.baseOffset})`,
        );
        const value = record.value?.toString() ?? '';
        assert.equal(value.slice(0, value.indexOf(':')), String(expected), `value of offset ${expected}`);
        expected++;
      }
    }
    assert.equal(expected, highWatermark, 'records read up to the high watermark');
    return { end: highWatermark, batches };
  });
}

interface Acked {
  first: bigint;
  count: number;
}

/**
 * Produces pipelined batches continuing the partition at `nextOffset` and SIGKILLs the broker right
 * after acknowledgement number `killAfter`, with `depth` requests in flight. Returns what was acknowledged.
 */
async function produceUntilKilled(
  broker: BrokerProcess,
  topic: string,
  nextOffset: bigint,
  random: SeededRandom,
): Promise<Acked[]> {
  const depth = random.int(1, 12);
  const killAfter = random.int(1, 150);
  const client = await RawClient.connect(broker.port);
  const acked: Acked[] = [];
  const inFlight: Array<Acked & { correlationId: number }> = [];
  try {
    for (;;) {
      while (inFlight.length < depth) {
        const count = random.int(1, 20);
        const records = batchOf(nextOffset, count, random.int(0, 400));
        const correlationId = client.send(API_KEYS.Produce, PRODUCE_VERSION, produceRequest(topic, records));
        inFlight.push({ first: nextOffset, count, correlationId });
        nextOffset += BigInt(count);
      }
      const oldest = inFlight.shift()!;
      const response = await client.receive(API_KEYS.Produce, PRODUCE_VERSION, oldest.correlationId);
      const [partition] = (response.responses as Message[])[0].partitionResponses as Message[];
      assert.equal(partition.errorCode, 0, `produce of offsets from ${oldest.first}`);
      assert.equal(partition.baseOffset, oldest.first, 'base offset of an acknowledged batch');
      acked.push(oldest);
      if (acked.length === killAfter) {
        await kill(broker);
        return acked;
      }
    }
  } finally {
    client.destroy();
  }
}

test(`acknowledged records survive ${ROUNDS} kill -9 at random moments on one log dir`, async (t) => {
  t.diagnostic(`seed ${seed} (NAGARE_CRASH_SEED)`);
  const random = seededRandom(seed);
  const dataDir = await freshDataDir();
  const topic = 'crash';
  let broker = await start(dataDir);
  await withRawClient(broker.port, (client) =>
    createTopic(client, topic, 1, { 'internal.segment.bytes': SEGMENT_BYTES }),
  );
  let end = 0n;
  let unacknowledgedKept = 0n;
  for (let round = 0; round < ROUNDS; round++) {
    const acked = await produceUntilKilled(broker, topic, end, random);
    const ackedEnd = acked.at(-1)!.first + BigInt(acked.at(-1)!.count);
    broker = await start(dataDir);
    const checked = await checkPartition(broker.port, topic);
    assert.ok(
      checked.end >= ackedEnd,
      `round ${round}: log ends at ${checked.end}, but offsets up to ${ackedEnd - 1n} were acknowledged`,
    );
    unacknowledgedKept += checked.end - ackedEnd;
    end = checked.end;
  }
  const segments = (await readdir(join(dataDir, `${topic}-0`))).filter((name) => name.endsWith('.log'));
  t.diagnostic(
    `${end} records in ${segments.length} segments; ${unacknowledgedKept} written but never acknowledged`,
  );
  await stop(broker);
});

/** Start and size of every batch in a segment file, by their length fields. */
function batchPositions(file: Buffer): Array<{ start: number; size: number; baseOffset: bigint }> {
  const out: Array<{ start: number; size: number; baseOffset: bigint }> = [];
  for (let at = 0; at + BATCH_LOG_OVERHEAD <= file.length; ) {
    const size = file.readInt32BE(at + OFFSET.batchLength) + BATCH_LOG_OVERHEAD;
    out.push({ start: at, size, baseOffset: file.readBigInt64BE(at + OFFSET.baseOffset) });
    at += size;
  }
  return out;
}

async function lastSegment(partitionDir: string): Promise<string> {
  const logs = (await readdir(partitionDir)).filter((name) => name.endsWith('.log')).sort();
  return join(partitionDir, logs.at(-1)!);
}

interface TornTail {
  name: string;
  /** How the broker goes down before the damage: recovery after a crash or after a clean stop. */
  shutdown: 'kill' | 'stop';
  /** Damages the segment file; returns the log end offset recovery must arrive at. */
  damage(path: string, random: SeededRandom): Promise<bigint>;
}

const TORN_TAILS: TornTail[] = [
  {
    name: 'the last batch cut short',
    shutdown: 'kill',
    async damage(path, random) {
      const last = batchPositions(await readFile(path)).at(-1)!;
      await truncate(path, last.start + random.int(1, last.size - 1));
      return last.baseOffset;
    },
  },
  {
    name: 'garbage after the last batch',
    shutdown: 'stop',
    async damage(path, random) {
      const file = await readFile(path);
      const last = batchPositions(file).at(-1)!;
      const garbage = Buffer.alloc(random.int(1, 300), random.int(1, 255));
      await appendFile(path, garbage);
      return last.baseOffset + BigInt(file.readInt32BE(last.start + OFFSET.lastOffsetDelta)) + 1n;
    },
  },
  {
    name: 'a flipped byte in the last batch',
    shutdown: 'kill',
    async damage(path, random) {
      const file = await readFile(path);
      const last = batchPositions(file).at(-1)!;
      // Anywhere the CRC covers (attributes to the end): the damage must be detected, not served.
      const at = last.start + OFFSET.attributes + random.int(0, last.size - OFFSET.attributes - 1);
      file[at] ^= 1 << random.int(0, 7);
      await writeFile(path, file);
      return last.baseOffset;
    },
  },
];

test('a torn segment tail is truncated on recovery with a warning, and producing continues there', async (t) => {
  const random = seededRandom(seed + 1);
  const dataDir = await freshDataDir();
  const topic = 'torn';
  const partitionDir = join(dataDir, `${topic}-0`);
  let broker = await start(dataDir);
  await withRawClient(broker.port, (client) => createTopic(client, topic, 1));
  let end = 0n;
  for (const tail of TORN_TAILS) {
    await withRawClient(broker.port, async (client) => {
      for (let i = 0; i < 5; i++) {
        const count = random.int(1, 10);
        const response = await client.request(
          API_KEYS.Produce,
          PRODUCE_VERSION,
          produceRequest(topic, batchOf(end, count, random.int(0, 100))),
        );
        assert.equal((response.responses as Message[])[0].partitionResponses[0].baseOffset, end);
        end += BigInt(count);
      }
    });
    if (tail.shutdown === 'kill') await kill(broker);
    else await stop(broker);
    const segment = await lastSegment(partitionDir);
    end = await tail.damage(segment, random);

    broker = await start(dataDir);
    const warnings = broker.logs().filter((line) => line.level === PINO_WARN && /truncat/i.test(line.msg));
    assert.ok(
      warnings.some((line) => line.segment === segment && line.partition === `${topic}-0`),
      `${tail.name}: no warning about truncating ${segment} in:\n${broker.output()}`,
    );
    await withRawClient(broker.port, async (client) => {
      assert.equal(await latestOffset(client, topic, 0), end, `${tail.name}: log end offset after recovery`);
      const response = await client.request(
        API_KEYS.Produce,
        PRODUCE_VERSION,
        produceRequest(topic, batchOf(end, 3, 10)),
      );
      assert.equal(
        (response.responses as Message[])[0].partitionResponses[0].baseOffset,
        end,
        `${tail.name}: the next produce continues at the recovered end`,
      );
      end += 3n;
    });
    const checked = await checkPartition(broker.port, topic);
    assert.equal(checked.end, end);
    t.diagnostic(
      `${tail.name} (after ${tail.shutdown}): recovered to ${end - 3n}, warned "${warnings[0].msg}"`,
    );
  }
  await stop(broker);
});

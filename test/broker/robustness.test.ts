// "Never crash on input": a storm of more than 100,000 malformed frames against one in-process broker,
// over hundreds of connections at once, while a well-behaved client keeps producing. Every bad connection
// must be answered with Kafka's error or closed, promptly; the broker must stay up with bounded memory;
// nothing corrupt may reach the log. The exact Kafka answers to unsupported versions and unknown API keys
// are checked on their own first. Reproduce a storm with NAGARE_FUZZ_SEED=<seed shown in the output>.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Producer } from '@platformatic/kafka';
import type { Message } from '../../src/protocol/codec.ts';
import { ERRORS } from '../../src/protocol/errors.ts';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  requestHeaderVersion,
} from '../../src/protocol/frames.ts';
import { buildBatchSync, updateCrc } from '../../src/protocol/records/batch.ts';
import { BATCH_HEADER_SIZE, OFFSET } from '../../src/protocol/records/batch-header.ts';
import { API_KEYS } from '../../src/protocol/schema/messages.generated.ts';
import { type NagareUnderTest, startNagare } from '../support/nagare.ts';
import { readAllPartitions } from '../support/platformatic-io.ts';
import { type SeededRandom, seededRandom } from '../support/random.ts';
import { createTopic, latestOffset, RawClient, withRawClient } from '../support/raw-client.ts';

const MAX_REQUEST_BYTES = 1024 * 1024;
const STORM_TOPIC = 'storm';
const STORM_PARTITIONS = 3;
const STEADY_TOPIC = 'steady';
/** A probe neither answered nor closed within this is a hang. */
const PROBE_TIMEOUT_MS = 10_000;
const CLOSING_PROBES = 36_000;
const CLOSING_CONCURRENCY = 200;
const ANSWERED_FRAMES = 72_000;
const PIPELINES = 16;
const PIPELINE_WINDOW = 48;
/** Connections held open mid-frame for the whole storm (slow or stuck clients). */
const IDLE_CONNECTIONS = 400;
/**
 * Memory bounds, generous for socket buffers and allocator slack but far below what keeping frames
 * (let alone allocating what the huge length prefixes announce, 2 GiB each) would take.
 */
const MAX_RSS_GROWTH_BYTES = 512 * 1024 * 1024;
const MAX_HEAP_GROWTH_BYTES = 48 * 1024 * 1024;

const seed = Number(process.env.NAGARE_FUZZ_SEED ?? 20_240_611);

let nagare: NagareUnderTest;
/** API key → [min, max] version the broker serves, from its ApiVersions answer. */
let served: Map<number, [number, number]>;

before(async () => {
  nagare = await startNagare({ overrides: { 'socket.request.max.bytes': String(MAX_REQUEST_BYTES) } });
  await withRawClient(nagare.port, async (client) => {
    const versions = await client.request(API_KEYS.ApiVersions, 3, {
      clientSoftwareName: 'nagare-robustness',
      clientSoftwareVersion: '1',
    });
    served = new Map(
      (versions.apiKeys as Message[]).map((api) => [api.apiKey, [api.minVersion, api.maxVersion]]),
    );
    await createTopic(client, STORM_TOPIC, STORM_PARTITIONS);
    await createTopic(client, STEADY_TOPIC, 1);
  });
});

after(async () => {
  await nagare?.stop();
});

// ---------- frames ----------

function sizePrefixed(payload: Buffer, size = payload.length): Buffer {
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeInt32BE(size);
  return Buffer.concat([prefix, payload]);
}

const CLIENT_ID = 'fuzz';

/**
 * A request header written by hand, so that it can carry any key and version, known or not: v1, or v2
 * (an empty tagged-field section after the client id) for a flexible version.
 */
function requestHeader(apiKey: number, version: number, correlationId: number, v2 = false): Buffer {
  const clientId = Buffer.from(CLIENT_ID);
  const header = Buffer.alloc(10 + clientId.length + (v2 ? 1 : 0));
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(version, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  clientId.copy(header, 10);
  return header;
}

/** A whole frame: a v1 header and the given body bytes. */
function headerV1Frame(apiKey: number, version: number, correlationId: number, body: Buffer): Buffer {
  return sizePrefixed(Buffer.concat([requestHeader(apiKey, version, correlationId), body]));
}

function batch(values: number): Buffer {
  const now = BigInt(Date.now());
  return buildBatchSync({
    records: Array.from({ length: values }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`value-${i}`),
      timestamp: now,
    })),
  });
}

function produceBody(topic: string, partition: number, records: Buffer | null, acks = -1): Message {
  return {
    transactionalId: null,
    acks,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  };
}

/** Well-formed requests of the APIs the broker serves, to be cut short or given random bodies. */
function validRequests(random: SeededRandom): Array<{ apiKey: number; version: number; body: Message }> {
  return [
    { apiKey: API_KEYS.Produce, version: random.int(3, 11), body: produceBody(STORM_TOPIC, 0, batch(3)) },
    {
      apiKey: API_KEYS.Metadata,
      version: random.int(1, 12),
      body: { topics: [{ name: STORM_TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }] },
    },
    {
      apiKey: API_KEYS.Fetch,
      version: random.int(4, 12),
      body: {
        maxWaitMs: 0,
        minBytes: 0,
        topics: [
          { topic: STORM_TOPIC, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 }] },
        ],
        forgottenTopicsData: [],
      },
    },
    {
      apiKey: API_KEYS.ListOffsets,
      version: random.int(1, 10),
      body: {
        replicaId: -1,
        topics: [{ name: STORM_TOPIC, partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
      },
    },
    {
      apiKey: API_KEYS.CreateTopics,
      version: random.int(2, 7),
      body: {
        topics: [{ name: STORM_TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
        timeoutMs: 1000,
        validateOnly: true,
      },
    },
    {
      apiKey: API_KEYS.ApiVersions,
      version: random.int(3, 4),
      body: { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' },
    },
  ];
}

// ---------- probes that must end with the broker closing the connection ----------

interface ClosingProbe {
  kind: string;
  bytes: Buffer;
  /** We half-close after sending: for frames the broker may wait on (incomplete, or accidentally valid). */
  halfClose: boolean;
  /** The broker may answer frames before it closes (random bytes can form a valid request). */
  mayAnswer: boolean;
}

function closingProbe(random: SeededRandom, kind: string): ClosingProbe {
  const correlationId = random.int(0, 2 ** 31 - 1);
  const strict = (bytes: Buffer) => ({ kind, bytes, halfClose: false, mayAnswer: false });
  switch (kind) {
    case 'random bytes':
      return { kind, bytes: random.bytes(random.int(1, 200)), halfClose: true, mayAnswer: true };
    case 'incomplete frame': {
      const payload = random.bytes(random.int(0, 64));
      return {
        kind,
        bytes: sizePrefixed(payload, payload.length + random.int(1, 1000)),
        halfClose: true,
        mayAnswer: false,
      };
    }
    case 'negative length':
      return strict(sizePrefixed(random.bytes(random.int(0, 32)), -random.int(1, 2 ** 31)));
    case 'huge length':
      return strict(
        sizePrefixed(
          random.bytes(random.int(0, 32)),
          random.next() < 0.5 ? 0x7fffffff : random.int(MAX_REQUEST_BYTES + 1, 0x7fffffff),
        ),
      );
    case 'unknown API key': {
      let apiKey: number;
      do apiKey = random.int(-32768, 32767);
      while (served.has(apiKey));
      return strict(headerV1Frame(apiKey, random.int(0, 20), correlationId, random.bytes(random.int(0, 64))));
    }
    case 'unsupported version': {
      const keys = [...served.keys()].filter((key) => key !== API_KEYS.ApiVersions);
      const apiKey = random.pick(keys);
      const [min, max] = served.get(apiKey)!;
      const version = random.next() < 0.5 ? random.int(-32768, min - 1) : random.int(max + 1, 32767);
      return strict(headerV1Frame(apiKey, version, correlationId, random.bytes(random.int(0, 64))));
    }
    case 'truncated body': {
      const { apiKey, version, body } = random.pick(validRequests(random));
      const full = encodeRequest(apiKey, version, correlationId, CLIENT_ID, body).subarray(4);
      const v2 = requestHeaderVersion(apiKey, version) === 2;
      const cut = random.int(requestHeader(apiKey, version, correlationId, v2).length, full.length - 1);
      return strict(sizePrefixed(full.subarray(0, cut)));
    }
    case 'random body': {
      // Only bodies that do not decode are malformed; one that happens to decode is a real request.
      for (;;) {
        const apiKey = random.pick([...served.keys()]);
        const [min, max] = served.get(apiKey)!;
        const version = random.int(min, max);
        const v2 = requestHeaderVersion(apiKey, version) === 2;
        const frame = Buffer.concat([
          requestHeader(apiKey, version, correlationId, v2),
          random.bytes(random.int(0, 96)),
        ]);
        if (!decodes(frame)) return strict(sizePrefixed(frame));
      }
    }
    case 'corrupt batch with acks=0': {
      const bad = batch(2);
      bad[random.int(OFFSET.attributes, bad.length - 1)] ^= 1 << random.int(0, 7);
      return strict(
        encodeRequest(
          API_KEYS.Produce,
          random.int(3, 11),
          correlationId,
          CLIENT_ID,
          produceBody(STORM_TOPIC, 0, bad, 0),
        ),
      );
    }
    default:
      throw new Error(`no closing probe ${kind}`);
  }
}

const CLOSING_KINDS = [
  'random bytes',
  'incomplete frame',
  'negative length',
  'huge length',
  'unknown API key',
  'unsupported version',
  'truncated body',
  'random body',
  'corrupt batch with acks=0',
];

function decodes(frame: Buffer): boolean {
  try {
    decodeRequest(frame);
    return true;
  } catch {
    return false;
  }
}

/** A loopback source address per probe connection (see RawClient.connect), never 127.0.0.1 itself. */
function probeSourceAddress(index: number): string {
  const n = (sourceBase + index) % (126 * 65536);
  return `127.${1 + (n >>> 16)}.${(n >>> 8) & 255}.${n & 255}`;
}
const sourceBase = Math.floor(Math.random() * 126 * 65536);

async function runClosingProbe(port: number, probe: ClosingProbe, index: number): Promise<void> {
  const client = await RawClient.connect(port, {
    timeoutMs: PROBE_TIMEOUT_MS,
    localAddress: probeSourceAddress(index),
  });
  try {
    client.write(probe.bytes);
    if (probe.halfClose) client.end();
    for (;;) {
      const event = await client.next(PROBE_TIMEOUT_MS).catch((error: Error) => {
        throw new Error(`${probe.kind} probe 0x${probe.bytes.toString('hex')}: ${error.message}`);
      });
      if (event.kind === 'closed') return;
      if (!probe.mayAnswer) {
        assert.fail(`${probe.kind} probe 0x${probe.bytes.toString('hex')} was answered instead of closed`);
      }
    }
  } finally {
    client.destroy();
  }
}

// ---------- frames that must each be answered with Kafka's error, the connection staying open ----------

interface AnsweredFrame {
  kind: string;
  apiKey: number;
  /** The version the response is encoded in. */
  responseVersion: number;
  correlationId: number;
  bytes: Buffer;
  check(body: Message): void;
}

/** What ApiVersions must say to a version it does not serve: error 35 and its own range. */
function checkUnsupportedApiVersions(body: Message): void {
  assert.equal(body.errorCode, ERRORS.UNSUPPORTED_VERSION.code);
  const own = (body.apiKeys as Message[]).find((api) => api.apiKey === API_KEYS.ApiVersions);
  assert.deepEqual(own && [own.minVersion, own.maxVersion], served.get(API_KEYS.ApiVersions));
}

function partitionErrors(body: Message): number[] {
  return (body.responses as Message[]).flatMap((topic) =>
    (topic.partitionResponses as Message[]).map((partition) => partition.errorCode as number),
  );
}

const CORRUPT_MESSAGE = ERRORS.CORRUPT_MESSAGE.code;
const INVALID_RECORD = ERRORS.INVALID_RECORD.code;

/** A valid batch damaged one way, with the errors Kafka answers for that damage. */
function corruptBatch(random: SeededRandom): { damage: string; records: Buffer; errors: number[] } {
  const good = batch(random.int(1, 5));
  const bad = Buffer.from(good);
  switch (random.int(0, 6)) {
    case 0:
      bad.writeUInt32BE((bad.readUInt32BE(OFFSET.crc) ^ random.int(1, 0xffff)) >>> 0, OFFSET.crc);
      return { damage: 'wrong CRC', records: bad, errors: [CORRUPT_MESSAGE] };
    case 1:
      bad[random.int(OFFSET.attributes, bad.length - 1)] ^= 1 << random.int(0, 7);
      return { damage: 'flipped bit under the CRC', records: bad, errors: [CORRUPT_MESSAGE] };
    case 2:
      bad.writeInt32BE(bad.readInt32BE(OFFSET.batchLength) + random.int(1, 1000), OFFSET.batchLength);
      return { damage: 'batch length too large', records: bad, errors: [CORRUPT_MESSAGE] };
    case 3:
      bad.writeInt32BE(random.int(-100, bad.readInt32BE(OFFSET.batchLength) - 1), OFFSET.batchLength);
      return { damage: 'batch length too small', records: bad, errors: [CORRUPT_MESSAGE, INVALID_RECORD] };
    case 4: {
      random.bytes(bad.length - BATCH_HEADER_SIZE).copy(bad, BATCH_HEADER_SIZE);
      updateCrc(bad);
      return { damage: 'garbage records, CRC fixed', records: bad, errors: [INVALID_RECORD] };
    }
    case 5:
      return {
        damage: 'cut batch',
        records: good.subarray(0, random.int(1, good.length - 1)),
        errors: [CORRUPT_MESSAGE],
      };
    default:
      return {
        damage: 'garbage after the batch',
        records: Buffer.concat([good, random.bytes(random.int(1, 80))]),
        errors: [CORRUPT_MESSAGE, INVALID_RECORD],
      };
  }
}

function answeredFrame(random: SeededRandom, correlationId: number): AnsweredFrame {
  const roll = random.next();
  if (roll < 0.2) {
    const version = random.int(served.get(API_KEYS.ApiVersions)![1] + 1, 32767);
    return {
      kind: 'ApiVersions unsupported version',
      apiKey: API_KEYS.ApiVersions,
      responseVersion: 0,
      correlationId,
      bytes: headerV1Frame(API_KEYS.ApiVersions, version, correlationId, random.bytes(random.int(0, 32))),
      check: checkUnsupportedApiVersions,
    };
  }
  if (roll < 0.4) {
    const version = random.int(0, 2);
    const partitions = random.int(1, 4);
    const body = {
      acks: random.pick([-1, 1]),
      timeoutMs: 1000,
      topicData: [
        {
          name: random.pick([STORM_TOPIC, 'no-such-topic']),
          partitionData: Array.from({ length: partitions }, (_, index) => ({
            index,
            records: random.next() < 0.5 ? null : random.bytes(random.int(0, 100)),
          })),
        },
      ],
    };
    return {
      kind: 'Produce v0-2',
      apiKey: API_KEYS.Produce,
      responseVersion: version,
      correlationId,
      bytes: encodeRequest(API_KEYS.Produce, version, correlationId, CLIENT_ID, body),
      check: (response) =>
        assert.deepEqual(
          partitionErrors(response),
          new Array(partitions).fill(ERRORS.UNSUPPORTED_VERSION.code),
        ),
    };
  }
  const version = random.int(3, 11);
  const { damage, records, errors } = corruptBatch(random);
  const partition = random.int(0, STORM_PARTITIONS - 1);
  return {
    kind: `Produce batch: ${damage}`,
    apiKey: API_KEYS.Produce,
    responseVersion: version,
    correlationId,
    bytes: encodeRequest(
      API_KEYS.Produce,
      version,
      correlationId,
      CLIENT_ID,
      produceBody(STORM_TOPIC, partition, records, random.pick([-1, 1])),
    ),
    check: (response) => {
      const [code] = partitionErrors(response);
      assert.ok(errors.includes(code), `${damage}: error ${code}, expected one of ${errors}`);
    },
  };
}

/** Sends frames `window` at a time on one connection and checks every answer, in order. */
async function runPipeline(
  port: number,
  frames: AnsweredFrame[],
  counts: Map<string, number>,
): Promise<void> {
  const client = await RawClient.connect(port, { timeoutMs: PROBE_TIMEOUT_MS });
  try {
    for (let start = 0; start < frames.length; start += PIPELINE_WINDOW) {
      const window = frames.slice(start, start + PIPELINE_WINDOW);
      client.write(Buffer.concat(window.map((frame) => frame.bytes)));
      for (const frame of window) {
        const answer = await client.nextFrame(PROBE_TIMEOUT_MS).catch((error: Error) => {
          throw new Error(`${frame.kind} 0x${frame.bytes.toString('hex')}: ${error.message}`);
        });
        const response = decodeResponse(frame.apiKey, frame.responseVersion, answer);
        assert.equal(response.correlationId, frame.correlationId, frame.kind);
        frame.check(response.body);
        counts.set(frame.kind, (counts.get(frame.kind) ?? 0) + 1);
      }
    }
  } finally {
    client.destroy();
  }
}

// ---------- helpers ----------

/** A real GC before measuring the heap: node:test offers no --expose-gc, V8 can enable it at run time. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Polls `condition` (every 10 ms: a pace, not a wait for something) until it holds or time runs out. */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs `tasks` with at most `limit` in flight; the first failure fails the whole run. */
async function runPool(count: number, limit: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

function connectionCount(): number {
  return nagare.broker.listeners.reduce((n, listener) => n + listener.connectionCount, 0);
}

// ---------- the exact Kafka behaviours ----------

test('ApiVersions with an unsupported version gets error 35 in a v0 response listing its range', async () => {
  await withRawClient(nagare.port, async (client) => {
    for (const version of [5, 99, 32767]) {
      client.write(headerV1Frame(API_KEYS.ApiVersions, version, 4242 + version, Buffer.alloc(0)));
      const response = decodeResponse(API_KEYS.ApiVersions, 0, await client.nextFrame());
      assert.equal(response.correlationId, 4242 + version);
      checkUnsupportedApiVersions(response.body);
      assert.deepEqual(served.get(API_KEYS.ApiVersions), [0, 4]);
    }
    // The connection stays usable: the client retries with a version from the range.
    const retry = await client.request(API_KEYS.ApiVersions, 3, {
      clientSoftwareName: 'nagare-robustness',
      clientSoftwareVersion: '1',
    });
    assert.equal(retry.errorCode, 0);
  });
});

test('Produce v0-2 gets UNSUPPORTED_VERSION (35) for every partition', async () => {
  await withRawClient(nagare.port, async (client) => {
    for (const version of [0, 1, 2]) {
      const response = await client.request(API_KEYS.Produce, version, {
        acks: -1,
        timeoutMs: 1000,
        topicData: [
          { name: STORM_TOPIC, partitionData: [0, 1, 2].map((index) => ({ index, records: batch(1) })) },
          { name: 'unknown-topic', partitionData: [{ index: 7, records: null }] },
        ],
      });
      const byTopic = (response.responses as Message[]).map((topic) => [
        topic.name,
        (topic.partitionResponses as Message[]).map((p) => [p.index, p.errorCode]),
      ]);
      assert.deepEqual(byTopic, [
        [
          STORM_TOPIC,
          [
            [0, 35],
            [1, 35],
            [2, 35],
          ],
        ],
        ['unknown-topic', [[7, 35]]],
      ]);
    }
  });
});

test('an unknown API key closes the connection without an answer', async () => {
  for (const apiKey of [-1, 9999, 32767, API_KEYS.LeaderAndIsr]) {
    assert.ok(!served.has(apiKey));
    await withRawClient(nagare.port, async (client) => {
      client.write(headerV1Frame(apiKey, 0, 1, Buffer.alloc(8)));
      await client.expectClose();
    });
  }
});

// ---------- the storm ----------

test(`the broker survives ${CLOSING_PROBES + ANSWERED_FRAMES} malformed frames on hundreds of connections`, async (t) => {
  t.diagnostic(`seed ${seed} (NAGARE_FUZZ_SEED)`);
  const random = seededRandom(seed);
  const closingProbes = Array.from({ length: CLOSING_PROBES }, (_, i) =>
    closingProbe(random, CLOSING_KINDS[i % CLOSING_KINDS.length]),
  );
  const pipelines = Array.from({ length: PIPELINES }, () =>
    Array.from({ length: ANSWERED_FRAMES / PIPELINES }, (_, i) => answeredFrame(random, i)),
  );

  collectGarbage();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  const baselineConnections = connectionCount();
  const started = Date.now();

  // Stuck clients: each sent half a frame header and waits; the broker must go on serving others.
  const idle = await Promise.all(
    Array.from({ length: IDLE_CONNECTIONS }, async () => {
      const client = await RawClient.connect(nagare.port);
      client.write(Buffer.from([0, 0]));
      return client;
    }),
  );
  // A connect completes in the kernel's accept queue; wait until the broker really took them all, or the
  // storm's first connections would overflow that queue (backlog 511) and stall in SYN retransmits.
  await waitFor(() => connectionCount() >= baselineConnections + IDLE_CONNECTIONS, 'the idle connections');

  // A well-behaved client produces all along and must never fail or stall.
  let stormDone = false;
  let steadySent = 0;
  const producer = new Producer({
    clientId: 'nagare-well-behaved',
    bootstrapBrokers: [nagare.bootstrap],
    acks: -1,
    timeout: PROBE_TIMEOUT_MS,
  });
  const steady = (async () => {
    while (!stormDone || steadySent < 10) {
      const result = await producer.send({
        messages: [{ topic: STEADY_TOPIC, partition: 0, value: Buffer.from(String(steadySent)) }],
      });
      assert.equal(Number(result.offsets?.[0]?.offset), steadySent, 'offset of the well-behaved record');
      steadySent++;
    }
  })();
  // Its failure is reported after the storm (awaited below), not as an unhandled rejection meanwhile.
  steady.catch(() => {});

  const answeredCounts = new Map<string, number>();
  const closedCounts = new Map<string, number>();
  try {
    await Promise.all([
      runPool(closingProbes.length, CLOSING_CONCURRENCY, async (i) => {
        await runClosingProbe(nagare.port, closingProbes[i], i);
        closedCounts.set(closingProbes[i].kind, (closedCounts.get(closingProbes[i].kind) ?? 0) + 1);
        if (i % 1000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }),
      ...pipelines.map((frames) => runPipeline(nagare.port, frames, answeredCounts)),
    ]);
    // The stuck clients were never answered nor dropped mid-frame; now they go.
    for (const client of idle) assert.equal(client.isClosed, false, 'an idle client was disconnected');
  } finally {
    stormDone = true;
    for (const client of idle) client.destroy();
    await steady.finally(() => producer.close());
  }
  const elapsed = Date.now() - started;

  await waitFor(() => connectionCount() <= baselineConnections, 'the broker to drop every storm connection');
  collectGarbage();
  const afterStorm = process.memoryUsage();
  peakRss = Math.max(peakRss, afterStorm.rss);

  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  t.diagnostic(
    `${CLOSING_PROBES + ANSWERED_FRAMES} frames in ${elapsed} ms; well-behaved records: ${steadySent}`,
  );
  t.diagnostic(`closed: ${JSON.stringify(Object.fromEntries(closedCounts))}`);
  t.diagnostic(`answered: ${JSON.stringify(Object.fromEntries(answeredCounts))}`);
  t.diagnostic(
    `rss ${mb(before.rss)} → peak ${mb(peakRss)} → ${mb(afterStorm.rss)}; heap ${mb(before.heapUsed)} → ${mb(afterStorm.heapUsed)}`,
  );

  assert.equal(
    [...closedCounts.values()].reduce((a, b) => a + b, 0),
    CLOSING_PROBES,
  );
  assert.equal(
    [...answeredCounts.values()].reduce((a, b) => a + b, 0),
    ANSWERED_FRAMES,
  );
  assert.ok(peakRss - before.rss < MAX_RSS_GROWTH_BYTES, `RSS grew by ${mb(peakRss - before.rss)}`);
  assert.ok(
    afterStorm.heapUsed - before.heapUsed < MAX_HEAP_GROWTH_BYTES,
    `heap grew by ${mb(afterStorm.heapUsed - before.heapUsed)}`,
  );

  // Nothing corrupt was appended, and the well-behaved records are all there, in order.
  await withRawClient(nagare.port, async (client) => {
    for (let partition = 0; partition < STORM_PARTITIONS; partition++) {
      assert.equal(await latestOffset(client, STORM_TOPIC, partition), 0n, 'the storm topic must stay empty');
    }
  });
  const records = await readAllPartitions({
    bootstrap: nagare.bootstrap,
    topic: STEADY_TOPIC,
    partitions: 1,
  });
  assert.deepEqual(
    records.map((record) => [record.offset, record.value?.toString()]),
    Array.from({ length: steadySent }, (_, i) => [i, String(i)]),
  );
});

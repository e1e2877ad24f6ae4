// Byte-exact codec tests on frames real clients exchanged with Nagare. A recording TCP proxy sits between
// each client (kcat, kafkajs, @platformatic/kafka, kafka-python, confluent-kafka) and an in-process
// broker that advertises the proxy, so that every connection goes through it. Every request frame must
// decode and re-encode to the same bytes, and so must every response the broker sent back: the codec
// loses nothing a real client relies on, in either direction.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, type TestContext, test } from 'node:test';
import { promisify } from 'node:util';
import {
  Admin,
  ConfigResourceTypes,
  IncrementalAlterConfigOperationTypes,
  Producer,
} from '@platformatic/kafka';
import kafkajs from 'kafkajs';
import { FrameReader } from '../../src/broker/server/frame-reader.ts';
import type { Message } from '../../src/protocol/codec.ts';
import {
  apiSchema,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from '../../src/protocol/frames.ts';
import { API_KEYS } from '../../src/protocol/schema/messages.generated.ts';
import { kcatMissing, pythonModulesMissing, requireInCI, systemPython } from '../support/external-tools.ts';
import { type NagareUnderTest, startNagare } from '../support/nagare.ts';
import { readAllPartitions } from '../support/platformatic-io.ts';
import { driverArgs, toJsonLines } from '../support/python-clients.ts';
import { createTopic, withRawClient } from '../support/raw-client.ts';

const run = promisify(execFile);
const TOOL_TIMEOUT_MS = 60_000;

// ---------- the recording proxy ----------

/** One request a client sent and, unless the broker sent none, its response; frames without size prefix. */
interface Exchange {
  apiKey: number;
  version: number;
  correlationId: number;
  request: Buffer;
  response?: Buffer;
}

const NO_FRAME_LIMIT = 0x7fffffff;

class RecordingProxy {
  readonly exchanges: Exchange[] = [];
  /** Responses that answer no request seen on their connection. */
  readonly strayResponses: Buffer[] = [];
  /**
   * Requests still waiting when the broker closed their connection. Those pending when the client
   * closes are normal (a consumer leaving during a long-poll Fetch, Produce with acks=0).
   */
  readonly unansweredAtBrokerClose: Exchange[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #targetPort = 0;

  constructor() {
    this.#server = createServer((client) => this.#accept(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    return (this.#server.address() as { port: number }).port;
  }

  forwardTo(port: number): void {
    this.#targetPort = port;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Bytes go through unchanged; a copy of the stream is cut into frames on the side. */
  #accept(client: Socket): void {
    const upstream = connect({ host: '127.0.0.1', port: this.#targetPort });
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => {});
    }
    const pending = new Map<number, Exchange>();
    const requests = new FrameReader(NO_FRAME_LIMIT);
    const responses = new FrameReader(NO_FRAME_LIMIT);
    client.on('data', (chunk) => {
      upstream.write(chunk);
      for (const request of requests.push(chunk).frames) {
        const exchange: Exchange = {
          apiKey: request.readInt16BE(0),
          version: request.readInt16BE(2),
          correlationId: request.readInt32BE(4),
          request: Buffer.from(request),
        };
        this.exchanges.push(exchange);
        pending.set(exchange.correlationId, exchange);
      }
    });
    upstream.on('end', () => this.unansweredAtBrokerClose.push(...pending.values()));
    upstream.on('data', (chunk) => {
      client.write(chunk);
      for (const response of responses.push(chunk).frames) {
        const exchange = pending.get(response.readInt32BE(0));
        if (!exchange) {
          this.strayResponses.push(Buffer.from(response));
          continue;
        }
        pending.delete(exchange.correlationId);
        exchange.response = Buffer.from(response);
      }
    });
  }
}

// ---------- the byte-exact checks ----------

function apiName(apiKey: number): string {
  return apiSchema(apiKey)?.name ?? `key ${apiKey}`;
}

/** Where a re-encoded frame first differs from the captured one (both without size prefix). */
function firstDifference(captured: Buffer, again: Buffer): string {
  let at = 0;
  while (at < captured.length && at < again.length && captured[at] === again[at]) at++;
  const around = (frame: Buffer) => frame.subarray(Math.max(0, at - 8), at + 16).toString('hex');
  return `${captured.length} bytes captured, ${again.length} re-encoded, first difference at byte ${at}: …${around(captured)}… became …${around(again)}…`;
}

/** The version the broker encoded a response in: ApiVersions answers a version it does not serve in v0. */
function responseVersion(exchange: Exchange): number {
  return exchange.apiKey === API_KEYS.ApiVersions && exchange.version > apiVersionsMax ? 0 : exchange.version;
}

interface Coverage {
  requests: Map<string, number>;
  responses: Map<string, number>;
}

/** Re-encodes every captured frame; returns what is covered, and every mismatch as one problem. */
function checkExchanges(exchanges: Exchange[]): { coverage: Coverage; problems: string[] } {
  const coverage: Coverage = { requests: new Map(), responses: new Map() };
  const problems = new Set<string>();
  /** `reencode` turns the captured frame into its encoding, size prefix included. */
  const check = (
    what: string,
    direction: 'request' | 'response',
    captured: Buffer,
    reencode: () => Buffer,
  ) => {
    const covered = direction === 'request' ? coverage.requests : coverage.responses;
    let again: Buffer;
    try {
      again = reencode();
    } catch (error) {
      problems.add(`${what} ${direction} does not decode: ${(error as Error).message}`);
      return;
    }
    if (again.readInt32BE(0) === captured.length && again.subarray(4).equals(captured)) {
      covered.set(what, (covered.get(what) ?? 0) + 1);
    } else {
      problems.add(`${what} ${direction}: ${firstDifference(captured, again.subarray(4))}`);
    }
  };
  for (const exchange of exchanges) {
    check(`${apiName(exchange.apiKey)} v${exchange.version}`, 'request', exchange.request, () => {
      const { header, body } = decodeRequest(exchange.request);
      return encodeRequest(header.apiKey, header.apiVersion, header.correlationId, header.clientId, body);
    });
    const { response } = exchange;
    if (!response) continue;
    const version = responseVersion(exchange);
    check(`${apiName(exchange.apiKey)} v${version}`, 'response', response, () => {
      const { correlationId, body } = decodeResponse(exchange.apiKey, version, response);
      return Buffer.concat(encodeResponse(exchange.apiKey, version, correlationId, body));
    });
  }
  return { coverage, problems: [...problems] };
}

function describeCoverage(map: Map<string, number>): string {
  return [...map]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([label, n]) => `${label} ×${n}`)
    .join(', ');
}

// ---------- the broker behind the proxy ----------

let proxy: RecordingProxy;
let nagare: NagareUnderTest;
let bootstrap: string;
let workDir: string;
/** The highest ApiVersions version the broker serves. */
let apiVersionsMax: number;

before(async () => {
  proxy = new RecordingProxy();
  const proxyPort = await proxy.listen();
  bootstrap = `127.0.0.1:${proxyPort}`;
  // Clients connect to whatever Metadata advertises: the proxy, so that no connection bypasses it.
  nagare = await startNagare({ overrides: { 'advertised.listeners': `PLAINTEXT://${bootstrap}` } });
  proxy.forwardTo(nagare.port);
  apiVersionsMax = await withRawClient(nagare.port, async (client) => {
    const response = await client.request(API_KEYS.ApiVersions, 0, {});
    return (response.apiKeys as Message[]).find((api) => api.apiKey === API_KEYS.ApiVersions)!.maxVersion;
  });
  workDir = await mkdtemp(join(tmpdir(), 'nagare-captured-'));
});

after(async () => {
  await proxy?.close();
  await nagare?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/**
 * Runs one client's session and checks every frame it exchanged with the broker. `expected` are APIs
 * the session must have used, so that a client talking past the proxy cannot pass unnoticed.
 */
async function checkSession(t: TestContext, expected: number[], session: () => Promise<void>): Promise<void> {
  const from = proxy.exchanges.length;
  await session();
  const exchanges = proxy.exchanges.slice(from);
  const { coverage, problems } = checkExchanges(exchanges);
  t.diagnostic(`requests: ${describeCoverage(coverage.requests)}`);
  t.diagnostic(`responses: ${describeCoverage(coverage.responses)}`);
  assert.deepEqual(problems, [], 'every captured frame re-encodes to the same bytes');
  assert.deepEqual(proxy.strayResponses, [], 'responses that answer no request');
  const used = new Set(exchanges.map((exchange) => exchange.apiKey));
  for (const apiKey of expected) assert.ok(used.has(apiKey), `the session never sent ${apiName(apiKey)}`);
  assert.deepEqual(
    proxy.unansweredAtBrokerClose.filter((exchange) => exchanges.includes(exchange)).map(describeExchange),
    [],
    'requests left unanswered when the broker closed a connection',
  );
}

function describeExchange(exchange: Exchange): string {
  return `${apiName(exchange.apiKey)} v${exchange.version} #${exchange.correlationId}`;
}

async function createTopicDirectly(name: string, partitions: number): Promise<void> {
  await withRawClient(nagare.port, (client) => createTopic(client, name, partitions));
}

async function tool(command: string, args: string[], input?: string): Promise<string> {
  const pending = run(command, args, { timeout: TOOL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  if (input !== undefined) pending.child.stdin?.end(input);
  const { stdout } = await pending;
  return stdout;
}

// ---------- the clients ----------

const kcatSkip = requireInCI(kcatMissing());

test('kcat: metadata, produce and consume frames re-encode byte for byte', { skip: kcatSkip }, async (t) => {
  const topic = 'captured-kcat';
  await createTopicDirectly(topic, 2);
  await checkSession(
    t,
    [API_KEYS.ApiVersions, API_KEYS.Metadata, API_KEYS.Produce, API_KEYS.Fetch],
    async () => {
      await tool('kcat', ['-b', bootstrap, '-L']);
      for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
        await tool(
          'kcat',
          ['-b', bootstrap, '-P', '-t', topic, '-p', '0', '-z', codec, '-K:'],
          'k1:v1\nk2:v2\n:v3\n',
        );
      }
      const consumed = await tool('kcat', [
        '-b',
        bootstrap,
        '-C',
        '-t',
        topic,
        '-p',
        '0',
        '-o',
        'beginning',
        '-e',
      ]);
      assert.equal(consumed.split('\n').filter(Boolean).length, 15);
    },
  );
});

/**
 * What the kafkajs and @platformatic/kafka admin sessions both do: create a topic and a scratch one,
 * grow the scratch one to 2 partitions, describe the topic's configs, delete the scratch one.
 */
const ADMIN_SESSION_APIS = [
  API_KEYS.ApiVersions,
  API_KEYS.Metadata,
  API_KEYS.CreateTopics,
  API_KEYS.CreatePartitions,
  API_KEYS.DescribeConfigs,
  API_KEYS.DeleteTopics,
];

test('kafkajs: admin and idempotent producer frames re-encode byte for byte', async (t) => {
  const topic = 'captured-kafkajs';
  const scratch = `${topic}-scratch`;
  const apis = [...ADMIN_SESSION_APIS, API_KEYS.InitProducerId, API_KEYS.Produce];
  await checkSession(t, apis, async () => {
    const kafka = new kafkajs.Kafka({
      clientId: 'nagare-captured',
      brokers: [bootstrap],
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      assert.equal(
        await admin.createTopics({ topics: [{ topic, numPartitions: 2 }, { topic: scratch }] }),
        true,
      );
      await admin.createPartitions({ topicPartitions: [{ topic: scratch, count: 2 }] });
      await admin.describeConfigs({
        resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic }],
        includeSynonyms: false,
      });
      await admin.fetchTopicMetadata({ topics: [topic] });
      await admin.deleteTopics({ topics: [scratch] });
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ key: 'k', value: 'v' }, { value: 'no key' }], acks: -1 });
      await producer.send({
        topic,
        compression: kafkajs.CompressionTypes.GZIP,
        messages: [{ value: 'gzipped', headers: { source: 'kafkajs' } }],
      });
    } finally {
      await producer.disconnect();
    }
  });
});

test('@platformatic/kafka: admin, producer and fetch frames re-encode byte for byte', async (t) => {
  const topic = 'captured-platformatic';
  const scratch = `${topic}-scratch`;
  const apis = [
    ...ADMIN_SESSION_APIS,
    API_KEYS.IncrementalAlterConfigs,
    API_KEYS.ListOffsets,
    API_KEYS.Produce,
    API_KEYS.Fetch,
  ];
  await checkSession(t, apis, async () => {
    const admin = new Admin({ clientId: 'nagare-captured', bootstrapBrokers: [bootstrap] });
    try {
      await admin.createTopics({ topics: [topic, scratch], partitions: 1, replicas: 1 });
      await admin.createPartitions({ topics: [{ name: scratch, count: 2 }] });
      const retention = {
        name: 'retention.ms',
        configOperation: IncrementalAlterConfigOperationTypes.SET,
        value: '86400000',
      };
      await admin.incrementalAlterConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configs: [retention] }],
      });
      await admin.describeConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic }],
      });
      await admin.listOffsets({
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
      });
      await admin.deleteTopics({ topics: [scratch] });
    } finally {
      await admin.close();
    }
    const producer = new Producer({ clientId: 'nagare-captured', bootstrapBrokers: [bootstrap], acks: -1 });
    try {
      await producer.send({
        messages: [
          { topic, partition: 0, key: Buffer.from('k'), value: Buffer.from('v') },
          {
            topic,
            partition: 0,
            value: Buffer.from('v2'),
            headers: new Map([[Buffer.from('h'), Buffer.from('x')]]),
          },
        ],
      });
    } finally {
      await producer.close();
    }
    const records = await readAllPartitions({ bootstrap, topic, partitions: 1 });
    assert.deepEqual(
      records.map((record) => record.value?.toString()),
      ['v', 'v2'],
    );
  });
});

for (const { name, script, modules } of [
  { name: 'kafka-python', script: 'kafka_python_client.py', modules: ['kafka'] },
  { name: 'confluent-kafka', script: 'confluent_kafka_client.py', modules: ['confluent_kafka'] },
]) {
  test(`${name}: admin, producer and consumer frames re-encode byte for byte`, {
    skip: requireInCI(pythonModulesMissing(modules)),
  }, async (t) => {
    const topic = `captured-${name}`;
    const driver = (command: string, ...args: string[]) =>
      tool(systemPython, [...driverArgs(script, command, bootstrap, topic), ...args]);
    const input = join(workDir, `${name}.jsonl`);
    const now = Date.now();
    const records = ['a', 'b', 'c'].map((value, index) => ({
      index,
      partition: 0,
      key: Buffer.from(`key-${index}`),
      value: Buffer.from(value),
      headers: [],
      timestamp: now,
      codec: 'none' as const,
    }));
    await writeFile(input, toJsonLines(records));
    await checkSession(
      t,
      [API_KEYS.Metadata, API_KEYS.CreateTopics, API_KEYS.Produce, API_KEYS.Fetch],
      async () => {
        await driver('create-topic', '--partitions', '1');
        await driver('produce', '--input', input);
        await driver('consume', '--partitions', '1', '--output', join(workDir, `${name}.out.jsonl`));
      },
    );
  });
}

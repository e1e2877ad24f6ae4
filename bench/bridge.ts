// Records/s through the HTTP bridge (Strimzi Kafka Bridge API) next to the same records with the
// direct @platformatic/kafka client, measured in the same run on the same broker: produced (batches
// of 100 JSON records from several concurrent keep-alive HTTP clients) and consumed (one consumer
// instance polling). Usage: node bench/bridge.ts [--reps 3] [--seconds 5] [--clients 8]
// [--partitions 3] [--consume-records 1000000] [--kafka]   (see bench/README.md)
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Consumer, Producer } from '@platformatic/kafka';
import { apacheKafkaLibs } from '../test/support/apache-kafka.ts';
import {
  type BenchBroker,
  nagareCliPath,
  nodeBinary,
  startKafkaProcess,
  startNagareProcess,
} from './support/brokers.ts';
import { createTopic } from './support/kafka-admin.ts';
import { cpuSeconds, machineBusySeconds } from './support/proc-stats.ts';
import { type Cell, printJsonLine, printNoiseNote, printTable, progress } from './support/report.ts';
import { medianOfFields, ratio } from './support/stats.ts';

/** Records per request (through the bridge) and per send call (direct). */
const BATCH = 100;

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    'warmup-seconds': { type: 'string', default: '3' },
    clients: { type: 'string', default: '8' },
    partitions: { type: 'string', default: '3' },
    'consume-records': { type: 'string', default: '1000000' },
    kafka: { type: 'boolean', default: false },
  },
});
const settings = {
  /** Repetitions of every case, interleaved; tables show medians. */
  reps: Number(values.reps),
  /** Length of one measured produce run. */
  seconds: Number(values.seconds),
  /** Each case first produces this long, unmeasured, so that both JITs and the bridge are warm. */
  warmupSeconds: Number(values['warmup-seconds']),
  /** Concurrent HTTP clients (each its own keep-alive connection), and as many direct sends in flight. */
  clients: Number(values.clients),
  partitions: Number(values.partitions),
  /** Records each consume run reads from the beginning. */
  consumeRecords: Number(values['consume-records']),
  /** Also a bridge on Apache Kafka, next to the direct client on Kafka. */
  kafka: values.kafka,
};
if (
  !(
    settings.reps >= 1 &&
    settings.seconds > 0 &&
    settings.warmupSeconds >= 0 &&
    settings.clients >= 1 &&
    settings.partitions >= 1 &&
    settings.consumeRecords >= BATCH
  )
) {
  throw new Error(`bad settings: ${JSON.stringify(settings)}`);
}

const MiB = 1024 * 1024;
const JSON_RECORDS = 'application/vnd.kafka.json.v2+json';
const BRIDGE_JSON = 'application/vnd.kafka.v2+json';
/** A consume run that has not seen every record by then has failed. */
const consumeTimeoutMs = 120_000;
/**
 * Groups form at once instead of after Kafka's default 3 s (groups.ts does the same): the consume runs
 * include the join, and this keeps it from dwarfing the reading.
 */
const brokerOverrides = { 'group.initial.rebalance.delay.ms': '0' };

/** A small event, as services post them: the bridge stores JSON.stringify(value) as the record value. */
function eventValue(index: number) {
  return {
    id: index,
    user: `user-${String(index % 1000).padStart(4, '0')}`,
    action: ['view', 'click', 'purchase'][index % 3],
    amount: (index % 997) / 10,
    tags: ['bench', 'bridge'],
  };
}
const batchValues = Array.from({ length: BATCH }, (_, index) => eventValue(index));
/** One request body, sent by every HTTP client: the bridge parses and encodes it every time alike. */
const httpBody = Buffer.from(JSON.stringify({ records: batchValues.map((value) => ({ value })) }));
/** The bytes the bridge writes for those records: the direct client sends exactly these. */
const recordValues = batchValues.map((value) => Buffer.from(JSON.stringify(value)));
const valueBytesPerBatch = recordValues.reduce((sum, value) => sum + value.length, 0);

interface RunningBridge {
  url: URL;
  pid: number;
  stop(): Promise<void>;
}

/** `nagare bridge` as its own OS process (so its CPU can be read), on any free port. */
async function startBridgeProcess(bootstrap: string): Promise<RunningBridge> {
  const dir = await mkdtemp(join(tmpdir(), 'nagare-bench-bridge-'));
  const configPath = join(dir, 'bridge.properties');
  const logPath = join(dir, 'bridge.log');
  await writeFile(
    configPath,
    [
      `kafka.bootstrap.servers=${bootstrap}`,
      'http.host=127.0.0.1',
      'http.port=0',
      'http.management.port=0',
      '',
    ].join('\n'),
  );
  const logFd = openSync(logPath, 'a');
  const child = spawn(
    nodeBinary,
    [nagareCliPath(), 'bridge', '--config', configPath, '--log-level', 'warn'],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', logFd],
    },
  );
  closeSync(logFd);
  const stop = async () => {
    await endChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const url = await readyUrl(child, 60_000);
    return { url, pid: child.pid ?? -1, stop };
  } catch (error) {
    const log = await readFile(logPath, 'utf8').catch(() => '');
    await stop();
    throw new Error(`the bridge did not start: ${(error as Error).message}\n${log.slice(-3000)}`);
  }
}

/** The URL in the bridge's ready line (`Nagare bridge ready at http://…`). */
function readyUrl(child: ChildProcess, timeoutMs: number): Promise<URL> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`no ready line after ${timeoutMs} ms`)), timeoutMs);
    lines.on('line', (line) => {
      const match = /ready at (http:\/\/\S+)/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve(new URL(match[1]));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (code ${code}, signal ${signal})`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function endChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

interface HttpAnswer {
  status: number;
  body: string;
}

/** Keep-alive connections, one per concurrent client, reused for every request of a run. */
function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: settings.clients });
}

function httpCall(
  agent: Agent,
  url: URL,
  method: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        agent,
        method,
        headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
        response.on('error', reject);
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

async function bridgeCall(
  agent: Agent,
  url: URL,
  method: string,
  expected: number,
  options: { body?: unknown; accept?: string } = {},
): Promise<unknown> {
  const headers: Record<string, string> = { accept: options.accept ?? BRIDGE_JSON };
  if (options.body !== undefined) headers['content-type'] = BRIDGE_JSON;
  const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const answer = await httpCall(agent, url, method, headers, body);
  if (answer.status !== expected) {
    throw new Error(`${method} ${url.pathname} → ${answer.status} (expected ${expected}): ${answer.body}`);
  }
  return answer.body === '' ? undefined : JSON.parse(answer.body);
}

type Figures = Record<string, number>;

/** CPU counters at one moment: the difference of two is what each party used in between. */
function cpuSample(brokerPid: number, bridgePid: number | undefined) {
  const client = process.cpuUsage();
  return {
    at: performance.now(),
    broker: cpuSeconds(brokerPid),
    bridge: bridgePid === undefined ? 0 : cpuSeconds(bridgePid),
    client: (client.user + client.system) / 1e6,
    machine: machineBusySeconds(),
  };
}
type CpuSample = ReturnType<typeof cpuSample>;

function cpuFigures(start: CpuSample, end: CpuSample, records: number): Figures {
  const seconds = (end.at - start.at) / 1000;
  const broker = end.broker - start.broker;
  const bridge = end.bridge - start.bridge;
  const client = end.client - start.client;
  const other = end.machine - start.machine - broker - bridge - client;
  return {
    brokerCores: broker / seconds,
    bridgeCores: bridge / seconds,
    bridgeCpuUsPerRecord: (bridge / records) * 1e6,
    clientCores: client / seconds,
    otherCores: Math.max(0, other) / seconds,
  };
}

/** A producer-side case: one way of getting batches of 100 records into the broker. */
interface ProduceCase {
  label: string;
  broker: BenchBroker;
  /** Present for cases through the bridge. */
  bridge?: RunningBridge;
  /** The direct-client case on the same broker (bridge rows only). */
  directPeer?: string;
}

/** Sends one batch of the 100 records, through the bridge or directly; close() ends its connections. */
interface BatchSender {
  send(): Promise<void>;
  close(): Promise<void>;
}

/** `clients` senders of one batch each, each sending again as soon as its batch is acknowledged. */
async function sendLoop(sender: BatchSender, keepGoing: () => boolean) {
  const latencies: number[] = [];
  let batches = 0;
  const started = performance.now();
  const client = async () => {
    while (keepGoing()) {
      const sentAt = performance.now();
      await sender.send();
      latencies.push(performance.now() - sentAt);
      batches++;
    }
  };
  await Promise.all(Array.from({ length: settings.clients }, client));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { records: batches * BATCH, elapsed, latencies };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function httpBatchSender(bridge: RunningBridge, topic: string): BatchSender {
  const agent = keepAliveAgent();
  const url = new URL(`/topics/${topic}`, bridge.url);
  const headers = { 'content-type': JSON_RECORDS, accept: BRIDGE_JSON };
  return {
    async send() {
      const answer = await httpCall(agent, url, 'POST', headers, httpBody);
      if (answer.status !== 200) throw new Error(`POST ${url.pathname} → ${answer.status}: ${answer.body}`);
      const { offsets } = JSON.parse(answer.body) as {
        offsets: { error_code?: number; message?: string }[];
      };
      const failed = offsets.find((offset) => offset.error_code !== undefined);
      if (offsets.length !== BATCH || failed) {
        throw new Error(
          `POST ${url.pathname}: ${offsets.length} offsets, first failure ${JSON.stringify(failed)}`,
        );
      }
    },
    async close() {
      agent.destroy();
    },
  };
}

/** The direct client, set up as the bridge's producer is: acks=all, partitions round robin. */
function directBatchSender(broker: BenchBroker, topic: string): BatchSender {
  const producer = new Producer({
    clientId: 'nagare-bench-direct',
    bootstrapBrokers: [broker.bootstrap],
    acks: -1,
  });
  const messages = recordValues.map((value, index) => ({
    topic,
    partition: index % settings.partitions,
    value,
  }));
  return {
    async send() {
      await producer.send({ messages });
    },
    close: () => producer.close(),
  };
}

async function produce(testCase: ProduceCase, topic: string, seconds: number): Promise<Figures> {
  await createTopic(testCase.broker.bootstrap, topic, settings.partitions);
  const sender = testCase.bridge
    ? httpBatchSender(testCase.bridge, topic)
    : directBatchSender(testCase.broker, topic);
  try {
    // One batch first: connections and the topic's metadata are in place before the clock starts.
    await sender.send();
    const start = cpuSample(testCase.broker.pid, testCase.bridge?.pid);
    const deadline = performance.now() + seconds * 1000;
    const run = await sendLoop(sender, () => performance.now() < deadline);
    const end = cpuSample(testCase.broker.pid, testCase.bridge?.pid);
    return {
      records: run.records,
      recordsPerSec: run.records / run.elapsed,
      mibPerSec: ((run.records / BATCH) * (valueBytesPerBatch / MiB)) / run.elapsed,
      p50Ms: quantile(run.latencies, 0.5),
      p99Ms: quantile(run.latencies, 0.99),
      ...cpuFigures(start, end, run.records),
    };
  } finally {
    await sender.close();
  }
}

/** Writes about `records` records (whole batches) with the direct client into a new topic; says how many. */
async function fillTopic(broker: BenchBroker, topic: string, records: number): Promise<number> {
  await createTopic(broker.bootstrap, topic, settings.partitions);
  const sender = directBatchSender(broker, topic);
  try {
    let batches = Math.ceil(records / BATCH);
    const run = await sendLoop(sender, () => batches-- > 0);
    return run.records;
  } finally {
    await sender.close();
  }
}

/** A consumer-side case: reads a topic from the beginning in a fresh group, through the bridge or not. */
interface ConsumeCase {
  label: string;
  broker: BenchBroker;
  bridge?: RunningBridge;
  directPeer?: string;
}

/**
 * Counts records as they arrive, timed from the start of the case (before the consumer is created) to
 * the last record: what a user who reads a topic from scratch waits for, group join included.
 */
class ConsumeMeter {
  readonly #expected: number;
  readonly #sample: () => CpuSample;
  readonly #start: CpuSample;
  #firstAt: number | undefined;
  #end: CpuSample | undefined;
  records = 0;

  constructor(expected: number, sample: () => CpuSample) {
    this.#expected = expected;
    this.#sample = sample;
    this.#start = sample();
  }

  /** Counts `count` records just received; true once all have arrived. */
  add(count: number): boolean {
    if (count === 0) return false;
    this.#firstAt ??= performance.now();
    this.records += count;
    if (this.records < this.#expected) return false;
    this.#end ??= this.#sample();
    return true;
  }

  figures(): Figures {
    if (this.#firstAt === undefined || !this.#end) {
      throw new Error(`${this.records} of ${this.#expected} records consumed`);
    }
    return {
      records: this.records,
      recordsPerSec: this.records / ((this.#end.at - this.#start.at) / 1000),
      toFirstRecordMs: this.#firstAt - this.#start.at,
      ...cpuFigures(this.#start, this.#end, this.records),
    };
  }

  timeoutError(who: string): Error {
    return new Error(`${who}: ${this.records} of ${this.#expected} records after ${consumeTimeoutMs} ms`);
  }
}

async function consumeOverHttp(bridge: RunningBridge, topic: string, group: string, counter: ConsumeMeter) {
  const agent = keepAliveAgent();
  const created = (await bridgeCall(agent, new URL(`/consumers/${group}`, bridge.url), 'POST', 200, {
    body: { name: 'bench', format: 'json', 'auto.offset.reset': 'earliest', 'enable.auto.commit': false },
  })) as { base_uri: string };
  const instance = (path: string) => new URL(`${new URL(created.base_uri).pathname}${path}`, bridge.url);
  try {
    await bridgeCall(agent, instance('/subscription'), 'POST', 204, { body: { topics: [topic] } });
    const deadline = performance.now() + consumeTimeoutMs;
    const poll = instance('/records?timeout=1000');
    let done = false;
    while (!done) {
      if (performance.now() > deadline) throw counter.timeoutError('HTTP consumer');
      const records = (await bridgeCall(agent, poll, 'GET', 200, { accept: JSON_RECORDS })) as unknown[];
      done = counter.add(records.length);
    }
    return counter.figures();
  } finally {
    await bridgeCall(agent, instance(''), 'DELETE', 204);
    agent.destroy();
  }
}

/**
 * The direct consumer fetches as the bridge's consumer instances do by default, with the Java client's
 * fetch.max.bytes, max.partition.fetch.bytes and fetch.max.wait.ms. The library's own default of 50 MiB
 * per partition would decode a whole topic's worth before handing out its first record.
 */
const javaFetchDefaults = { maxBytes: 52_428_800, maxBytesPerPartition: 1_048_576, maxWaitTime: 500 };

async function consumeDirectly(bootstrap: string, topic: string, group: string, counter: ConsumeMeter) {
  const consumer = new Consumer({
    clientId: 'nagare-bench-direct',
    groupId: group,
    bootstrapBrokers: [bootstrap],
    ...javaFetchDefaults,
  });
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(counter.timeoutError('direct consumer')), consumeTimeoutMs);
      stream.on('error', reject);
      stream.on('data', () => {
        if (!counter.add(1)) return;
        clearTimeout(timer);
        resolve();
      });
    });
    await stream.close();
    return counter.figures();
  } finally {
    await consumer.close(true);
  }
}

function consume(testCase: ConsumeCase, topic: string, expected: number, group: string): Promise<Figures> {
  const counter = new ConsumeMeter(expected, () => cpuSample(testCase.broker.pid, testCase.bridge?.pid));
  return testCase.bridge
    ? consumeOverHttp(testCase.bridge, topic, group, counter)
    : consumeDirectly(testCase.broker.bootstrap, topic, group, counter);
}

/** Whether this bridge serves consumers: creating (then deleting) an instance works. */
async function bridgeServesConsumers(bridge: RunningBridge): Promise<boolean> {
  const agent = keepAliveAgent();
  try {
    const group = 'nagare-bench-probe';
    const answer = await httpCall(
      agent,
      new URL(`/consumers/${group}`, bridge.url),
      'POST',
      { 'content-type': BRIDGE_JSON, accept: BRIDGE_JSON },
      Buffer.from(JSON.stringify({ name: 'probe', format: 'json' })),
    );
    if (answer.status !== 200) return false;
    await httpCall(agent, new URL(`/consumers/${group}/instances/probe`, bridge.url), 'DELETE');
    return true;
  } finally {
    agent.destroy();
  }
}

function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

async function measure(cases: ProduceCase[], consumeCases: ConsumeCase[]) {
  for (const testCase of cases) {
    progress(`warming up ${testCase.label} (${settings.warmupSeconds} s)`);
    await produce(testCase, `warmup-${slug(testCase.label)}`, settings.warmupSeconds);
  }
  // What the consume cases read, the same topic in every repetition (from page cache after the first).
  const sources = new Map<BenchBroker, { topic: string; records: number }>();
  for (const { broker } of consumeCases) {
    if (sources.has(broker)) continue;
    progress(`writing ${settings.consumeRecords} records to read back from ${broker.label}`);
    const topic = 'consume-source';
    sources.set(broker, { topic, records: await fillTopic(broker, topic, settings.consumeRecords) });
  }
  const produceRuns = new Map<string, Figures[]>(cases.map((testCase) => [testCase.label, []]));
  const consumeRuns = new Map<string, Figures[]>(consumeCases.map((testCase) => [testCase.label, []]));
  // Repetitions interleave the cases, so that a busy moment on a shared machine hits all of them alike.
  for (let rep = 1; rep <= settings.reps; rep++) {
    for (const testCase of cases) {
      progress(`rep ${rep}/${settings.reps}: produce ${testCase.label}`);
      const figures = await produce(testCase, `${slug(testCase.label)}-r${rep}`, settings.seconds);
      produceRuns.get(testCase.label)!.push(figures);
    }
    for (const testCase of consumeCases) {
      const source = sources.get(testCase.broker)!;
      progress(`rep ${rep}/${settings.reps}: consume ${testCase.label}, ${source.records} records`);
      const group = `bench-${slug(testCase.label)}-r${rep}`;
      consumeRuns.get(testCase.label)!.push(await consume(testCase, source.topic, source.records, group));
    }
  }
  const medians = (runs: Map<string, Figures[]>) =>
    Object.fromEntries([...runs].map(([label, list]) => [label, medianOfFields(list)]));
  return {
    produce: medians(produceRuns),
    consume: medians(consumeRuns),
    runs: { produce: Object.fromEntries(produceRuns), consume: Object.fromEntries(consumeRuns) },
  };
}

type Measured = Awaited<ReturnType<typeof measure>>;

/**
 * One table row: the case, its records/s and ratio to the direct client, the `specific` figures (the
 * table's own columns), then where the CPU went. Bridge columns stay empty for direct cases.
 */
function caseRow(
  testCase: ProduceCase | ConsumeCase,
  figures: Record<string, Figures>,
  specific: string[],
): Cell[] {
  const own = figures[testCase.label];
  const peer = testCase.directPeer ? figures[testCase.directPeer] : undefined;
  return [
    testCase.label,
    own.recordsPerSec,
    peer ? ratio(own.recordsPerSec, peer.recordsPerSec) : '',
    ...specific.map((name) => own[name]),
    own.brokerCores,
    testCase.bridge ? own.bridgeCores : '',
    testCase.bridge ? own.bridgeCpuUsPerRecord : '',
    own.clientCores,
    own.otherCores,
  ];
}

const CPU_COLUMNS = ['broker cores', 'bridge cores', 'bridge CPU µs/record', 'client cores', 'other cores'];

function printResults(cases: ProduceCase[], consumeCases: ConsumeCase[], measured: Measured): void {
  const recordBytes = Math.round(valueBytesPerBatch / BATCH);
  printTable(
    `Produce, batches of ${BATCH} JSON records (${recordBytes} B values), ${settings.clients} concurrent senders, ${settings.partitions} partitions, acks=all, ${settings.seconds} s per run (median of ${settings.reps})`,
    ['case', 'records/s', 'x direct', 'MiB/s', 'batch p50 ms', 'batch p99 ms', ...CPU_COLUMNS],
    cases.map((testCase) => caseRow(testCase, measured.produce, ['mibPerSec', 'p50Ms', 'p99Ms'])),
  );
  if (consumeCases.length === 0) {
    console.log('\nNot measured: consume through HTTP (creating a consumer instance on this bridge failed).');
  } else {
    printTable(
      `Consume ${settings.consumeRecords} records from the beginning, one consumer in a fresh group, from its creation to the last record (median of ${settings.reps})`,
      ['case', 'records/s', 'x direct', 'to 1st record ms', ...CPU_COLUMNS],
      consumeCases.map((testCase) => caseRow(testCase, measured.consume, ['toFirstRecordMs'])),
    );
  }
  const all = [...Object.values(measured.produce), ...Object.values(measured.consume)];
  printNoiseNote(
    all.map((figures) => figures.otherCores),
    availableParallelism(),
  );
}

async function main(): Promise<void> {
  if (settings.kafka && !apacheKafkaLibs()) {
    throw new Error('--kafka needs Apache Kafka: run `bash scripts/ci/fetch-kafka.sh`');
  }
  const stoppers: (() => Promise<void>)[] = [];
  try {
    progress('starting Nagare and a bridge on it');
    const brokers: BenchBroker[] = [await startNagareProcess({ overrides: brokerOverrides })];
    stoppers.push(() => brokers[0].stop());
    if (settings.kafka) {
      progress('starting Apache Kafka and a bridge on it');
      brokers.push(await startKafkaProcess({ overrides: brokerOverrides }));
      stoppers.push(() => brokers[1].stop());
    }
    const cases: ProduceCase[] = [];
    const consumeCases: ConsumeCase[] = [];
    for (const broker of brokers) {
      const bridge = await startBridgeProcess(broker.bootstrap);
      stoppers.push(() => bridge.stop());
      const direct = `direct client → ${broker.label}`;
      const viaBridge = `HTTP bridge → ${broker.label}`;
      cases.push({ label: viaBridge, broker, bridge, directPeer: direct }, { label: direct, broker });
      if (await bridgeServesConsumers(bridge)) {
        consumeCases.push(
          {
            label: `HTTP bridge ← ${broker.label}`,
            broker,
            bridge,
            directPeer: `direct client ← ${broker.label}`,
          },
          { label: `direct client ← ${broker.label}`, broker },
        );
      }
    }
    const measured = await measure(cases, consumeCases);
    printResults(cases, consumeCases, measured);
    printJsonLine('bridge', {
      settings,
      batch: BATCH,
      valueBytesPerBatch,
      produce: measured.produce,
      consume: measured.consume,
      runs: measured.runs,
    });
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch(() => {});
  }
}

await main();

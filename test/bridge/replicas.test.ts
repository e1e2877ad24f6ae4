import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import pino from 'pino';
import { Registry } from 'prom-client';
import { bridgeConfigFromProperties, propertiesFromEnv } from '../../src/bridge/config.ts';
import { claimKey, claimValue, DirectoryState } from '../../src/bridge/replicas/directory-state.ts';
import { FORWARDED_BY_HEADER, forwardedRequest, forwardToOwner } from '../../src/bridge/replicas/forward.ts';
import type { InstanceDirectory } from '../../src/bridge/replicas/instance-directory.ts';
import { openInstanceDirectory } from '../../src/bridge/replicas/kafka-directory.ts';
import type { BridgeOperation, OperationRequest } from '../../src/bridge/routes.ts';
import {
  assertError,
  bridgeSkip,
  bridgeTargets,
  CONTENT_TYPES,
  type RunningBridge,
  startBridge,
  waitUntil,
} from '../support/bridge.ts';
import { requireInCI } from '../support/external-tools.ts';
import { freePorts } from '../support/free-ports.ts';
import type { RunningBroker, Target } from '../support/targets.ts';

const V2 = 'application/vnd.kafka.v2+json';
const JSON_RECORDS = 'application/vnd.kafka.json.v2+json';

describe('replica config', () => {
  it('is off by default, with the directory topic named', () => {
    assert.deepEqual(bridgeConfigFromProperties({}).replica, {
      url: undefined,
      topic: '__nagare_bridge_instances',
    });
  });

  it('takes an http(s) URL and refuses anything else', () => {
    const props = { 'bridge.replica.url': 'http://10.0.0.7:8080', 'bridge.replica.topic': 'instances' };
    assert.deepEqual(bridgeConfigFromProperties(props).replica, {
      url: 'http://10.0.0.7:8080',
      topic: 'instances',
    });
    assert.throws(
      () => bridgeConfigFromProperties({ 'bridge.replica.url': 'ftp://10.0.0.7' }),
      /^BridgeConfigError: bridge\.replica\.url: 'ftp:\/\/10\.0\.0\.7' is not valid: expected an http:\/\/ or https:\/\/ URL$/,
    );
    assert.throws(
      () => bridgeConfigFromProperties({ 'bridge.replica.topic': 'no spaces' }),
      /bridge\.replica\.topic: 'no spaces' is not valid: expected a Kafka topic name/,
    );
  });

  it('reads BRIDGE_REPLICA_URL from the environment, the property name winning', () => {
    assert.deepEqual(propertiesFromEnv({ BRIDGE_REPLICA_URL: 'http://pod:8080' }), {
      'bridge.replica.url': 'http://pod:8080',
    });
    assert.deepEqual(
      propertiesFromEnv({ BRIDGE_REPLICA_URL: 'http://pod:8080', 'bridge.replica.url': 'http://other:8080' }),
      { 'bridge.replica.url': 'http://other:8080' },
    );
  });
});

describe('directory state', () => {
  const claim = (state: DirectoryState, group: string, name: string, url: string, offset: bigint) =>
    state.apply(claimKey('b', group, name, url), claimValue(url), offset);
  const withdraw = (state: DirectoryState, group: string, name: string, url: string, offset: bigint) =>
    state.apply(claimKey('b', group, name, url), null, offset);

  it('gives an instance to the replica whose claim the topic took first', () => {
    const state = new DirectoryState('b');
    claim(state, 'g', 'i', 'http://a', 5n);
    claim(state, 'g', 'i', 'http://b', 6n);
    assert.equal(state.owner('g', 'i')?.url, 'http://a');
    withdraw(state, 'g', 'i', 'http://a', 7n);
    assert.equal(state.owner('g', 'i')?.url, 'http://b');
    withdraw(state, 'g', 'i', 'http://b', 8n);
    assert.equal(state.owner('g', 'i'), undefined);
  });

  it('keeps a repeated claim in its first place', () => {
    const state = new DirectoryState('b');
    claim(state, 'g', 'i', 'http://a', 1n);
    claim(state, 'g', 'i', 'http://b', 2n);
    claim(state, 'g', 'i', 'http://a', 3n);
    assert.equal(state.owner('g', 'i')?.url, 'http://a');
  });

  it("ignores other deployments' records and keys it cannot read", () => {
    const state = new DirectoryState('b');
    state.apply(claimKey('other', 'g', 'i', 'http://x'), claimValue('http://x'), 1n);
    state.apply(Buffer.from('not json'), Buffer.from('{}'), 2n);
    state.apply(null, Buffer.from('{}'), 3n);
    assert.equal(state.owner('g', 'i'), undefined);
  });

  it("lists a replica's claims, so a restarted replica can withdraw them", () => {
    const state = new DirectoryState(null);
    state.apply(claimKey(null, 'g', 'i', 'http://a'), claimValue('http://a'), 1n);
    state.apply(claimKey(null, 'g', 'j', 'http://a'), claimValue('http://a'), 2n);
    state.apply(claimKey(null, 'h', 'k', 'http://b'), claimValue('http://b'), 3n);
    assert.deepEqual(state.claimsOf('http://a'), [
      { group: 'g', name: 'i' },
      { group: 'g', name: 'j' },
    ]);
  });
});

/** An operation as the consumer routes declare it; only method and path matter for forwarding. */
function operation(method: BridgeOperation['method'], path: string): BridgeOperation {
  return {
    operationId: 'op',
    method,
    path,
    description: '',
    tags: [],
    responses: {},
    handle: async () => ({ status: 500 }),
  };
}

function request(overrides: Partial<OperationRequest>): OperationRequest {
  return {
    params: { groupid: 'my group', name: 'i/1' },
    query: {},
    headers: {},
    body: undefined,
    format: undefined,
    ...overrides,
  };
}

describe('forwarded request', () => {
  it('carries path, query, Accept and the JSON body, marked as forwarded', () => {
    const forwarded = forwardedRequest(
      'http://owner:8080/',
      'http://me:8080',
      operation('POST', '/consumers/{groupid}/instances/{name}/subscription'),
      request({
        query: { timeout: '500', unset: undefined },
        headers: { 'content-type': V2, accept: V2, host: 'lb:80' },
        body: { topics: ['t'] },
      }),
    );
    assert.equal(
      forwarded.url,
      'http://owner:8080/consumers/my%20group/instances/i%2F1/subscription?timeout=500',
    );
    assert.equal(forwarded.method, 'POST');
    assert.deepEqual(forwarded.headers, {
      [FORWARDED_BY_HEADER]: 'http://me:8080',
      accept: V2,
      'content-type': V2,
    });
    assert.equal(forwarded.body, '{"topics":["t"]}');
    // A poll may wait its whole timeout before the owner answers.
    assert.ok(forwarded.timeoutMs > 500);
  });

  it('sends no body and no Content-Type for a request without a body', () => {
    const forwarded = forwardedRequest(
      'http://owner',
      'http://me',
      operation('POST', '/consumers/{groupid}/instances/{name}/offsets'),
      request({ headers: { 'content-type': V2 } }),
    );
    assert.equal(forwarded.body, undefined);
    assert.equal(forwarded.headers['content-type'], undefined);
  });
});

/** A directory in memory: `owners` maps "group/name" to the URL holding it. */
function fakeDirectory(owners: Record<string, string>): InstanceDirectory & { forgotten: string[] } {
  const forgotten: string[] = [];
  return {
    selfUrl: 'http://me',
    forgotten,
    claim: async () => true,
    release: async () => undefined,
    ownerOf: async (group, name) => owners[`${group}/${name}`],
    forget: async (group, name, owner) => {
      forgotten.push(`${group}/${name}@${owner}`);
      delete owners[`${group}/${name}`];
    },
    close: async () => undefined,
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('forwardToOwner', () => {
  let owner: Server;
  let ownerUrl: string;
  const seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];

  before(async () => {
    owner = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        if (req.method === 'DELETE') {
          res.writeHead(204).end();
          return;
        }
        res.writeHead(200, { 'content-type': JSON_RECORDS }).end('[{"topic":"t","value":1}]');
      });
    });
    ownerUrl = await listen(owner);
  });
  after(() => new Promise<void>((resolve) => owner.close(() => resolve())));

  it('relays the request to the owner and its answer back unchanged', async () => {
    const directory = fakeDirectory({ 'g/i': ownerUrl });
    const reply = await forwardToOwner(
      directory,
      operation('GET', '/consumers/{groupid}/instances/{name}/records'),
      request({
        params: { groupid: 'g', name: 'i' },
        query: { max_bytes: '100' },
        headers: { accept: JSON_RECORDS },
      }),
    );
    assert.deepEqual(reply, { status: 200, contentType: JSON_RECORDS, body: '[{"topic":"t","value":1}]' });
    const last = seen.at(-1);
    assert.equal(last?.url, '/consumers/g/instances/i/records?max_bytes=100');
    assert.equal(last?.headers.accept, JSON_RECORDS);
    assert.equal(last?.headers[FORWARDED_BY_HEADER], 'http://me');
  });

  it('relays an empty answer without a body', async () => {
    const reply = await forwardToOwner(
      fakeDirectory({ 'g/i': ownerUrl }),
      operation('DELETE', '/consumers/{groupid}/instances/{name}'),
      request({ params: { groupid: 'g', name: 'i' } }),
    );
    assert.deepEqual(reply, { status: 204 });
  });

  it('has nothing to relay without a directory, without an owner, or for a forwarded request', async () => {
    const op = operation('DELETE', '/consumers/{groupid}/instances/{name}');
    const params = { groupid: 'g', name: 'i' };
    assert.equal(await forwardToOwner(undefined, op, request({ params })), undefined);
    assert.equal(await forwardToOwner(fakeDirectory({}), op, request({ params })), undefined);
    const before = seen.length;
    const forwarded = request({ params, headers: { [FORWARDED_BY_HEADER]: 'http://elsewhere' } });
    assert.equal(await forwardToOwner(fakeDirectory({ 'g/i': ownerUrl }), op, forwarded), undefined);
    assert.equal(seen.length, before, 'a forwarded request is never forwarded again');
  });

  it('answers 404 naming an owner that does not answer, and forgets its entry', async () => {
    const gone = createServer();
    const goneUrl = await listen(gone);
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const directory = fakeDirectory({ 'g/i': goneUrl });
    const reply = await forwardToOwner(
      directory,
      operation('POST', '/consumers/{groupid}/instances/{name}/offsets'),
      request({ params: { groupid: 'g', name: 'i' } }),
    );
    assert.equal(reply?.status, 404);
    assert.equal(reply?.contentType, V2);
    const body = reply?.body as { error_code: number; message: string };
    assert.equal(body.error_code, 404);
    assert.match(
      body.message,
      new RegExp(
        `^The specified consumer instance was not found\\. Bridge replica ${goneUrl}, which held it, did not answer \\(.+\\)\\.$`,
      ),
    );
    assert.deepEqual(directory.forgotten, [`g/i@${goneUrl}`]);
  });
});

/**
 * The suites below run once per broker (Nagare and Apache Kafka): the directory is an ordinary Kafka
 * client, so it must behave the same on both. A missing broker skips its suite, and fails it under CI.
 */
function describeOnBrokers(title: string, tests: (target: Target) => void): void {
  for (const target of bridgeTargets()) {
    const skip = requireInCI(bridgeSkip(target.missing()));
    describe(`${title} [${target.name}]`, { skip }, () => tests(target));
  }
}

/** Quick first rebalances: the tests' groups have one member at a time. */
const BROKER_OVERRIDES = { 'group.initial.rebalance.delay.ms': '0' };

describeOnBrokers('instance directory in Kafka', (target) => {
  let broker: RunningBroker;
  const opened: InstanceDirectory[] = [];
  const logger = pino({ level: process.env.NAGARE_TEST_LOG ?? 'silent' });

  async function open(url: string, bridgeId = 'bridge-a'): Promise<InstanceDirectory> {
    const config = bridgeConfigFromProperties({
      'kafka.bootstrap.servers': broker.bootstrap,
      'bridge.id': bridgeId,
      'bridge.replica.url': url,
    });
    const directory = await openInstanceDirectory({ config, logger, registry: new Registry() });
    assert.ok(directory);
    opened.push(directory);
    return directory;
  }

  before(async () => {
    broker = await target.start({ overrides: BROKER_OVERRIDES });
  });
  after(async () => {
    await Promise.all(opened.map((directory) => directory.close()));
    await broker.stop();
  });

  it('is off without bridge.replica.url', async () => {
    const config = bridgeConfigFromProperties({ 'kafka.bootstrap.servers': broker.bootstrap });
    assert.equal(await openInstanceDirectory({ config, logger, registry: new Registry() }), undefined);
  });

  it('keeps the directory in a compacted topic of one partition, created when missing', async () => {
    await open('http://topic-check:8080');
    const admin = new Admin({ clientId: 'replicas-test', bootstrapBrokers: [broker.bootstrap] });
    try {
      const metadata = await admin.metadata({ topics: ['__nagare_bridge_instances'] });
      assert.equal(metadata.topics.get('__nagare_bridge_instances')?.partitionsCount, 1);
      const [described] = await admin.describeConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: '__nagare_bridge_instances',
            configurationKeys: ['cleanup.policy'],
          },
        ],
      });
      assert.equal(described?.configs.find((c) => c.name === 'cleanup.policy')?.value, 'compact');
    } finally {
      await admin.close();
    }
  });

  it('shows an instance claimed through one replica to the others at once', async () => {
    const a = await open('http://a:8080');
    const b = await open('http://b:8080');
    assert.equal(await a.claim('g', 'i1'), true);
    assert.equal(await b.ownerOf('g', 'i1'), 'http://a:8080');
    assert.equal(
      await a.ownerOf('g', 'i1'),
      undefined,
      'a replica is never the other owner of its own instance',
    );
    assert.equal(await b.claim('g', 'i1'), false, 'the name is taken');
    await a.release('g', 'i1');
    assert.equal(await b.ownerOf('g', 'i1'), undefined);
    assert.equal(await b.claim('g', 'i1'), true);
    assert.equal(await a.ownerOf('g', 'i1'), 'http://b:8080');
  });

  it('lets exactly one of two simultaneous claims win', async () => {
    const a = await open('http://a2:8080');
    const b = await open('http://b2:8080');
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([a.claim('race', `i${round}`), b.claim('race', `i${round}`)]);
      assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results}`);
      const winner = results[0] ? 'http://a2:8080' : 'http://b2:8080';
      const loser = results[0] ? b : a;
      assert.equal(await loser.ownerOf('race', `i${round}`), winner);
    }
  });

  it('forgets an unreachable owner, and keeps deployments apart', async () => {
    const a = await open('http://a3:8080');
    const b = await open('http://b3:8080');
    const other = await open('http://c3:8080', 'bridge-other');
    assert.equal(await a.claim('g', 'shared-name'), true);
    assert.equal(await other.ownerOf('g', 'shared-name'), undefined);
    assert.equal(await other.claim('g', 'shared-name'), true, 'another deployment has its own names');
    await b.forget('g', 'shared-name', 'http://a3:8080');
    assert.equal(await b.ownerOf('g', 'shared-name'), undefined);
    assert.equal(await b.claim('g', 'shared-name'), true);
  });

  it("withdraws a restarted replica's claims: its instances died with it", async () => {
    const first = await open('http://a4:8080');
    const b = await open('http://b4:8080');
    assert.equal(await first.claim('g', 'old'), true);
    await first.close();
    await open('http://a4:8080');
    assert.equal(await b.ownerOf('g', 'old'), undefined);
  });
});

describeOnBrokers('two bridge replicas sharing consumer instances', (target) => {
  let broker: RunningBroker;
  let a: RunningBridge;
  let b: RunningBridge;
  let ghost: InstanceDirectory;
  let ghostUrl: string;
  const group = 'replicas-group';
  const topic = 'replicas-topic';
  const logger = pino({ level: process.env.NAGARE_TEST_LOG ?? 'silent' });

  /** A replica of deployment `bridge-r` on a port it is told, since its URL names the port. */
  async function replica(port: number, properties: Record<string, string> = {}): Promise<RunningBridge> {
    return startBridge(broker.bootstrap, {
      'bridge.id': 'bridge-r',
      'http.port': String(port),
      'bridge.replica.url': `http://127.0.0.1:${port}`,
      ...properties,
    });
  }

  const create = (bridge: RunningBridge, name: string) =>
    bridge.api.request('POST', `/consumers/${group}`, {
      contentType: CONTENT_TYPES.v2,
      body: { name, format: 'json', 'auto.offset.reset': 'earliest', 'enable.auto.commit': false },
    });
  const instance = (name: string) => `/consumers/${group}/instances/${name}`;

  /** Polls through `bridge` until `count` records came back; their values in order. */
  async function pollValues(bridge: RunningBridge, name: string, count: number): Promise<unknown[]> {
    const values: unknown[] = [];
    await waitUntil(`${count} records polled`, async () => {
      const polled = await bridge.api.request('GET', `${instance(name)}/records?timeout=200`, {
        accept: CONTENT_TYPES.json,
      });
      assert.equal(polled.status, 200, JSON.stringify(polled.body));
      values.push(...(polled.body as { value: unknown }[]).map((record) => record.value));
      return values.length >= count;
    });
    return values;
  }

  const produce = async (values: unknown[]) => {
    const produced = await a.api.request('POST', `/topics/${topic}`, {
      contentType: CONTENT_TYPES.json,
      body: { records: values.map((value) => ({ value })) },
    });
    assert.equal(produced.status, 200, JSON.stringify(produced.body));
  };

  before(async () => {
    broker = await target.start({ overrides: BROKER_OVERRIDES });
    const [portA, portB, portGhost] = await freePorts(3);
    a = await replica(portA);
    b = await replica(portB);
    // A replica that claimed an instance and then crashed: its URL answers nothing.
    ghostUrl = `http://127.0.0.1:${portGhost}`;
    const config = bridgeConfigFromProperties({
      'kafka.bootstrap.servers': broker.bootstrap,
      'bridge.id': 'bridge-r',
      'bridge.replica.url': ghostUrl,
    });
    const opened = await openInstanceDirectory({ config, logger, registry: new Registry() });
    assert.ok(opened);
    ghost = opened;
  });
  after(async () => {
    await ghost?.close();
    await b?.stop();
    await a?.stop();
    await broker?.stop();
  });

  it('serves an instance created through one replica through the other', async () => {
    const created = await create(a, 'c1');
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal((created.body as { base_uri: string }).base_uri, `${a.api.baseUrl}${instance('c1')}`);

    const subscribed = await b.api.request('POST', `${instance('c1')}/subscription`, {
      contentType: CONTENT_TYPES.v2,
      body: { topics: [topic] },
    });
    assert.equal(subscribed.status, 204, JSON.stringify(subscribed.body));

    await produce(['v1', 'v2', 'v3']);
    assert.deepEqual(await pollValues(b, 'c1', 3), ['v1', 'v2', 'v3']);
    const committed = await b.api.request('POST', `${instance('c1')}/offsets`);
    assert.equal(committed.status, 204, JSON.stringify(committed.body));

    const wrongFormat = await b.api.request('GET', `${instance('c1')}/records`, {
      accept: CONTENT_TYPES.binary,
    });
    assertError(wrongFormat, 406);

    const deleted = await b.api.request('DELETE', instance('c1'));
    assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
    for (const bridge of [a, b]) {
      const gone = await bridge.api.request('DELETE', instance('c1'));
      assertError(gone, 404);
    }

    // The commit made through B holds: the group's next instance starts after the records it covered.
    assert.equal((await create(b, 'c2')).status, 200);
    const resubscribed = await a.api.request('POST', `${instance('c2')}/subscription`, {
      contentType: CONTENT_TYPES.v2,
      body: { topics: [topic] },
    });
    assert.equal(resubscribed.status, 204);
    await produce(['v4']);
    assert.deepEqual(await pollValues(a, 'c2', 1), ['v4']);
    assert.equal((await a.api.request('DELETE', instance('c2'))).status, 204);
  });

  it('refuses a name another replica holds with 409', async () => {
    assert.equal((await create(a, 'taken')).status, 200);
    const conflict = await create(b, 'taken');
    assertError(conflict, 409);
    assert.equal((await b.api.request('DELETE', instance('taken'))).status, 204);
    assert.equal((await create(b, 'taken')).status, 200, 'free again once deleted');
    assert.equal((await a.api.request('DELETE', instance('taken'))).status, 204);
  });

  it('answers 404 naming a replica that does not answer, and frees the name', async () => {
    assert.equal(await ghost.claim(group, 'orphan'), true);
    const unreachable = await b.api.request('POST', `${instance('orphan')}/offsets`);
    assertError(unreachable, 404);
    assert.match((unreachable.body as { message: string }).message, new RegExp(`Bridge replica ${ghostUrl}`));
    const afterwards = await a.api.request('DELETE', instance('orphan'));
    assertError(afterwards, 404);
    assert.equal(
      (afterwards.body as { message: string }).message,
      'The specified consumer instance was not found.',
    );
    assert.equal((await create(a, 'orphan')).status, 200);
    assert.equal((await b.api.request('DELETE', instance('orphan'))).status, 204);
  });

  it('answers 404 through one replica once the other stopped', async () => {
    const [port] = await freePorts(1);
    const doomed = await replica(port);
    assert.equal((await create(doomed, 'left-behind')).status, 200);
    await doomed.stop();
    assertError(await b.api.request('DELETE', instance('left-behind')), 404);
    assert.equal((await create(b, 'left-behind')).status, 200, 'the name is free again');
    assert.equal((await a.api.request('DELETE', instance('left-behind'))).status, 204);
  });

  it('releases the name of an instance closed for idleness', async () => {
    const [port] = await freePorts(1);
    const idle = await replica(port, { 'http.timeoutSeconds': '1' });
    try {
      assert.equal((await create(idle, 'idler')).status, 200);
      assertError(await create(b, 'idler'), 409);
      await waitUntil('the idle instance released', async () => (await create(b, 'idler')).status === 200);
      assert.equal((await a.api.request('DELETE', instance('idler'))).status, 204);
    } finally {
      await idle.stop();
    }
  });
});

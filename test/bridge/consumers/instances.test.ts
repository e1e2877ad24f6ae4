import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { subscriptionBody } from '../../../src/bridge/consumers/consumer-routes.ts';
import { ConsumerInstances, NAME_IN_USE } from '../../../src/bridge/consumers/instances.ts';
import { consumerSettings } from '../../../src/bridge/consumers/settings.ts';
import { BridgeHttpError } from '../../../src/bridge/errors.ts';
import type { InstanceDirectory } from '../../../src/bridge/replicas/instance-directory.ts';

const logger = pino({ level: 'silent' });
const settings = () => consumerSettings({}, {});

class FakeInstance {
  closed = false;
  async close() {
    this.closed = true;
  }
}

/** A directory where `taken` names are held by another replica; records claims and releases. */
function fakeDirectory(taken: string[] = []) {
  const events: string[] = [];
  const directory: InstanceDirectory = {
    selfUrl: 'http://self',
    claim: async (group, name) => {
      events.push(`claim ${group}/${name}`);
      return !taken.includes(name);
    },
    release: async (group, name) => void events.push(`release ${group}/${name}`),
    ownerOf: async () => undefined,
    forget: async () => {},
    close: async () => {},
  };
  return { directory, events };
}

function registry(timeoutSeconds: number, clock: { now: number }, directory?: InstanceDirectory) {
  const created: FakeInstance[] = [];
  const instances = new ConsumerInstances<FakeInstance>({
    timeoutSeconds,
    logger,
    directory,
    clock: () => clock.now,
    create: () => {
      const instance = new FakeInstance();
      created.push(instance);
      return instance;
    },
  });
  return { instances, created };
}

const conflict = (err: unknown) =>
  err instanceof BridgeHttpError && err.status === 409 && err.message === NAME_IN_USE;

test('a name is unique in its group: a second create is 409, another group may reuse it', async () => {
  const { instances } = registry(-1, { now: 0 });
  await instances.create('g', 'c', settings);
  await assert.rejects(instances.create('g', 'c', settings), conflict);
  await instances.create('other', 'c', settings);
  assert.ok(instances.get('g', 'c'));
  await instances.close();
});

test('invalid settings are refused after the name check, as Strimzi orders them', async () => {
  const { instances } = registry(-1, { now: 0 });
  await instances.create('g', 'c', settings);
  const invalid = () => consumerSettings({}, { 'isolation.level': 'foo' });
  await assert.rejects(instances.create('g', 'c', invalid), conflict);
  await assert.rejects(
    instances.create('g', 'd', invalid),
    (err: unknown) => (err as BridgeHttpError).status === 422,
  );
  await instances.close();
});

test('with a directory, a name another replica holds is 409, and deletion releases the claim', async () => {
  const { directory, events } = fakeDirectory(['elsewhere']);
  const { instances, created } = registry(-1, { now: 0 }, directory);
  await assert.rejects(instances.create('g', 'elsewhere', settings), conflict);
  await instances.create('g', 'here', settings);
  assert.equal(await instances.delete('g', 'here'), true);
  assert.equal(created[0].closed, true);
  assert.equal(await instances.delete('g', 'here'), false);
  assert.deepEqual(events, ['claim g/elsewhere', 'claim g/here', 'release g/here']);
});

test('an instance unused for longer than http.timeoutSeconds is closed; using it restarts its clock', async () => {
  const clock = { now: 0 };
  const { directory, events } = fakeDirectory();
  const { instances, created } = registry(10, clock, directory);
  await instances.create('g', 'idle', settings);
  await instances.create('g', 'busy', settings);
  clock.now = 9_000;
  instances.get('g', 'busy');
  clock.now = 10_001;
  assert.deepEqual(await instances.closeIdle(), [['g', 'idle']]);
  assert.equal(created[0].closed, true);
  assert.equal(instances.get('g', 'idle'), undefined);
  assert.ok(events.includes('release g/idle'));
  clock.now = 19_001;
  assert.deepEqual(await instances.closeIdle(), [['g', 'busy']]);
  await instances.close();
});

test('http.timeoutSeconds = -1 keeps instances forever', async () => {
  const clock = { now: 0 };
  const { instances } = registry(-1, clock);
  await instances.create('g', 'c', settings);
  clock.now = Number.MAX_SAFE_INTEGER;
  assert.deepEqual(await instances.closeIdle(), []);
  await instances.close();
});

test('the subscription list groups the held partitions by topic, as Strimzi shapes it', () => {
  assert.deepEqual(
    subscriptionBody([
      { topic: 'a', partition: 0 },
      { topic: 'b', partition: 1 },
      { topic: 'a', partition: 2 },
    ]),
    { topics: ['a', 'b'], partitions: [{ a: [0, 2] }, { b: [1] }] },
  );
  assert.deepEqual(subscriptionBody([]), { topics: [], partitions: [] });
});

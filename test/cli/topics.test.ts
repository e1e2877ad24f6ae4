// `nagare topics …` against an in-process broker, run as a user runs it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type NagareUnderTest, startNagare } from '../support/nagare.ts';
import { runCli } from './run-cli.ts';

describe('nagare topics', () => {
  let nagare: NagareUnderTest;
  const topics = (...args: string[]) => runCli(['topics', ...args, '-b', nagare.bootstrap]);

  before(async () => {
    nagare = await startNagare();
  });
  after(() => nagare.stop());

  it('creates, lists, describes and deletes a topic', async () => {
    const created = await topics('create', 'orders', '--partitions', '3', '--config', 'retention.ms=3600000');
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, "Created topic 'orders' (3 partitions, replication factor 1).\n");

    const listed = await topics('list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.stdout.split('\n').includes('orders'));

    const described = await topics('describe', 'orders');
    assert.equal(described.code, 0, described.stderr);
    const [header, ...partitions] = described.stdout.trimEnd().split('\n');
    assert.match(
      header,
      /^Topic: orders\tTopicId: \S+\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: retention.ms=3600000$/,
    );
    const id = nagare.broker.metadata.topic('orders')?.id;
    assert.ok(header.includes(`TopicId: ${id}\t`), 'the topic id in the base64 form Kafka shows');
    assert.deepEqual(
      partitions,
      [0, 1, 2].map((p) => `\tTopic: orders\tPartition: ${p}\tLeader: 1\tReplicas: 1\tIsr: 1`),
    );

    const deleted = await topics('delete', 'orders');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.ok(!(await topics('list')).stdout.split('\n').includes('orders'));
  });

  it("uses the broker's defaults when no partition count or replication factor is given", async () => {
    const created = await topics('create', 'defaults');
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, "Created topic 'defaults' (1 partition, replication factor 1).\n");
  });

  it('describes every topic when no name is given', async () => {
    await topics('create', 'all-a');
    await topics('create', 'all-b', '-p', '2');
    const described = await topics('describe');
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /^Topic: all-a\t.*PartitionCount: 1/m);
    assert.match(described.stdout, /^Topic: all-b\t.*PartitionCount: 2/m);
  });

  it('refuses an existing topic unless --if-not-exists, and a missing one unless --if-exists', async () => {
    await topics('create', 'twice');
    const again = await topics('create', 'twice');
    assert.equal(again.code, 1);
    assert.equal(
      again.stderr,
      "nagare: topic 'twice' already exists: pass --if-not-exists to accept an existing topic, or pick another name\n",
    );
    const tolerated = await topics('create', 'twice', '--if-not-exists');
    assert.equal(tolerated.code, 0, tolerated.stderr);

    const missing = await topics('delete', 'never-made');
    assert.equal(missing.code, 1);
    assert.equal(
      missing.stderr,
      "nagare: topic 'never-made' does not exist: create it with 'nagare topics create never-made'\n",
    );
    const ignored = await topics('delete', 'never-made', '--if-exists');
    assert.equal(ignored.code, 0, ignored.stderr);
  });

  it("passes on the broker's reason for a bad topic config or replication factor", async () => {
    const badConfig = await topics('create', 'bad', '--config', 'retention.ms=soon');
    assert.equal(badConfig.code, 1);
    assert.match(
      badConfig.stderr,
      /^nagare: cannot create topic 'bad': Invalid value soon for configuration retention.ms: .* \(INVALID_CONFIG\)\n$/,
    );
    const badFactor = await topics('create', 'bad', '--replication-factor', '3');
    assert.equal(badFactor.code, 1);
    assert.match(
      badFactor.stderr,
      /^nagare: cannot create topic 'bad': .*replication factor of 3.* \(INVALID_REPLICATION_FACTOR\)\n$/,
    );
  });

  it('describes a missing topic as missing', async () => {
    const result = await topics('describe', 'ghost');
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "nagare: topic 'ghost' does not exist: create it with 'nagare topics create ghost'\n",
    );
  });

  it('grows partitions and refuses to shrink them', async () => {
    await topics('create', 'growing', '-p', '2');
    const grown = await topics('alter', 'growing', '--partitions', '4');
    assert.equal(grown.code, 0, grown.stderr);
    assert.match((await topics('describe', 'growing')).stdout, /PartitionCount: 4/);
    const shrunk = await topics('alter', 'growing', '--partitions', '1');
    assert.equal(shrunk.code, 1);
    assert.match(
      shrunk.stderr,
      /^nagare: cannot add partitions to topic 'growing': .* \(INVALID_PARTITIONS\)\n$/,
    );
  });

  it('sets and deletes configs through IncrementalAlterConfigs', async (t) => {
    await topics('create', 'configured', '--config', 'cleanup.policy=compact');
    const altered = await topics(
      'alter',
      'configured',
      '--config',
      'retention.ms=60000',
      '--delete-config',
      'cleanup.policy',
    );
    if (altered.stderr.includes('does not support it')) {
      t.skip(`the broker does not serve IncrementalAlterConfigs yet: ${altered.stderr.trim()}`);
      return;
    }
    assert.equal(altered.code, 0, altered.stderr);
    const described = await topics('describe', 'configured');
    assert.match(described.stdout, /\tConfigs: retention.ms=60000\n/);
  });

  it('says when the broker cannot be reached', async () => {
    const result = await runCli(['topics', 'list', '-b', '127.0.0.1:1']);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "nagare: cannot reach the broker at 127.0.0.1:1 (connection refused): start one with 'nagare dev' or pass --bootstrap-server\n",
    );
  });

  it('needs something to alter', async () => {
    const result = await topics('alter', 'configured');
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'nagare: nothing to alter: pass --partitions, --config or --delete-config\n');
  });
});

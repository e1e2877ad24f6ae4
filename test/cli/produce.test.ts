// `nagare produce` against an in-process broker: what lands where, summaries, and the error lines.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type NagareUnderTest, startNagare } from '../support/nagare.ts';
import { createTopic, readAllPartitions } from '../support/platformatic-io.ts';
import { runCli, startCli } from './run-cli.ts';

describe('nagare produce', () => {
  let nagare: NagareUnderTest;
  const cli = (args: string[], input?: string) => runCli([...args, '-b', nagare.bootstrap], { input });
  const stored = (topic: string, partitions: number) =>
    readAllPartitions({ bootstrap: nagare.bootstrap, topic, partitions });

  before(async () => {
    nagare = await startNagare();
  });
  after(() => nagare.stop());

  it('round-trips keys, values and headers with every compression codec', async () => {
    const codecs = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
    await createTopic(nagare.bootstrap, { name: 'round-trip', partitions: codecs.length });
    for (const [partition, codec] of codecs.entries()) {
      const produced = await cli(
        [
          'produce',
          'round-trip',
          '-K',
          ':',
          '-H',
          `codec=${codec}`,
          '-H',
          'n=1',
          '-z',
          codec,
          '-p',
          String(partition),
        ],
        'k1:first\nk2:second:with:colons\n:no key\n',
      );
      assert.equal(produced.code, 0, produced.stderr);
      assert.equal(
        produced.stderr,
        `Produced 3 records to 'round-trip' (partition ${partition}: 3 records).\n`,
      );
    }
    const consumed = await cli([
      'consume',
      'round-trip',
      '--from-beginning',
      '-n',
      '15',
      '-f',
      '%p %o [%k] [%v] %h\\n',
    ]);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.equal(consumed.stderr, `Consumed 15 records from 'round-trip'.\n`);
    const expected = codecs.flatMap((codec, p) => [
      `${p} 0 [k1] [first] codec=${codec},n=1`,
      `${p} 1 [k2] [second:with:colons] codec=${codec},n=1`,
      `${p} 2 [] [no key] codec=${codec},n=1`,
    ]);
    assert.deepEqual(consumed.stdout.trimEnd().split('\n').sort(), expected.sort());
    // The stored batches really are compressed with the codec asked for.
    const stored = await readAllPartitions({
      bootstrap: nagare.bootstrap,
      topic: 'round-trip',
      partitions: codecs.length,
    });
    assert.deepEqual(
      codecs.map((_, p) => stored.find((r) => r.partition === p)?.codec),
      codecs,
    );
  });

  it('puts records with the same key in the same partition, and spreads records without a key', async () => {
    await createTopic(nagare.bootstrap, { name: 'spread', partitions: 3 });
    const keyed = Array.from({ length: 30 }, (_, i) => `key-${i % 6}\tvalue-${i}`).join('\n');
    const produced = await cli(['produce', 'spread', '-K', '\t'], keyed);
    assert.equal(produced.code, 0, produced.stderr);
    const counts = [...produced.stderr.matchAll(/partition (\d): (\d+) records?/g)].map(([, , n]) =>
      Number(n),
    );
    assert.equal(
      counts.reduce((sum, n) => sum + n, 0),
      30,
      produced.stderr,
    );
    const partitionOfKey = new Map<string, number>();
    for (const record of await stored('spread', 3)) {
      const key = record.key!.toString();
      assert.equal(
        partitionOfKey.get(key) ?? record.partition,
        record.partition,
        `${key} lands in one partition`,
      );
      partitionOfKey.set(key, record.partition);
    }
    assert.equal(partitionOfKey.size, 6);

    await createTopic(nagare.bootstrap, { name: 'unkeyed', partitions: 3 });
    const unkeyed = await cli(['produce', 'unkeyed'], 'a\nb\nc\nd\ne\nf\n');
    assert.equal(
      unkeyed.stderr,
      "Produced 6 records to 'unkeyed' (partition 0: 2 records, partition 1: 2 records, partition 2: 2 records).\n",
    );
  });

  it('writes to the partition asked for, with the acks asked for', async () => {
    await createTopic(nagare.bootstrap, { name: 'partitioned', partitions: 2 });
    for (const acks of ['0', '1', 'all']) {
      const produced = await cli(
        ['produce', 'partitioned', '--partition', '1', '--acks', acks],
        `acks-${acks}\n`,
      );
      assert.equal(produced.stderr, "Produced 1 record to 'partitioned' (partition 1: 1 record).\n");
    }
    // acks=0 gets no answer: wait for its record to show up rather than assuming it already has.
    const deadline = Date.now() + 20_000;
    let records = await stored('partitioned', 2);
    while (records.length < 3 && Date.now() < deadline) records = await stored('partitioned', 2);
    assert.deepEqual(records.map((r) => [r.partition, r.value?.toString()]).sort(), [
      [1, 'acks-0'],
      [1, 'acks-1'],
      [1, 'acks-all'],
    ]);
  });

  it('sends a large input whole and in order', async () => {
    await createTopic(nagare.bootstrap, { name: 'large', partitions: 1 });
    const input = Array.from({ length: 20_000 }, (_, i) => `record-${i}\n`).join('');
    const produced = await cli(['produce', 'large'], input);
    assert.equal(produced.stderr, "Produced 20000 records to 'large' (partition 0: 20000 records).\n");
    const consumed = await cli(['consume', 'large', '--from-beginning', '-n', '20000']);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.ok(consumed.stdout === input, 'the records come back as they went in');
  });

  it('sends what was typed and exits with 0 on Ctrl-C', async () => {
    await createTopic(nagare.bootstrap, { name: 'typed', partitions: 1 });
    const producer = startCli(['produce', 'typed', '-b', nagare.bootstrap]);
    producer.child.stdin?.write('typed line\n');
    const deadline = Date.now() + 20_000;
    while ((await stored('typed', 1)).length === 0)
      assert.ok(Date.now() < deadline, 'the typed line reaches the broker');
    const result = await producer.stop('SIGINT');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "Produced 1 record to 'typed' (partition 0: 1 record).\n");
  });

  it('stops at a line without the key separator, after sending the lines before it', async () => {
    await createTopic(nagare.bootstrap, { name: 'strict-keys', partitions: 1 });
    const produced = await cli(['produce', 'strict-keys', '-K', '='], 'a=1\nno separator\nb=2\n');
    assert.equal(produced.code, 1);
    assert.equal(
      produced.stderr,
      "Produced 1 record to 'strict-keys' (partition 0: 1 record).\nnagare: line 2 has no key separator '=': write KEY=VALUE on every line, or leave out --key-separator\n",
    );
    const stored = await readAllPartitions({
      bootstrap: nagare.bootstrap,
      topic: 'strict-keys',
      partitions: 1,
    });
    assert.deepEqual(
      stored.map((r) => [r.key?.toString(), r.value?.toString()]),
      [['a', '1']],
    );
  });

  it('creates a missing topic when the broker allows auto-creation, as Kafka producers do', async () => {
    const produced = await cli(['produce', 'auto-created'], 'hello\n');
    assert.equal(produced.code, 0, produced.stderr);
    const records = await stored('auto-created', 1);
    assert.deepEqual(
      records.map((r) => r.value?.toString()),
      ['hello'],
    );
  });

  it('explains a missing topic, a missing partition and an unreachable broker', async () => {
    const strict = await startNagare({ overrides: { 'auto.create.topics.enable': 'false' } });
    try {
      const missing = await runCli(['produce', 'absent', '-b', strict.bootstrap], { input: 'x\n' });
      assert.equal(missing.code, 1);
      assert.equal(
        missing.stderr,
        "nagare: topic 'absent' does not exist: create it with 'nagare topics create absent'\n",
      );
    } finally {
      await strict.stop();
    }

    await createTopic(nagare.bootstrap, { name: 'small', partitions: 2 });
    const noPartition = await cli(['produce', 'small', '--partition', '5'], 'x\n');
    assert.equal(noPartition.code, 1);
    assert.equal(
      noPartition.stderr,
      "nagare: topic 'small' has no partition 5 (it has partitions 0-1): add partitions with 'nagare topics alter small --partitions N'\n",
    );

    const unreachable = await runCli(['produce', 'small', '-b', '127.0.0.1:1'], { input: 'x\n' });
    assert.equal(unreachable.code, 1);
    assert.equal(
      unreachable.stderr,
      "nagare: cannot reach the broker at 127.0.0.1:1 (connection refused): start one with 'nagare dev' or pass --bootstrap-server\n",
    );
  });
});

// `nagare broker`: Kafka-style properties from --override and/or a file, a ready line, SIGTERM.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startCli } from './run-cli.ts';

const READY = /^Nagare broker ready at (127\.0\.0\.1:(\d+)) \(data: (.*)\)$/m;

describe('nagare broker', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nagare-cli-broker-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('runs from --override alone, stops on SIGTERM with 0, and keeps its data across a restart', async () => {
    const logDir = join(dir, 'data');
    const first = startCli([
      'broker',
      '--override',
      'listeners=PLAINTEXT://127.0.0.1:0',
      '--override',
      `log.dirs=${logDir}`,
    ]);
    const [, bootstrap, port, dataLabel] = await first.waitForOutput(READY);
    assert.notEqual(port, '0');
    assert.equal(dataLabel, logDir);
    const created = await runCli(['topics', 'create', 'kept', '-b', bootstrap]);
    assert.equal(created.code, 0, created.stderr);
    const produced = await runCli(['produce', 'kept', '-b', bootstrap], { input: 'one\ntwo\n' });
    assert.equal(produced.code, 0, produced.stderr);
    const stopped = await first.stop('SIGTERM');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, /"msg":"stopped"/);

    // Second run: a properties file, with an override on top of it.
    const properties = join(dir, 'server.properties');
    await writeFile(
      properties,
      `# Kafka style\nlisteners=PLAINTEXT://127.0.0.1:0\nlog.dirs=${logDir}\nnum.partitions=1\n`,
    );
    const second = startCli(['broker', '--config', properties, '--override', 'num.partitions=4']);
    const [, again] = await second.waitForOutput(READY);
    const consumed = await runCli(['consume', 'kept', '--from-beginning', '-n', '2', '-b', again]);
    assert.equal(consumed.stdout, 'one\ntwo\n', consumed.stderr);
    const withDefaults = await runCli(['topics', 'create', 'four', '-b', again]);
    assert.equal(
      withDefaults.stdout,
      "Created topic 'four' (4 partitions, replication factor 1).\n",
      withDefaults.stderr,
    );
    assert.equal((await second.stop('SIGINT')).code, 0);
  });

  it('asks for log.dirs instead of writing to /tmp/kafka-logs', async () => {
    const result = await runCli(['broker', '--override', 'listeners=PLAINTEXT://127.0.0.1:0']);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      "nagare: no log directory configured: set log.dirs in the config file or pass --override log.dirs=DIR (Nagare does not fall back to Kafka's /tmp/kafka-logs)\n",
    );
  });

  it("reports a bad property value in the broker's words, on one line", async () => {
    const result = await runCli([
      'broker',
      '-o',
      'listeners=PLAINTEXT://127.0.0.1:0',
      '-o',
      `log.dirs=${join(dir, 'bad')}`,
      '-o',
      'num.partitions=many',
    ]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^nagare: cannot start the broker: Invalid value many for configuration num\.partitions: [^\n]*\n$/,
    );
  });

  it('refuses an --override that is not key=value, and a config file that cannot be read', async () => {
    const malformed = await runCli(['broker', '--override', 'listeners']);
    assert.equal(malformed.code, 2);
    assert.equal(
      malformed.stderr,
      "nagare: option '-o, --override <key=value>' argument 'listeners' is invalid. expected key=value.\n",
    );
    const missing = await runCli(['broker', '--config', join(dir, 'absent.properties')]);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /^nagare: cannot start the broker: Cannot read config file .*absent\.properties: ENOENT/,
    );
  });
});

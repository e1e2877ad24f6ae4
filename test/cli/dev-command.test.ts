// `nagare dev`: the local platform in a folder, ready line with the real port, clean stop.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { runCli, startCli } from './run-cli.ts';

const READY = /^Nagare broker ready at (127\.0\.0\.1:(\d+)) \(data: (.*)\)$/m;
const BRIDGE_READY =
  /^Nagare bridge ready at (http:\/\/127\.0\.0\.1:\d+) \(management: port (\d+), Kafka: (.*)\)$/m;

describe('nagare dev', () => {
  let cwd: string;

  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'nagare-cli-dev-'));
  });
  after(() => rm(cwd, { recursive: true, force: true }));

  it('keeps its data in ./.nagare by default, prints the real ports for port 0, serves the HTTP bridge, stops on Ctrl-C', async () => {
    const dev = startCli(['dev', '--port', '0', '--bridge-port', '0'], { cwd });
    const [line, bootstrap, port] = await dev.waitForOutput(READY);
    assert.notEqual(Number(port), 0);
    assert.equal(line, `Nagare broker ready at ${bootstrap} (data: .nagare)`);
    const [bridgeLine, bridgeUrl, managementPort, bridgeKafka] = await dev.waitForOutput(BRIDGE_READY);
    assert.equal(bridgeKafka, bootstrap);
    assert.equal(dev.stdout, `${line}\n${bridgeLine}\n`, 'the two ready lines are all there is on stdout');
    const info = await fetch(`${bridgeUrl}/`);
    assert.equal(info.status, 200);
    assert.equal(typeof ((await info.json()) as { bridge_version?: unknown }).bridge_version, 'string');
    assert.equal((await fetch(`http://127.0.0.1:${managementPort}/healthy`)).status, 200);
    const created = await runCli(['topics', 'create', 'local', '-b', bootstrap]);
    assert.equal(created.code, 0, created.stderr);
    const result = await dev.stop('SIGINT');
    assert.equal(result.code, 0, result.stderr);
    assert.ok((await stat(join(cwd, '.nagare'))).isDirectory());
  });

  it('uses --data-dir, and --durable turns on fsync before acknowledging', async () => {
    const dataDir = join(cwd, 'durable-data');
    const dev = startCli(['dev', '--port', '0', '--bridge-port', '0', '--data-dir', dataDir, '--durable']);
    const [, bootstrap] = await dev.waitForOutput(READY);
    const admin = new Admin({ clientId: 'nagare-cli-test', bootstrapBrokers: [bootstrap] });
    try {
      const [broker] = await admin.describeConfigs({
        resources: [{ resourceType: ConfigResourceTypes.BROKER, resourceName: '1', configurationKeys: null }],
      });
      const fsync = broker.configs.find((config) => config.name === 'nagare.log.fsync.on.append');
      assert.equal(fsync?.value, 'true');
    } finally {
      await admin.close();
    }
    assert.equal((await dev.stop('SIGTERM')).code, 0);
    assert.ok((await stat(dataDir)).isDirectory());
  });

  it('says which address is taken and how to pick another port', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    try {
      const result = await runCli([
        'dev',
        '--port',
        String(port),
        '--bridge-port',
        '0',
        '--data-dir',
        join(cwd, 'taken'),
      ]);
      assert.equal(result.code, 1);
      assert.equal(
        result.stderr
          .split('\n')
          .filter((line) => line.startsWith('nagare:'))
          .join('\n'),
        `nagare: cannot start the broker: 127.0.0.1:${port} is already in use: stop what listens there or pass another --port (0 picks a free one)`,
      );
    } finally {
      taken.close();
    }
  });
});

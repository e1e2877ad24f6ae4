// Starts a Nagare broker in this process for a test: port 0 on loopback, a fresh temp log dir, quiet logs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type Broker, startBroker } from '../../src/broker/broker.ts';

export interface NagareUnderTest {
  bootstrap: string;
  port: number;
  dataDir: string;
  broker: Broker;
  stop(): Promise<void>;
}

export async function startNagare(
  opts: { overrides?: Record<string, string>; dataDir?: string } = {},
): Promise<NagareUnderTest> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'nagare-test-')));
  const running = await startBroker(
    {
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': dataDir,
      ...opts.overrides,
    },
    pino({ level: process.env.NAGARE_TEST_LOG ?? 'silent' }),
  );
  return {
    bootstrap: running.bootstrap,
    port: running.port,
    dataDir,
    broker: running.broker,
    async stop() {
      await running.stop();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

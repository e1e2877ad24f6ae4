// The broker the group scenario runs against: the compat target (test/support/compat-target.ts) with
// group timings short enough for a test, the same on Nagare and on Apache Kafka, and a restart on the
// same data where the target's harness can do one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compatTarget } from '../../support/compat-target.ts';
import type { Target } from '../../support/targets.ts';

/** What members ask for (classic) or the broker imposes (KIP-848): a crash is noticed within seconds. */
export const groupTimings = {
  sessionTimeoutMs: 3000,
  heartbeatIntervalMs: 300,
  autoCommitIntervalMs: 200,
};

/**
 * Both brokers get these. Kafka's defaults (6 s minimum classic session, 45 s KIP-848 session, 5 s
 * KIP-848 heartbeat, 3 s wait before a new group's first rebalance) would make every step take tens
 * of seconds.
 */
export const groupBrokerOverrides: Record<string, string> = {
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '1000',
  'group.consumer.min.session.timeout.ms': '1000',
  'group.consumer.session.timeout.ms': String(groupTimings.sessionTimeoutMs),
  'group.consumer.min.heartbeat.interval.ms': '100',
  'group.consumer.heartbeat.interval.ms': String(groupTimings.heartbeatIntervalMs),
};

export interface GroupBroker {
  target: Target;
  bootstrap: string;
  /**
   * Stops the broker and starts it again on the same data dir and port; undefined where the target's
   * harness cannot (test/support/apache-kafka.ts removes Kafka's data when it stops).
   */
  restart: (() => Promise<void>) | undefined;
  stop(): Promise<void>;
}

export async function startGroupBroker(): Promise<GroupBroker> {
  const target = compatTarget();
  if (target.name !== 'nagare') {
    const broker = await target.start({ overrides: groupBrokerOverrides });
    return { target, bootstrap: broker.bootstrap, restart: undefined, stop: () => broker.stop() };
  }
  const { startNagare } = await import('../../support/nagare.ts');
  const dataDir = await mkdtemp(join(tmpdir(), 'nagare-groups-'));
  let broker = await startNagare({ overrides: groupBrokerOverrides, dataDir });
  const listeners = `PLAINTEXT://127.0.0.1:${broker.port}`;
  return {
    target,
    bootstrap: broker.bootstrap,
    async restart() {
      await broker.stop();
      broker = await startNagare({ overrides: { ...groupBrokerOverrides, listeners }, dataDir });
    },
    async stop() {
      await broker.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// Which broker the real-client compat tests run against. The choice uses the project's one switch for
// "the broker under test", NAGARE_TEST_SUBJECT (test/support/targets.ts): apache-kafka validates the
// tests themselves; unset or nagare runs them against Nagare, which is what compat tests are for.
// useCompatBroker gives a test file that broker (started once for all its tests) and, for command-line
// clients, a work folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { requireInCI } from './external-tools.ts';
import { nagare, type RunningBroker, subjectTarget, type Target } from './targets.ts';

export type { RunningBroker } from './targets.ts';

export function compatTarget(): Target {
  return process.env.NAGARE_TEST_SUBJECT ? subjectTarget() : nagare;
}

/**
 * node:test's `skip` for a compat test: why the target broker or one of the client tools (`missing`)
 * cannot run here, or undefined. In CI a missing tool throws instead, failing the file.
 */
export function compatSkip(...missing: Array<string | undefined>): string | undefined {
  return requireInCI([compatTarget().missing(), ...missing].find((reason) => reason !== undefined));
}

/** What a compat test file's tests share; read it inside tests, once the file's `before` has run. */
export interface CompatFixture {
  readonly broker: RunningBroker;
  /** A fresh temp folder for files exchanged with command-line clients (only with `workDirPrefix`). */
  readonly workDir: string;
}

export interface CompatFixtureOptions {
  /** Also make a temp folder whose name starts with this, removed after the tests. */
  workDirPrefix?: string;
  /**
   * Runs once the broker is up, e.g. to connect the clients the tests share; the function it returns
   * runs after the tests, before the broker stops.
   */
  setUp?: (broker: RunningBroker) => Promise<() => Promise<void>>;
}

/**
 * Registers the hooks of a compat test file (or of the suite it is called in): before the tests the
 * compat broker starts, unless `skip`; after them everything is closed, stopped and removed.
 */
export function useCompatBroker(skip: string | undefined, options: CompatFixtureOptions = {}): CompatFixture {
  let broker: RunningBroker | undefined;
  let workDir: string | undefined;
  let tearDown: (() => Promise<void>) | undefined;
  before(async () => {
    if (skip) return;
    broker = await compatTarget().start();
    if (options.workDirPrefix) workDir = await mkdtemp(join(tmpdir(), options.workDirPrefix));
    tearDown = await options.setUp?.(broker);
  });
  after(async () => {
    await tearDown?.();
    await broker?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });
  return {
    get broker() {
      if (!broker) throw new Error('no compat broker: it starts in the before hook, unless skipped');
      return broker;
    },
    get workDir() {
      if (!workDir) throw new Error('no work folder: pass workDirPrefix, and read it inside tests');
      return workDir;
    },
  };
}

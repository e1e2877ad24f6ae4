// The frame of a differential test file: one describe titled "<what>: <reference> vs <subject>", skipped
// (failing under CI=true) when either broker cannot run here, with both brokers started before its tests
// and stopped after them.
import { after, before, describe } from 'node:test';
import { requireInCI } from './external-tools.ts';
import {
  type BrokerPair,
  pairMissing,
  referenceTarget,
  type StartOptions,
  startPair,
  subjectTarget,
} from './targets.ts';

/**
 * Declares the suite; `tests` declares its tests and receives the pair, whose brokers may be used once
 * the tests run (before that they are not started yet).
 */
export function describeDifferential(
  what: string,
  options: StartOptions,
  tests: (pair: BrokerPair) => void,
): void {
  const title = `${what}: ${referenceTarget.name} vs ${subjectTarget().name}`;
  describe(title, { skip: requireInCI(pairMissing()) }, () => {
    let started: BrokerPair | undefined;
    const running = (): BrokerPair => {
      if (!started) throw new Error(`${title}: the brokers are not running`);
      return started;
    };
    before(async () => {
      started = await startPair(options);
    });
    after(async () => {
      await started?.stop();
    });
    tests({
      get reference() {
        return running().reference;
      },
      get subject() {
        return running().subject;
      },
      stop: () => running().stop(),
    });
  });
}

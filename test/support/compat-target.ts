// Which broker the real-client compat tests run against. The choice uses the project's one switch for
// "the broker under test", NAGARE_TEST_SUBJECT (test/support/targets.ts): apache-kafka validates the
// tests themselves; unset or nagare runs them against Nagare, which is what compat tests are for.
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

export function startCompatBroker(): Promise<RunningBroker> {
  return compatTarget().start();
}

/**
 * Skip reason for a test that needs consumer groups, which Nagare does not serve yet. Against Apache
 * Kafka such tests run, which keeps them honest until Nagare catches up.
 */
export function needsConsumerGroups(): string | false {
  return compatTarget() === nagare ? 'needs consumer groups (issue 3)' : false;
}

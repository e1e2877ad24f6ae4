import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { type RunningBroker, startApacheKafka } from './apache-kafka.ts';
import { describeDifferences } from './diff.ts';
import { apacheKafkaMissing } from './external-tools.ts';

export type { RunningBroker } from './apache-kafka.ts';

export interface StartOptions {
  overrides?: Record<string, string>;
}

/** A kind of broker tests can run against. */
export interface Target {
  name: string;
  /** Why this target cannot run here, or undefined. */
  missing(): string | undefined;
  start(options?: StartOptions): Promise<RunningBroker>;
}

export const apacheKafka: Target = {
  name: 'apache-kafka',
  missing: apacheKafkaMissing,
  start: (options) => startApacheKafka(options),
};

/** Nagare in this process (test/support/nagare.ts), loaded only when a test starts it. */
export const nagare: Target = {
  name: 'nagare',
  missing: () => undefined,
  async start(options) {
    const { startNagare } = await import('./nagare.ts');
    return startNagare(options);
  },
};

const targets: Record<string, Target> = { 'apache-kafka': apacheKafka, nagare };

/**
 * The broker under test: compat tests run against it, differential tests compare it with Apache
 * Kafka. This one line chooses it. NAGARE_TEST_SUBJECT=apache-kafka|nagare overrides it for one run;
 * with apache-kafka the differential harness compares Kafka with itself, which checks the harness and
 * the scenarios rather than Nagare.
 */
const defaultSubject: Target = nagare;

export function subjectTarget(): Target {
  const name = process.env.NAGARE_TEST_SUBJECT;
  if (!name) return defaultSubject;
  const target = targets[name];
  if (!target)
    throw new Error(`NAGARE_TEST_SUBJECT=${name}: expected one of ${Object.keys(targets).join(', ')}`);
  return target;
}

/** The judge of differential tests. */
export const referenceTarget: Target = apacheKafka;

export interface BrokerPair {
  reference: { target: Target; broker: RunningBroker };
  subject: { target: Target; broker: RunningBroker };
  stop(): Promise<void>;
}

/** Why a differential test cannot run here (either side missing), or undefined. */
export function pairMissing(): string | undefined {
  return referenceTarget.missing() ?? subjectTarget().missing();
}

/** Starts the reference and the subject side by side, with the same broker overrides. */
export async function startPair(options?: StartOptions): Promise<BrokerPair> {
  const subject = subjectTarget();
  const started = await Promise.allSettled([referenceTarget.start(options), subject.start(options)]);
  const [reference, tested] = started;
  if (reference.status === 'rejected' || tested.status === 'rejected') {
    await Promise.all(
      started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)),
    );
    throw reference.status === 'rejected' ? reference.reason : (tested as PromiseRejectedResult).reason;
  }
  return {
    reference: { target: referenceTarget, broker: reference.value },
    subject: { target: subject, broker: tested.value },
    async stop() {
      await Promise.all([reference.value.stop(), tested.value.stop()]);
    },
  };
}

/** One client-visible behaviour, run against each broker; its result must be plain data. */
export interface Scenario<T> {
  name: string;
  run(broker: RunningBroker): Promise<T>;
  /**
   * Reduces both results to what must agree before they are compared, e.g. only the configs both
   * brokers report. Without it the whole results are compared.
   */
  align?(reference: T, subject: T): [unknown, unknown];
}

/**
 * Runs a scenario against both brokers of the pair and deep-compares what the clients observed,
 * failing with one readable line per difference. Returns both results so a test can also assert
 * the reference's values (which keeps a Kafka-vs-Kafka run from passing vacuously).
 */
export async function compareOn<T>(
  pair: BrokerPair,
  scenario: Scenario<T>,
): Promise<{ reference: T; subject: T }> {
  const [reference, subject] = await Promise.all([
    runOn(pair.reference, scenario),
    runOn(pair.subject, scenario),
  ]);
  const [left, right] = scenario.align ? scenario.align(reference, subject) : [reference, subject];
  if (!isDeepStrictEqual(left, right)) {
    const { name: referenceName } = pair.reference.target;
    const { name: subjectName } = pair.subject.target;
    const labels: [string, string] = [
      referenceName,
      subjectName === referenceName ? `${subjectName} (subject)` : subjectName,
    ];
    const differences = describeDifferences(left, right, labels);
    assert.fail(`scenario "${scenario.name}": brokers disagree\n  ${differences.join('\n  ')}`);
  }
  return { reference, subject };
}

async function runOn<T>(side: BrokerPair['reference'], scenario: Scenario<T>): Promise<T> {
  try {
    return await scenario.run(side.broker);
  } catch (error) {
    throw new Error(
      `scenario "${scenario.name}" failed on ${side.target.name}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

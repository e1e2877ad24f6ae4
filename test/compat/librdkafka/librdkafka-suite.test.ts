// librdkafka's own integration test suite against the compat broker (Nagare unless
// NAGARE_TEST_SUBJECT says otherwise): every allow-listed broker-facing test must pass. Each suite test
// is reported as a test of its own, so a regression names itself. Built by
// scripts/ci/librdkafka-suite.sh; `node test/compat/librdkafka/run.ts --all` runs the whole suite to
// update allow-list.txt and docs/librdkafka-tests.md.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { compatSkip, compatTarget } from '../../support/compat-target.ts';
import { brokerFacing, parseBrokerVersion, type SuiteTest } from './catalogue.ts';
import { tally } from './report.ts';
import { defaultRunSettings, runSuite } from './run-suite.ts';
import { librdkafkaSuiteMissing, loadSuite, readAllowList } from './suite.ts';
import type { TestResult } from './summary.ts';

const skip = compatSkip(librdkafkaSuiteMissing());
const settings = defaultRunSettings();
const suite = skip ? undefined : loadSuite();
const facing = suite ? brokerFacing(suite.tests, parseBrokerVersion(settings.brokerVersion)) : [];
const allowed: SuiteTest[] = suite ? readAllowList(facing) : [];

describe('librdkafka test suite, allow-listed broker-facing tests', { skip }, () => {
  const results = new Map<string, TestResult>();

  before(
    async () => {
      const target = compatTarget();
      const report = await runSuite(suite!, { ...settings, target, tests: allowed });
      for (const result of report.results) results.set(result.name, result);
      const mine = allowed.map((test) => results.get(test.name)!);
      const counts = tally(mine);
      console.log(
        `librdkafka suite against ${target.name}: ${counts.passed} of ${allowed.length} allow-listed ` +
          `tests passed (${facing.length} broker-facing, ` +
          `${suite!.tests.filter((t) => t.local).length} local ones not run) in ${report.seconds.toFixed(0)} s`,
      );
    },
    { timeout: 20 * 60_000 },
  );

  for (const test of allowed) {
    it(test.name, () => {
      const result = results.get(test.name);
      assert.ok(result, `${test.name} was not run`);
      assert.equal(result.outcome, 'passed', `${test.name} ${result.outcome}: ${result.reason}`);
    });
  }
});

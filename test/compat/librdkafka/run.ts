// Runs librdkafka's test suite against a broker and prints a pass/fail table: the tool for updating
// allow-list.txt and docs/librdkafka-tests.md. CI runs the allow-list through
// librdkafka-suite.test.ts instead.
//
//   node test/compat/librdkafka/run.ts              the allow-listed tests against Nagare
//   node test/compat/librdkafka/run.ts --all        every broker-facing test
//   node test/compat/librdkafka/run.ts --target apache-kafka --all     the reference run
//   node test/compat/librdkafka/run.ts --tests 0012,0081 --logs /tmp/rdk-logs
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { apacheKafka, nagare, subjectTarget, type Target } from '../../support/targets.ts';
import { brokerFacing, parseBrokerVersion, type SuiteTest } from './catalogue.ts';
import { formatTable, tally } from './report.ts';
import { defaultRunSettings, runSuite } from './run-suite.ts';
import { loadSuite, readAllowList } from './suite.ts';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    all: { type: 'boolean', default: false },
    tests: { type: 'string' },
    jobs: { type: 'string' },
    timeout: { type: 'string' },
    logs: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`usage: node test/compat/librdkafka/run.ts [--target nagare|apache-kafka] [--all | --tests N,N]
       [--jobs N] [--timeout SECONDS] [--logs DIR] [--json FILE]
Runs the allow-listed tests by default; --all runs every broker-facing test (test-runner -L).
--timeout limits each test-runner process (one test number), ${defaultRunSettings().processTimeoutMs / 1000} s by default.`);
  process.exit(0);
}

const settings = defaultRunSettings();
const target: Target = values.target ? pickTarget(values.target) : subjectTarget();
const suite = loadSuite();
const facing = brokerFacing(suite.tests, parseBrokerVersion(settings.brokerVersion));
const allowed = readAllowList(facing);
const selected = select();

const missing = target.missing();
if (missing) {
  console.error(`${target.name} cannot run here: ${missing}`);
  process.exit(2);
}

console.log(
  `librdkafka ${suite.dir}: ${suite.tests.length} tests, ${suite.tests.filter((t) => t.local).length} local, ` +
    `${facing.length} broker-facing; running ${selected.length} against ${target.name} ` +
    `(broker version ${settings.brokerVersion}, ${values.jobs ?? settings.jobs} at a time)`,
);
const report = await runSuite(suite, {
  ...settings,
  target,
  tests: selected,
  jobs: values.jobs ? Number(values.jobs) : settings.jobs,
  processTimeoutMs: values.timeout ? Number(values.timeout) * 1000 : settings.processTimeoutMs,
  logDir: values.logs,
  onResult: (r) =>
    console.log(`  ${r.outcome.padEnd(7)} ${r.name}${r.reason ? `  (${r.reason.slice(0, 160)})` : ''}`),
});

const allowedNames = new Set(allowed.map((t) => t.name));
console.log(`\n${formatTable(report.results, allowedNames)}`);
const counts = tally(report.results);
console.log(
  `\n${target.name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped ` +
    `of ${report.results.length} broker-facing tests run, in ${report.seconds.toFixed(0)} s`,
);
const newlyPassing = report.results.filter((r) => r.outcome === 'passed' && !allowedNames.has(r.name));
const regressions = report.results.filter((r) => r.outcome !== 'passed' && allowedNames.has(r.name));
if (newlyPassing.length > 0)
  console.log(`passing, not allow-listed yet: ${newlyPassing.map((r) => r.name).join(' ')}`);
if (regressions.length > 0)
  console.log(`allow-listed, not passing: ${regressions.map((r) => r.name).join(' ')}`);
if (values.json) {
  await writeFile(values.json, `${JSON.stringify({ target: target.name, ...report }, null, 2)}\n`);
}
process.exitCode = regressions.length > 0 ? 1 : 0;

function select(): SuiteTest[] {
  if (values.all) return facing;
  if (values.tests) {
    const numbers = new Set(values.tests.split(',').map((n) => n.trim()));
    return facing.filter((t) => numbers.has(t.number) || numbers.has(t.name));
  }
  return allowed;
}

function pickTarget(name: string): Target {
  const found = [nagare, apacheKafka].find((t) => t.name === name);
  if (!found) throw new Error(`--target ${name}: expected nagare or apache-kafka`);
  return found;
}

// Where the built librdkafka test suite lives (scripts/ci/librdkafka-suite.sh builds it into the cache,
// keyed by suite.json), its test table, and the allow-list of tests that must pass against Nagare.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nagareCacheDir } from '../../support/apache-kafka.ts';
import { parseTestTable, type SuiteTest } from './catalogue.ts';

const here = new URL('./', import.meta.url);
export const allowListPath = fileURLToPath(new URL('allow-list.txt', here));

interface SuitePin {
  package: string;
  version: string;
  librdkafka: string;
  recipe: number;
}

export function suitePin(): SuitePin {
  return JSON.parse(readFileSync(new URL('suite.json', here), 'utf8')) as SuitePin;
}

export interface SuiteBuild {
  dir: string;
  testRunner: string;
  /** librdkafka.so and librdkafka++.so of the same build (not the system's librdkafka). */
  libDir: string;
  testsDir: string;
  tests: SuiteTest[];
}

function buildDir(): string {
  const pin = suitePin();
  return join(nagareCacheDir(), `librdkafka-suite-${pin.version}-r${pin.recipe}`);
}

/** Why the suite cannot run here (not built), or undefined. */
export function librdkafkaSuiteMissing(): string | undefined {
  if (existsSync(join(buildDir(), 'tests', 'test-runner'))) return undefined;
  return 'librdkafka test suite not built: bash scripts/ci/librdkafka-suite.sh (or bash .ci/run)';
}

export function loadSuite(): SuiteBuild {
  const dir = buildDir();
  const testsDir = join(dir, 'tests');
  const testRunner = join(testsDir, 'test-runner');
  if (!existsSync(testRunner)) throw new Error(librdkafkaSuiteMissing());
  const tests = parseTestTable(readFileSync(join(testsDir, 'test.c'), 'utf8'));
  return { dir, testRunner, libDir: join(dir, 'lib'), testsDir, tests };
}

/**
 * The allow-list: one test name per line (e.g. `0001_multiobj`), `#` starts a comment. Every name must
 * be a broker-facing test of the suite, so that a typo or a renamed test cannot silently pass.
 */
export function parseAllowList(text: string, brokerFacing: SuiteTest[]): SuiteTest[] {
  const byName = new Map(brokerFacing.map((test) => [test.name, test]));
  const allowed: SuiteTest[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of text.split('\n').entries()) {
    const name = raw.replace(/#.*/, '').trim();
    if (!name) continue;
    const test = byName.get(name);
    if (!test)
      throw new Error(`allow-list line ${index + 1}: ${name} is not a broker-facing test of the suite`);
    if (seen.has(name)) throw new Error(`allow-list line ${index + 1}: ${name} listed twice`);
    seen.add(name);
    allowed.push(test);
  }
  return allowed;
}

export function readAllowList(brokerFacing: SuiteTest[]): SuiteTest[] {
  return parseAllowList(readFileSync(allowListPath, 'utf8'), brokerFacing);
}

// The test table of librdkafka's suite, read from its tests/test.c (`struct test tests[] = { _TEST(...),
// ... }`): the one place that says which tests exist, which are local (TEST_F_LOCAL: mock cluster or no
// broker at all) and which need a scenario or a broker version. Pure: text in, entries out.

/** Flags of tests/test.h that decide whether and how a test runs against a broker. */
export interface SuiteTest {
  /** Full name, e.g. `0045_subscribe_update`; the unit the suite reports and we count. */
  name: string;
  /** The four-digit number: what test-runner's TESTS selection matches, all variants at once. */
  number: string;
  /** TEST_F_LOCAL, or mock-only: proves nothing about a broker (mock cluster or none). */
  local: boolean;
  /** Not flagged TEST_F_LOCAL, yet talks to librdkafka's mock cluster only (see mockOnlyTests). */
  mockOnly: boolean;
  /** TEST_F_MANUAL: never run unless named explicitly. */
  manual: boolean;
  /** TEST_F_KNOWN_ISSUE: flagged upstream as known to fail. */
  knownIssue: boolean;
  /** TEST_F_SOCKEM: runs the client's sockets through librdkafka's socket emulator. */
  sockem: boolean;
  /** Scenarios (broker setups) the test runs in; most run in `default` only. */
  scenarios: string[];
  /** Lowest broker version the test applies to, as [major, minor, patch, build]. */
  minBrokerVersion: number[];
}

/**
 * Tests that test.c does not flag TEST_F_LOCAL although every client they create talks to librdkafka's
 * mock cluster, never to the broker of test.conf (read from their sources in librdkafka 2.15.1). They
 * are counted with the local tests: passing them proves nothing about Nagare.
 */
const mockOnlyTests = new Set(['0068_produce_timeout', '0139_offset_validation_mock', '0150_telemetry_mock']);

/** Version macros of tests/testshared.h used in the table instead of a literal TEST_BRKVER. */
const versionAliases: Record<string, number[]> = { TEST_BRKVER_TOPIC_ADMINAPI: [0, 10, 2, 0] };

/** Parses the `tests[]` table of test.c; throws when it is not there (the suite changed shape). */
export function parseTestTable(testC: string): SuiteTest[] {
  const start = testC.indexOf('struct test tests[] = {');
  if (start < 0) throw new Error('test.c has no `struct test tests[] = {` table');
  const end = testC.indexOf('{NULL}', start);
  if (end < 0) throw new Error('test.c: the tests[] table has no {NULL} terminator');
  const table = stripComments(testC.slice(start, end));
  const entries: SuiteTest[] = [];
  for (const args of macroCalls(table, '_TEST')) {
    const [name, flags, ...rest] = splitTopLevel(args);
    const number = /^(\d{4})_/.exec(name)?.[1];
    if (!number) throw new Error(`test.c: unexpected test name ${name}`);
    const scenario = rest.map((arg) => /^\.scenario\s*=\s*"([^"]*)"$/.exec(arg)?.[1]).find(Boolean);
    const mockOnly = mockOnlyTests.has(name);
    entries.push({
      name,
      number,
      local: mockOnly || /\bTEST_F_LOCAL\b/.test(flags),
      mockOnly,
      manual: /\bTEST_F_MANUAL\b/.test(flags),
      // KNOWN_ISSUE_WIN32 / _OSX are known issues only on those systems.
      knownIssue: /\bTEST_F_KNOWN_ISSUE\b/.test(flags),
      sockem: /\bTEST_F_SOCKEM\b/.test(flags),
      scenarios: scenario ? scenario.split(',') : ['default'],
      minBrokerVersion: minVersion(rest),
    });
  }
  if (entries.length === 0) throw new Error('test.c: the tests[] table lists no _TEST entry');
  return entries;
}

function minVersion(args: string[]): number[] {
  for (const arg of args) {
    const literal = /^TEST_BRKVER\(([^)]*)\)$/.exec(arg);
    if (literal) return literal[1].split(',').map((part) => Number(part.trim()));
    if (versionAliases[arg]) return versionAliases[arg];
  }
  return [0, 0, 0, 0];
}

/** `"4.3.1"` → [4, 3, 1, 0]. */
export function parseBrokerVersion(version: string): number[] {
  const parts = version.split('.').map(Number);
  if (parts.length < 3 || parts.some((part) => !Number.isInteger(part)))
    throw new Error(`not a broker version: ${version}`);
  return [...parts, 0, 0, 0].slice(0, 4);
}

function versionAtLeast(version: number[], min: number[]): boolean {
  for (let i = 0; i < 4; i++) if (version[i] !== min[i]) return version[i] > min[i];
  return true;
}

/**
 * What `test-runner -L` (no local tests) runs, over its scenarios, against a broker of that version: the
 * suite's broker-facing tests, the ones this project counts. Like the runner, it leaves out manual
 * tests and those flagged as known issues upstream (test-runner runs these only when asked with -k).
 */
export function brokerFacing(tests: SuiteTest[], brokerVersion: number[]): SuiteTest[] {
  return tests.filter(
    (test) =>
      !test.local && !test.manual && !test.knownIssue && versionAtLeast(brokerVersion, test.minBrokerVersion),
  );
}

/** Removes C comments, leaving string literals (which may hold `//`, as in URLs) alone. */
function stripComments(text: string): string {
  return text.replace(
    /("(?:\\.|[^"\\])*")|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g,
    (_match, literal) => literal ?? ' ',
  );
}

/** The argument text of every `name(...)` call, parentheses balanced, strings respected. */
function* macroCalls(text: string, name: string): Generator<string> {
  const pattern = new RegExp(`\\b${name}\\(`, 'g');
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const open = match.index + match[0].length;
    const close = closingParen(text, open);
    yield text.slice(open, close);
    pattern.lastIndex = close;
  }
}

function closingParen(text: string, from: number): number {
  let depth = 1;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new Error('test.c: unbalanced parentheses in the tests[] table');
}

/** Splits macro arguments at commas outside parentheses and strings; adjacent strings are joined. */
function splitTopLevel(args: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let current = '';
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (inString) {
      if (c === '\\') current += c + args[++i];
      else {
        if (c === '"') inString = false;
        current += c;
      }
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts.map((part) => part.replace(/\s+/g, ' ').replace(/"\s*"/g, '').trim()).filter(Boolean);
}

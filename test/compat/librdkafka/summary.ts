// Reading what one test-runner process said about its tests. Each test's end is a line of its own
// (`==== Test <name> PASSED|FAILED|SKIPPED ====`); a failure prints `### Test "<name> (<subtest>)"
// failed at ...: ###` and the message on the next line, and a fatal one ends the test's thread without
// an end line. The summary table the runner prints last is missing when it aborts (as it does when a
// failed test left client threads behind), so the lines are what counts; the table only fills in the
// reasons of tests skipped before they started. Pure: text in, outcomes out.

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface TestResult {
  name: string;
  outcome: Outcome;
  /** Why it failed or was skipped (the suite's own words), empty when it passed. */
  reason: string;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are control characters.
const ansi = /\x1b\[[0-9;]*[A-Za-z]|\x1b\(B/g;

const endLine = /^\[[^\]]*\] =+ Test (\S+) (PASSED|FAILED|SKIPPED) =+$/;
const startLine = /^\[[^\]]*\] =+ Running test (\S+) =+$/;
const failureLine = /^### Test "([^" ]+)[^"]*" failed at ([^:\s]+:\d+):.*###$/;
const skipLine = /^\[(\S+?)\s*\/\s*[\d.]+s\] WARN: SKIPPING TEST: (.*)$/;
const tableRow = /^\|\s*(\S+)\s*\|\s*([A-Z]+)\s*\|\s*[\d.]+s\s*\|\s?(.*)$/;

interface Seen {
  started: boolean;
  end?: 'PASSED' | 'FAILED' | 'SKIPPED';
  failure?: string;
  skipReason?: string;
  tableState?: string;
  tableReason?: string;
}

/** What the output says of each test it names. */
function parseRunOutput(output: string): Map<string, Seen> {
  const lines = output.replace(ansi, '').split('\n');
  const seen = new Map<string, Seen>();
  const of = (name: string) => {
    let entry = seen.get(name);
    if (!entry) {
      entry = { started: false };
      seen.set(name, entry);
    }
    return entry;
  };
  let tableRules = 2;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trimEnd();
    let match = startLine.exec(line);
    if (match) {
      of(match[1]).started = true;
      continue;
    }
    match = endLine.exec(line);
    if (match) {
      of(match[1]).end = match[2] as Seen['end'];
      continue;
    }
    match = failureLine.exec(line);
    if (match) {
      const entry = of(match[1]);
      entry.failure ??= `${(lines[i + 1] ?? '').trim() || 'failed'} (${match[2]})`;
      continue;
    }
    match = skipLine.exec(line);
    if (match) {
      of(match[1]).skipReason ??= match[2].trim();
      continue;
    }
    if (/^TEST \S+ \(.*\) SUMMARY$/.test(line.trim())) {
      tableRules = 0;
      continue;
    }
    // The table sits between two rules of '#='.
    if (tableRules < 2) {
      if (line.startsWith('#=')) tableRules++;
      match = tableRow.exec(line);
      if (match && match[1] !== '<MAIN>') {
        const entry = of(match[1]);
        entry.tableState = match[2];
        entry.tableReason = match[3].trim();
      }
    }
  }
  return seen;
}

/**
 * The outcome of each expected test of one test-runner process. A test with no word of its end
 * (the process crashed, was killed, or the test was still running) failed, with `whyIncomplete` and
 * the last lines of output as the reason.
 */
export function resultsOfRun(expected: string[], output: string, whyIncomplete: string): TestResult[] {
  const seen = parseRunOutput(output);
  return expected.map((name): TestResult => {
    const entry = seen.get(name) ?? { started: false };
    if (entry.failure !== undefined || entry.end === 'FAILED')
      return { name, outcome: 'failed', reason: entry.failure ?? entry.tableReason ?? 'failed' };
    if (entry.end === 'PASSED') return { name, outcome: 'passed', reason: '' };
    if (entry.end === 'SKIPPED' || entry.tableState === 'SKIPPED')
      return { name, outcome: 'skipped', reason: entry.skipReason ?? entry.tableReason ?? '' };
    if (entry.tableState === 'PASSED') return { name, outcome: 'passed', reason: '' };
    const state = entry.started ? 'started and did not finish' : 'did not start';
    const tail = lastLines(output, 2);
    return {
      name,
      outcome: 'failed',
      reason: `${state}: ${whyIncomplete}${tail ? `; last output: ${tail}` : ''}`,
    };
  });
}

function lastLines(output: string, count: number): string {
  return output
    .replace(ansi, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-count)
    .join(' / ');
}

// Counting and printing suite results. Pure.
import type { Outcome, TestResult } from './summary.ts';

export function tally(results: TestResult[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { passed: 0, failed: 0, skipped: 0 };
  for (const result of results) counts[result.outcome]++;
  return counts;
}

/** One row per test, by name: outcome, whether allow-listed, the suite's reason (cut short). */
export function formatTable(results: TestResult[], allowed: Set<string>): string {
  const rows = [...results].sort((a, b) => a.name.localeCompare(b.name));
  const width = Math.max(4, ...rows.map((r) => r.name.length));
  const lines = [`${'test'.padEnd(width)}  outcome  allow  reason`];
  for (const r of rows) {
    const reason = r.reason.replace(/\s+/g, ' ').slice(0, 140);
    lines.push(
      `${r.name.padEnd(width)}  ${r.outcome.padEnd(7)}  ${allowed.has(r.name) ? 'yes  ' : '-    '}${reason}`,
    );
  }
  return lines.join('\n');
}

// Summaries of repeated measurements: benchmarks report medians, which one slow or lucky run cannot move.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median of each numeric field over a list of runs that all have the same fields. */
export function medianOfFields<T extends Record<string, number>>(runs: readonly T[]): T {
  const result: Record<string, number> = {};
  for (const key of Object.keys(runs[0] ?? {})) result[key] = median(runs.map((run) => run[key]));
  return result as T;
}

/** a / b, or NaN when there is nothing to compare with. */
export function ratio(a: number, b: number): number {
  return b > 0 && Number.isFinite(a) ? a / b : Number.NaN;
}

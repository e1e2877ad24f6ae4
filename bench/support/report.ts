// Output every benchmark shares: a table for people, then one JSON line for machines (the last line).

export type Cell = string | number;

/** Formats a number for a table cell: few significant digits, no noise. */
export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return '-';
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return value.toFixed(Math.min(decimals, 6));
}

export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...text.map((row) => (row[column] ?? '').length)),
  );
  // Numbers line up on the right, labels on the left.
  const pad = (cell: string, column: number, numeric: boolean) =>
    numeric ? cell.padStart(widths[column]) : cell.padEnd(widths[column]);
  const header = headers.map((cell, column) => pad(cell, column, false));
  const body = text.map((row, r) =>
    row.map((cell, column) => pad(cell, column, typeof rows[r][column] === 'number')),
  );
  const rule = widths.map((width) => '-'.repeat(width));
  return [header, rule, ...body].map((cells) => cells.join('  ').trimEnd()).join('\n');
}

export function printTable(
  title: string,
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
): void {
  console.log(`\n${title}\n${formatTable(headers, rows)}`);
}

/** The machine-readable result: one line, prefixed so it can be grepped out of the run's output. */
export function printJsonLine(bench: string, result: Record<string, unknown>): void {
  console.log(`\nRESULT ${JSON.stringify({ bench, date: new Date().toISOString(), ...result })}`);
}

/** Progress goes to stderr so that stdout holds only the tables and the JSON line. */
export function progress(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/**
 * A warning when other processes took a noticeable share of the machine during the runs: on a shared
 * machine the figures are then lower and noisier than the hardware allows (ratios suffer less).
 */
export function printNoiseNote(otherCores: readonly number[], cores: number): void {
  const worst = Math.max(...otherCores.filter(Number.isFinite));
  if (worst > 0.25) {
    console.log(
      `Note: other processes used up to ${formatNumber(worst, 2)} of the ${cores} cores during these runs (column "other cores"); absolute figures are depressed and noisy, ratios less so.`,
    );
  }
}

// What a group member reports, in one shape for every client: the drivers in ./drivers and
// test/compat/java/GroupMembers.java print it as JSON lines, kcat's own output is translated. Pure.

export type MemberEvent =
  /** Partitions added to the member's assignment (a rebalance callback). */
  | { kind: 'assigned'; partitions: number[] }
  /** Partitions taken away (revoked or lost). */
  | { kind: 'revoked'; partitions: number[] }
  /** The member's whole assignment, replacing the previous one (clients that only report joins). */
  | { kind: 'assignment'; partitions: number[] }
  | { kind: 'record'; partition: number; offset: number; value: string | null }
  /** Something the client reported and carried on after; shown when a scenario fails. */
  | { kind: 'error'; message: string }
  /** The member closed cleanly (committed and left the group). */
  | { kind: 'closed' };

/** An event and when the test received it (performance.now()). */
export interface TimedEvent {
  event: MemberEvent;
  at: number;
}

/** The member's assignment after `event`. */
export function nextAssignment(current: ReadonlySet<number>, event: MemberEvent): Set<number> {
  switch (event.kind) {
    case 'assigned':
      return new Set([...current, ...event.partitions]);
    case 'revoked':
      return new Set([...current].filter((partition) => !event.partitions.includes(partition)));
    case 'assignment':
      return new Set(event.partitions);
    default:
      return new Set(current);
  }
}

interface EventLine {
  event: string;
  partitions?: number[];
  partition?: number;
  offset?: number;
  value?: string | null;
  message?: string;
}

/**
 * One line a driver printed on stdout, or undefined when it is not an event (a client library's own
 * logging, kept for failure messages by the caller).
 */
export function parseEventLine(line: string): MemberEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  const raw = JSON.parse(line) as EventLine;
  switch (raw.event) {
    case 'assigned':
    case 'assignment':
      return { kind: raw.event, partitions: numbers(raw.partitions, line) };
    case 'revoked':
    case 'lost':
      return { kind: 'revoked', partitions: numbers(raw.partitions, line) };
    case 'record':
      if (typeof raw.partition !== 'number' || typeof raw.offset !== 'number')
        throw new Error(`record event without partition and offset: ${line}`);
      return { kind: 'record', partition: raw.partition, offset: raw.offset, value: raw.value ?? null };
    case 'error':
      return { kind: 'error', message: String(raw.message) };
    case 'closed':
      return { kind: 'closed' };
    default:
      throw new Error(`unknown member event: ${line}`);
  }
}

function numbers(value: unknown, line: string): number[] {
  if (!Array.isArray(value) || !value.every((item) => Number.isInteger(item)))
    throw new Error(`expected a list of partitions: ${line}`);
  return value as number[];
}

/** A message kcat -J prints on stdout for each record. */
interface KcatRecord {
  partition: number;
  offset: number;
  payload: string | null;
}

/** kcat -J: one JSON object per record on stdout. */
export function parseKcatStdout(line: string): MemberEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  const record = JSON.parse(line) as KcatRecord;
  return { kind: 'record', partition: record.partition, offset: record.offset, value: record.payload };
}

const kcatRebalance = /^% Group \S+ rebalanced \(memberid [^)]*\): (assigned|revoked): ?(.*)$/;
const kcatError = /^% ERROR: (.*)$/;

/**
 * kcat -G reports rebalances on stderr, e.g. `% Group g rebalanced (memberid m): assigned: t [0], t [3]`
 * (librdkafka's rebalance callback, which kcat prints at its default verbosity).
 */
export function parseKcatStderr(line: string): MemberEvent | undefined {
  const rebalance = kcatRebalance.exec(line);
  if (rebalance) {
    const partitions = [...rebalance[2].matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1]));
    return { kind: rebalance[1] as 'assigned' | 'revoked', partitions };
  }
  const error = kcatError.exec(line);
  return error ? { kind: 'error', message: error[1] } : undefined;
}

// The verdict on what a consumer group delivered: every produced record at least once, in order within
// each stretch a member owned a partition, and records delivered again only where a crash allows it
// (at-least-once: a member that dies loses the offsets it had not committed yet). Pure.
import assert from 'node:assert/strict';
import type { TimedEvent } from './member-events.ts';

/** Everything one member reported, in the order it reported it. */
export interface MemberLog {
  member: string;
  events: readonly TimedEvent[];
}

/**
 * The records one member read from one partition between two assignments that included it: a consumer
 * reads a partition it owns in offset order, and may restart from the committed offset when it is
 * (re)assigned.
 */
export interface Tenure {
  member: string;
  partition: number;
  offsets: number[];
  /** When each was received, for ordering deliveries of one record by different members. */
  times: number[];
}

/**
 * With `rewinds`, a member going back to an earlier offset also starts a new stretch: clients that
 * re-read from the committed offset after a rebalance without saying so.
 */
export function tenuresOf(log: MemberLog, rewinds = false): Tenure[] {
  const tenures: Tenure[] = [];
  const current = new Map<number, Tenure>();
  const start = (partition: number) => {
    const tenure: Tenure = { member: log.member, partition, offsets: [], times: [] };
    tenures.push(tenure);
    current.set(partition, tenure);
    return tenure;
  };
  for (const { event, at } of log.events) {
    if (event.kind === 'assigned' || event.kind === 'assignment') {
      for (const partition of event.partitions) start(partition);
    } else if (event.kind === 'record') {
      const ongoing = current.get(event.partition);
      const rewound = rewinds && ongoing !== undefined && event.offset <= (ongoing.offsets.at(-1) ?? -1);
      const tenure = ongoing && !rewound ? ongoing : start(event.partition);
      tenure.offsets.push(event.offset);
      tenure.times.push(at);
    }
  }
  return tenures.filter((tenure) => tenure.offsets.length > 0);
}

export interface DeliveryExpectation {
  /** produced[partition][offset]: the value the producer was acknowledged for. */
  produced: readonly (readonly string[])[];
  logs: readonly MemberLog[];
  /** Members killed without closing: only records they had read may be delivered again. */
  crashed: ReadonlySet<string>;
  /** Members may go back to an earlier offset while they own a partition (see tenuresOf). */
  rewinds?: boolean;
  /** Per partition, where delivery must start (the committed offsets a resumed group starts from). */
  from?: readonly number[];
}

export interface DeliveryReport {
  /** Records delivered, duplicates included. */
  delivered: number;
  /** Deliveries beyond the first of a record. */
  duplicates: number;
  /** Per partition, the first offset delivered (undefined when nothing was). */
  firstOffsets: Array<number | undefined>;
}

/** Asserts the expectation, failing with the partition, offset and members concerned. */
export function checkGroupDelivery(expectation: DeliveryExpectation): DeliveryReport {
  const { produced, crashed } = expectation;
  const tenures = expectation.logs.flatMap((log) => tenuresOf(log, expectation.rewinds));
  const readers = produced.map((records) => records.map((): Array<{ member: string; at: number }> => []));
  let delivered = 0;
  for (const { member, partition, offsets, times } of tenures) {
    const where = `${member}, partition ${partition}`;
    if (partition < 0 || partition >= produced.length)
      assert.fail(`${where}: the topic has ${produced.length} partitions`);
    const from = expectation.from?.[partition] ?? 0;
    offsets.forEach((offset, i) => {
      if (i > 0 && offset !== offsets[i - 1] + 1)
        assert.fail(`${where}: offset ${offset} read right after ${offsets[i - 1]} (out of order or a gap)`);
      if (offset < from) assert.fail(`${where}: read offset ${offset}, delivery should start at ${from}`);
      if (offset >= produced[partition].length)
        assert.fail(`${where}: read offset ${offset}, only ${produced[partition].length} were produced`);
      readers[partition][offset].push({ member, at: times[i] });
    });
    delivered += offsets.length;
  }
  for (const log of expectation.logs) {
    for (const { event } of log.events) {
      if (event.kind !== 'record') continue;
      const want = produced[event.partition][event.offset];
      if (event.value !== want) {
        assert.fail(
          `${log.member}, partition ${event.partition} offset ${event.offset}: value ${JSON.stringify(event.value)}, produced ${JSON.stringify(want)}`,
        );
      }
    }
  }
  let duplicates = 0;
  const firstOffsets: Array<number | undefined> = [];
  readers.forEach((byOffset, partition) => {
    const from = expectation.from?.[partition] ?? 0;
    firstOffsets.push(tenures.find((tenure) => tenure.partition === partition)?.offsets[0]);
    for (let offset = from; offset < byOffset.length; offset++) {
      const deliveries = byOffset[offset].sort((a, b) => a.at - b.at);
      if (deliveries.length === 0)
        assert.fail(`partition ${partition}: offset ${offset} was never delivered (lost)`);
      // Every delivery but the last must have been lost to a crash, or the record came again for nothing.
      const repeated = deliveries.slice(0, -1).find(({ member }) => !crashed.has(member));
      if (repeated) {
        const order = deliveries.map(({ member }) => member).join(', then ');
        assert.fail(
          `partition ${partition}: offset ${offset} delivered to ${order}; ${repeated.member} did not crash, it should have committed it`,
        );
      }
      duplicates += deliveries.length - 1;
    }
  });
  return { delivered, duplicates, firstOffsets };
}

/** One line per partition: who read which offsets, tenure by tenure in the order they began. */
export function describeTenures(logs: readonly MemberLog[], rewinds = false): string[] {
  const tenures = logs.flatMap((log) => tenuresOf(log, rewinds)).sort((a, b) => a.times[0] - b.times[0]);
  const partitions = [...new Set(tenures.map((tenure) => tenure.partition))].sort((a, b) => a - b);
  return partitions.map((partition) => {
    const stretches = tenures
      .filter((tenure) => tenure.partition === partition)
      .map(({ member, offsets }) => `${member} ${offsets[0]}–${offsets.at(-1)}`);
    return `partition ${partition}: ${stretches.join(', ')}`;
  });
}

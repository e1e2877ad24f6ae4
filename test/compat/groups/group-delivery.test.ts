import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkGroupDelivery, describeTenures, type MemberLog, tenuresOf } from './group-delivery.ts';
import type { MemberEvent } from './member-events.ts';

/** Two partitions of four records each. */
const produced = [0, 1].map((partition) => [0, 1, 2, 3].map((offset) => `p${partition}-o${offset}`));

const assigned = (...partitions: number[]): MemberEvent => ({ kind: 'assigned', partitions });
const read = (partition: number, ...offsets: number[]): MemberEvent[] =>
  offsets.map((offset) => ({ kind: 'record', partition, offset, value: `p${partition}-o${offset}` }));

/** A member's log with events received 1 ms apart from `start` on. */
function log(member: string, start: number, events: MemberEvent[]): MemberLog {
  return { member, events: events.map((event, i) => ({ event, at: start + i })) };
}

describe('checkGroupDelivery', () => {
  it('accepts every record delivered once, in order', () => {
    const report = checkGroupDelivery({
      produced,
      logs: [
        log('a', 0, [assigned(0), ...read(0, 0, 1, 2, 3)]),
        log('b', 0, [assigned(1), ...read(1, 0, 1, 2, 3)]),
      ],
      crashed: new Set(),
    });
    assert.deepEqual(report, { delivered: 8, duplicates: 0, firstOffsets: [0, 0] });
  });

  it('accepts records read again after the member that read them first crashed', () => {
    const report = checkGroupDelivery({
      produced: [produced[0]],
      logs: [
        log('victim', 0, [assigned(0), ...read(0, 0, 1, 2)]),
        log('heir', 100, [assigned(0), ...read(0, 1, 2, 3)]),
      ],
      crashed: new Set(['victim']),
    });
    assert.equal(report.duplicates, 2);
  });

  it('refuses records read again when the first reader did not crash', () => {
    assert.throws(
      () =>
        checkGroupDelivery({
          produced: [produced[0]],
          logs: [
            log('a', 0, [assigned(0), ...read(0, 0, 1, 2)]),
            log('b', 100, [assigned(0), ...read(0, 2, 3)]),
          ],
          // The crashed member read the record last: that excuses nothing.
          crashed: new Set(['b']),
        }),
      /offset 2 delivered to a, then b; a did not crash/,
    );
  });

  it('refuses a record never delivered', () => {
    assert.throws(
      () =>
        checkGroupDelivery({
          produced: [produced[0]],
          logs: [log('a', 0, [assigned(0), ...read(0, 0, 1)]), log('b', 100, [assigned(0), ...read(0, 3)])],
          crashed: new Set(['a']),
        }),
      /offset 2 was never delivered/,
    );
  });

  it('refuses a gap or a step back while a member owns a partition', () => {
    for (const offsets of [
      [0, 2, 3],
      [0, 1, 1, 2, 3],
    ]) {
      assert.throws(
        () =>
          checkGroupDelivery({
            produced: [produced[0]],
            logs: [log('a', 0, [assigned(0), ...read(0, ...offsets)])],
            crashed: new Set(['a']),
          }),
        /out of order or a gap/,
      );
    }
  });

  it('lets a member start over from the committed offset when it is assigned the partition again', () => {
    const report = checkGroupDelivery({
      produced: [produced[0]],
      logs: [log('a', 0, [assigned(0), ...read(0, 0, 1, 2), assigned(0), ...read(0, 2, 3)])],
      crashed: new Set(['a']),
    });
    assert.equal(report.duplicates, 1);
  });

  it('with `rewinds`, lets a member go back to an earlier offset without a new assignment', () => {
    const logs = [log('a', 0, [assigned(0), ...read(0, 0, 1, 2, 1, 2, 3)])];
    const report = checkGroupDelivery({
      produced: [produced[0]],
      logs,
      crashed: new Set(['a']),
      rewinds: true,
    });
    assert.equal(report.duplicates, 2);
    assert.throws(
      () => checkGroupDelivery({ produced: [produced[0]], logs, crashed: new Set(['a']) }),
      /offset 1 read right after 2/,
    );
  });

  it('refuses a value other than the one produced at that offset', () => {
    const wrong: MemberEvent = { kind: 'record', partition: 0, offset: 0, value: 'p0-o1' };
    assert.throws(
      () => checkGroupDelivery({ produced: [produced[0]], logs: [log('a', 0, [wrong])], crashed: new Set() }),
      /offset 0: value "p0-o1", produced "p0-o0"/,
    );
  });

  it('with `from`, demands delivery from the committed offsets and nothing before them', () => {
    const expectation = { produced: [produced[0]], crashed: new Set<string>(), from: [2] };
    const report = checkGroupDelivery({
      ...expectation,
      logs: [log('a', 0, [assigned(0), ...read(0, 2, 3)])],
    });
    assert.deepEqual(report.firstOffsets, [2]);
    assert.throws(
      () => checkGroupDelivery({ ...expectation, logs: [log('a', 0, [assigned(0), ...read(0, 1, 2, 3)])] }),
      /read offset 1, delivery should start at 2/,
    );
  });

  it('refuses offsets beyond what was produced', () => {
    assert.throws(
      () =>
        checkGroupDelivery({
          produced: [produced[0]],
          logs: [log('a', 0, [assigned(0), ...read(0, 0, 1, 2, 3, 4)])],
          crashed: new Set(),
        }),
      /read offset 4, only 4 were produced/,
    );
  });
});

describe('tenuresOf and describeTenures', () => {
  const logs = [
    log('a', 0, [
      assigned(0, 1),
      ...read(0, 0, 1),
      ...read(1, 0),
      { kind: 'assignment', partitions: [0] },
      ...read(0, 2),
    ]),
    log('b', 50, [assigned(1), ...read(1, 1, 2)]),
  ];

  it('cuts a member’s reads of a partition at each assignment that includes it', () => {
    assert.deepEqual(
      tenuresOf(logs[0]).map(({ partition, offsets }) => [partition, offsets]),
      [
        [0, [0, 1]],
        [1, [0]],
        [0, [2]],
      ],
    );
  });

  it('summarises who read what, in the order the stretches began', () => {
    assert.deepEqual(describeTenures(logs), ['partition 0: a 0–1, a 2–2', 'partition 1: a 0–0, b 1–2']);
  });
});

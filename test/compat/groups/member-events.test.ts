import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextAssignment, parseEventLine, parseKcatStderr, parseKcatStdout } from './member-events.ts';

describe('parseEventLine', () => {
  it('reads the drivers’ JSON lines, Java’s "lost" as a revocation', () => {
    assert.deepEqual(parseEventLine('{"event":"assigned","partitions":[0,3]}'), {
      kind: 'assigned',
      partitions: [0, 3],
    });
    assert.deepEqual(parseEventLine('{"member":0,"t":12.5,"event":"lost","partitions":[1]}'), {
      kind: 'revoked',
      partitions: [1],
    });
    assert.deepEqual(parseEventLine('{"event":"record","partition":2,"offset":7,"value":"p2-o7"}'), {
      kind: 'record',
      partition: 2,
      offset: 7,
      value: 'p2-o7',
    });
    assert.deepEqual(parseEventLine('{"event":"closed"}'), { kind: 'closed' });
  });

  it('leaves other output alone and refuses malformed events', () => {
    assert.equal(parseEventLine('[main] INFO AppInfoParser - Kafka version: 4.3.1'), undefined);
    assert.throws(() => parseEventLine('{"event":"assigned","partitions":"0"}'), /list of partitions/);
    assert.throws(() => parseEventLine('{"event":"joined"}'), /unknown member event/);
  });
});

describe('kcat -G output', () => {
  it('reads records from -J lines', () => {
    const line =
      '{"topic":"t","partition":5,"offset":3,"tstype":"create","ts":1,"broker":1,"key":null,"payload":"v"}';
    assert.deepEqual(parseKcatStdout(line), { kind: 'record', partition: 5, offset: 3, value: 'v' });
  });

  it('reads rebalances and errors from stderr', () => {
    assert.deepEqual(
      parseKcatStderr('% Group g1 rebalanced (memberid rdkafka-6ffb): assigned: t1 [0], t1 [1], t1 [5]'),
      { kind: 'assigned', partitions: [0, 1, 5] },
    );
    assert.deepEqual(parseKcatStderr('% Group g1 rebalanced (memberid ): revoked: t1 [2]'), {
      kind: 'revoked',
      partitions: [2],
    });
    assert.deepEqual(parseKcatStderr('% ERROR: Local: Broker transport failure'), {
      kind: 'error',
      message: 'Local: Broker transport failure',
    });
    assert.equal(parseKcatStderr('% Reached end of topic t1 [5] at offset 8'), undefined);
  });
});

describe('nextAssignment', () => {
  it('adds, removes or replaces partitions', () => {
    const start = new Set([0, 1]);
    assert.deepEqual(nextAssignment(start, { kind: 'assigned', partitions: [4] }), new Set([0, 1, 4]));
    assert.deepEqual(nextAssignment(start, { kind: 'revoked', partitions: [0] }), new Set([1]));
    assert.deepEqual(nextAssignment(start, { kind: 'assignment', partitions: [2, 3] }), new Set([2, 3]));
    assert.deepEqual(nextAssignment(start, { kind: 'closed' }), start);
  });
});

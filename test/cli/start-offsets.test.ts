import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startOffset } from '../../src/cli/start-offsets.ts';

describe('startOffset', () => {
  const offsets = { earliest: 5n, latest: 20n, atTimestamp: 12n };

  it('starts at the end by default, at the start with --from-beginning', () => {
    assert.equal(startOffset('t', 0, { kind: 'latest' }, offsets), 20n);
    assert.equal(startOffset('t', 0, { kind: 'earliest' }, offsets), 5n);
  });

  it('starts at the first record at or after a timestamp, or at the end when there is none yet', () => {
    assert.equal(startOffset('t', 0, { kind: 'timestamp', timestamp: 1n }, offsets), 12n);
    assert.equal(
      startOffset('t', 0, { kind: 'timestamp', timestamp: 1n }, { ...offsets, atTimestamp: -1n }),
      20n,
    );
  });

  it('accepts an offset from the earliest to the latest (waiting for the next record)', () => {
    assert.equal(startOffset('t', 0, { kind: 'offset', offset: 5n }, offsets), 5n);
    assert.equal(startOffset('t', 0, { kind: 'offset', offset: 20n }, offsets), 20n);
  });

  it('refuses an offset out of range, saying which offsets exist', () => {
    assert.throws(
      () => startOffset('orders', 1, { kind: 'offset', offset: 21n }, offsets),
      /^CliError: offset 21 is out of range for 'orders' partition 1, which holds offsets 5 to 19: pass an --offset from 5 to 20/,
    );
    assert.throws(
      () => startOffset('orders', 0, { kind: 'offset', offset: 3n }, { earliest: 0n, latest: 0n }),
      /holds no records \(next offset 0\)/,
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineRecord } from '../../src/cli/line-record.ts';

describe('lineRecord', () => {
  it('makes the whole line the value without a key separator', () => {
    assert.deepEqual(lineRecord('a:b', 1), { value: Buffer.from('a:b') });
    assert.deepEqual(lineRecord('', 1), { value: Buffer.alloc(0) });
  });

  it('splits at the first separator, which may be several characters', () => {
    assert.deepEqual(lineRecord('k:v:w', 1, ':'), { key: Buffer.from('k'), value: Buffer.from('v:w') });
    assert.deepEqual(lineRecord('k::=v', 1, '::='), { key: Buffer.from('k'), value: Buffer.from('v') });
    assert.deepEqual(lineRecord(':v', 1, ':'), { key: Buffer.alloc(0), value: Buffer.from('v') });
  });

  it('refuses a line without the separator, naming the line', () => {
    assert.throws(() => lineRecord('novalue', 7, '\t'), /^CliError: line 7 has no key separator '\t'/);
  });
});

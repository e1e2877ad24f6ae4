import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsumedRecord } from '../../src/cli/consumed-record.ts';
import { compileFormat } from '../../src/cli/record-format.ts';

const record: ConsumedRecord = {
  topic: 'orders',
  partition: 2,
  offset: 41n,
  timestamp: 1700000000123n,
  key: Buffer.from('k1'),
  value: Buffer.from('hello'),
  headers: [
    [Buffer.from('a'), Buffer.from('1')],
    [Buffer.from('b'), null],
  ],
};

const render = (format: string, r: ConsumedRecord = record) => compileFormat(format)(r).toString();

describe('compileFormat', () => {
  it('fills in every kcat token', () => {
    assert.equal(render('%t %p %o %k %v %T %h %K %S\\n'), 'orders 2 41 k1 hello 1700000000123 a=1,b= 2 5\n');
  });

  it('turns escapes and %% into their characters', () => {
    assert.equal(render('%k\\t%v\\r\\n100%%\\\\\\n'), 'k1\thello\r\n100%\\\n');
  });

  it('ends a format without a newline with one, so that records stay one per line', () => {
    assert.equal(render('%k=%v'), 'k1=hello\n');
    assert.equal(render('%v\\n'), 'hello\n');
    assert.equal(render('[%v]\\n--'), '[hello]\n--');
  });

  it('prints a null key or value as nothing and its length as -1', () => {
    assert.equal(render('<%k><%v> %K %S', { ...record, key: null, value: null }), '<><> -1 -1\n');
  });

  it('keeps binary values byte for byte', () => {
    const value = Buffer.from([0, 0xff, 0x80, 0x0a]);
    assert.deepEqual(compileFormat('%v')({ ...record, value }), Buffer.concat([value, Buffer.from('\n')]));
  });

  it('refuses unknown tokens and a dangling % or backslash, listing the known tokens', () => {
    assert.throws(() => compileFormat('%x'), /unknown format token '%x': %t topic/);
    assert.throws(() => compileFormat('\\q'), /unknown format token '\\q'/);
    assert.throws(() => compileFormat('%v%'), /'%' at the end of the format/);
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../../src/common/config-error.ts';
import { loadProperties, parseProperties } from '../../src/common/java-properties.ts';

describe('parseProperties', () => {
  test('the three separators, and blanks around them', () => {
    assert.deepEqual(parseProperties('a=1\nb: 2\nc 3\n  d  =  4\ne\t:\t5\nf   g'), {
      a: '1',
      b: '2',
      c: '3',
      d: '4',
      e: '5',
      f: 'g',
    });
  });

  test('comments with # and !, only at the start of a line', () => {
    assert.deepEqual(parseProperties('# comment\n  ! also a comment\nurl=http://h/#frag\nx=!y'), {
      url: 'http://h/#frag',
      x: '!y',
    });
  });

  test('blank lines and CR, LF, CRLF line ends', () => {
    assert.deepEqual(parseProperties('a=1\r\n\r\n   \nb=2\rc=3'), { a: '1', b: '2', c: '3' });
  });

  test('trailing whitespace of a value is kept, leading is not', () => {
    assert.deepEqual(parseProperties('k =  v  '), { k: 'v  ' });
  });

  test('a key alone has an empty value; an empty key is allowed', () => {
    assert.deepEqual(parseProperties('lonely\n=v\nk='), { lonely: '', '': 'v', k: '' });
  });

  test('only the first separator splits; a second = belongs to the value', () => {
    assert.deepEqual(parseProperties('a==b\nc = = d\ne:f=g'), { a: '=b', c: '= d', e: 'f=g' });
  });

  test('after blanks, one = or : is still the separator', () => {
    assert.deepEqual(parseProperties('a : b\nc   =d'), { a: 'b', c: 'd' });
  });

  test('line continuation joins lines and drops the leading blanks of the next one', () => {
    assert.deepEqual(parseProperties('listeners=PLAINTEXT://:9092,\\\n    SSL://:9093\nnext=1'), {
      listeners: 'PLAINTEXT://:9092,SSL://:9093',
      next: '1',
    });
  });

  test('an even number of trailing backslashes is not a continuation', () => {
    assert.deepEqual(parseProperties('a=x\\\\\nb=y'), { a: 'x\\', b: 'y' });
    assert.deepEqual(parseProperties('a=x\\\\\\\nb=y'), { a: 'x\\b=y' });
  });

  test('a continued line may start with # and is data, not a comment', () => {
    assert.deepEqual(parseProperties('a=1\\\n#2'), { a: '1#2' });
  });

  test('a comment line ending in a backslash is not continued', () => {
    assert.deepEqual(parseProperties('# note \\\na=1'), { a: '1' });
  });

  test('a blank continuation line ends the logical line', () => {
    assert.deepEqual(parseProperties('a=1\\\n   \nb=2'), { a: '1', b: '2' });
  });

  test('a continuation that leaves the line empty lets blank and comment lines follow', () => {
    assert.deepEqual(parseProperties('\\\n\n# c\nk=v'), { k: 'v' });
  });

  test('a backslash at the very end of the text is dropped', () => {
    assert.deepEqual(parseProperties('a=1\\'), { a: '1' });
  });

  test('escapes \\t \\n \\r \\f \\uXXXX, and any other escaped char stands for itself', () => {
    assert.deepEqual(parseProperties('k=a\\tb\\nc\\rd\\fe\\u00e9\\u4E2D\\q\\\\'), {
      k: 'a\tb\nc\rd\fe\u00e9\u4e2d' + 'q\\',
    });
  });

  test('escaped separators and blanks belong to the key', () => {
    assert.deepEqual(parseProperties('a\\=b\\:c\\ d = v'), { 'a=b:c d': 'v' });
  });

  test('the last of duplicate keys wins', () => {
    assert.deepEqual(parseProperties('a=1\na=2'), { a: '2' });
  });

  test('a key named __proto__ is an ordinary key', () => {
    const parsed = parseProperties('__proto__=x');
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value, 'x');
  });

  test('a malformed \\u escape names the source and the physical line', () => {
    assert.throws(
      () => parseProperties('a=1\nb=2\\\n  x\\u12G4', 'server.properties'),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message.startsWith('server.properties:3: malformed \\uXXXX escape "\\u12G4"'),
    );
    assert.throws(() => parseProperties('k=\\u00'), /<properties>:1: malformed \\uXXXX escape "\\u00"/);
  });

  test('any key/value pair survives being written with escapes and parsed back', () => {
    const writeEscaped = (text: string, isKey: boolean) =>
      [...text]
        .map((ch, i) => {
          if (ch === '\\') return '\\\\';
          if (ch === '\n') return '\\n';
          if (ch === '\r') return '\\r';
          if (ch === '\t') return '\\t';
          if (ch === '\f') return '\\f';
          if ('=:#!'.includes(ch) || (ch === ' ' && (isKey || i === 0))) return `\\${ch}`;
          return ch;
        })
        .join('');
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), (entries) => {
        const text = Object.entries(entries)
          .map(([k, v]) => `${writeEscaped(k, true)}=${writeEscaped(v, false)}`)
          .join('\n');
        assert.deepEqual(parseProperties(text), Object.fromEntries(Object.entries(entries)));
      }),
    );
  });
});

describe('loadProperties', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nagare-props-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('reads UTF-8', async () => {
    const path = join(dir, 'utf8.properties');
    await writeFile(path, 'name=café\n');
    assert.deepEqual(await loadProperties(path), { name: 'café' });
  });

  test('falls back to ISO-8859-1, the encoding Java uses, when the bytes are not UTF-8', async () => {
    const path = join(dir, 'latin1.properties');
    await writeFile(path, Buffer.from('name=caf\xe9\n', 'latin1'));
    assert.deepEqual(await loadProperties(path), { name: 'café' });
  });

  test('errors name the file and line', async () => {
    const path = join(dir, 'bad.properties');
    await writeFile(path, '\n\nx=\\uZZZZ\n');
    await assert.rejects(loadProperties(path), {
      name: 'ConfigError',
      message: new RegExp(`^${path.replace(/[\\.]/g, '\\$&')}:3: `),
    });
  });

  test('a missing file is a ConfigError naming it', async () => {
    const path = join(dir, 'missing.properties');
    await assert.rejects(
      loadProperties(path),
      (err: unknown) => err instanceof ConfigError && err.message.includes(path),
    );
  });
});

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { forEachLineBatch } from '../../src/cli/line-batches.ts';

describe('forEachLineBatch', () => {
  it('hands over every line in order, in batches no bigger than asked, with line numbers', async () => {
    const text = `${Array.from({ length: 2500 }, (_, i) => `line ${i + 1}`).join('\n')}\n`;
    const batches: [number, string[]][] = [];
    await forEachLineBatch(Readable.from([text]), { maxLines: 1000, lingerMs: 5 }, async (lines, first) => {
      batches.push([first, lines]);
    });
    const all = batches.flatMap(([, lines]) => lines);
    assert.equal(all.length, 2500);
    assert.equal(all[0], 'line 1');
    assert.equal(all[2499], 'line 2500');
    assert.ok(batches.every(([, lines]) => lines.length <= 1000));
    let expectedFirst = 1;
    for (const [first, lines] of batches) {
      assert.equal(first, expectedFirst);
      expectedFirst += lines.length;
    }
  });

  it('pauses reading while batches queue up behind a slow handler, and still delivers every line', async () => {
    const text = `${Array.from({ length: 1005 }, (_, i) => String(i)).join('\n')}\n`;
    const seen: string[] = [];
    await forEachLineBatch(Readable.from([text]), { maxLines: 10, lingerMs: 1 }, async (lines) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(...lines);
    });
    assert.equal(seen.length, 1005);
    assert.equal(seen.join(','), Array.from({ length: 1005 }, (_, i) => String(i)).join(','));
  });

  it('treats CRLF as one line end', async () => {
    const seen: string[] = [];
    await forEachLineBatch(Readable.from(['a\r\nb\r\n']), { maxLines: 10, lingerMs: 1 }, async (lines) => {
      seen.push(...lines);
    });
    assert.deepEqual(seen, ['a', 'b']);
  });

  it('sends a line typed on a terminal without waiting for the input to end', async () => {
    const input = new PassThrough();
    const handled = new Promise<string[]>((resolve) => {
      void forEachLineBatch(input, { maxLines: 1000, lingerMs: 5 }, async (lines) => resolve(lines));
    });
    input.write('typed\n');
    assert.deepEqual(await handled, ['typed']);
    input.end();
  });

  it('stops at the first failing batch and rejects with its error', async () => {
    const input = new PassThrough();
    let calls = 0;
    const done = forEachLineBatch(input, { maxLines: 1, lingerMs: 1 }, async () => {
      calls++;
      throw new Error('broker said no');
    });
    input.write('a\nb\nc\n');
    await assert.rejects(done, /broker said no/);
    assert.equal(calls, 1);
  });

  it('handles the lines read so far when aborted, then returns', async () => {
    const input = new PassThrough();
    const stop = new AbortController();
    const seen: string[] = [];
    const done = forEachLineBatch(
      input,
      { maxLines: 1000, lingerMs: 1000, signal: stop.signal },
      async (lines) => {
        seen.push(...lines);
      },
    );
    // The reader's own 'data' listener comes first, so once this one fires both lines have been read.
    const read = once(input, 'data');
    input.write('x\ny\n');
    await read;
    stop.abort();
    await done;
    assert.deepEqual(seen, ['x', 'y']);
  });
});

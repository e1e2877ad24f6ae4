import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FrameReader } from '../../../src/broker/server/frame-reader.ts';

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

test('frames split at any byte boundaries come out whole and in order', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 10 }),
      (bodies, cuts) => {
        const stream = Buffer.concat(bodies.map((b) => frame(Buffer.from(b))));
        const reader = new FrameReader(1024);
        const out: Buffer[] = [];
        let at = 0;
        let i = 0;
        while (at < stream.length) {
          const n = cuts[i++ % cuts.length];
          const result = reader.push(stream.subarray(at, at + n));
          assert.equal(result.error, undefined);
          out.push(...result.frames);
          at += n;
        }
        assert.deepEqual(
          out.map((b) => [...b]),
          bodies.map((b) => [...b]),
        );
        assert.equal(reader.buffered, 0);
      },
    ),
  );
});

test('a size above the limit or below zero is refused before its body arrives', () => {
  const reader = new FrameReader(100);
  const big = Buffer.alloc(4);
  big.writeInt32BE(101);
  assert.match(reader.push(big).error ?? '', /101 is outside 0\.\.100/);
  const negative = Buffer.alloc(4);
  negative.writeInt32BE(-5);
  assert.match(new FrameReader(100).push(negative).error ?? '', /-5/);
});

test('frames before a bad size are still delivered', () => {
  const reader = new FrameReader(10);
  const bad = Buffer.alloc(4);
  bad.writeInt32BE(0x7fffffff);
  const result = reader.push(Buffer.concat([frame(Buffer.from('ok')), bad]));
  assert.deepEqual(result.frames.map(String), ['ok']);
  assert.ok(result.error);
});

// The 128-bit hash the cleaner's offset map stores instead of keys (Kafka stores a 16-byte MD5 digest per
// key, so that memory per key is fixed whatever the key size). It follows MurmurHash3's x86 128-bit
// construction in plain integer arithmetic: hashing in Node's crypto costs about 2 µs a call, as much as the
// rest of cleaning a record, while this is some 50 ns for a short key. The map is seeded afresh for
// every cleaning, so keys cannot be chosen in advance to collide.

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x;
}

function word(buf: Uint8Array, at: number): number {
  return buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24);
}

/** Up to four bytes from `at`, stopping at `end`, as a little-endian word. */
function tailWord(buf: Uint8Array, at: number, end: number): number {
  let value = 0;
  for (let i = 0; i < 4 && at + i < end; i++) value |= buf[at + i] << (i * 8);
  return value;
}

/** Hashes `buf[start, end)` with `seed` and writes the four 32-bit words of the result into `out`. */
export function hashKey(buf: Uint8Array, start: number, end: number, seed: number, out: Int32Array): void {
  const length = end - start;
  let h1 = seed | 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  let at = start;
  for (const blocksEnd = start + (length & ~15); at < blocksEnd; at += 16) {
    let k1 = word(buf, at);
    let k2 = word(buf, at + 4);
    let k3 = word(buf, at + 8);
    let k4 = word(buf, at + 12);
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  // The 0–15 remaining bytes, little-endian, into up to four words.
  const rest = end - at;
  if (rest > 12) h4 ^= Math.imul(rotl(Math.imul(tailWord(buf, at + 12, end), C4), 18), C1);
  if (rest > 8) h3 ^= Math.imul(rotl(Math.imul(tailWord(buf, at + 8, end), C3), 17), C4);
  if (rest > 4) h2 ^= Math.imul(rotl(Math.imul(tailWord(buf, at + 4, end), C2), 16), C3);
  if (rest > 0) h1 ^= Math.imul(rotl(Math.imul(tailWord(buf, at, end), C1), 15), C2);

  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  out[0] = h1;
  out[1] = (h2 + h1) | 0;
  out[2] = (h3 + h1) | 0;
  out[3] = (h4 + h1) | 0;
}

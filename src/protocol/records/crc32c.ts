// CRC-32C (Castagnoli), the checksum of record batch v2. The native @node-rs/crc32 is used when it
// loads; a table-driven fallback keeps the broker working on platforms without a prebuilt binary.
import { createRequire } from 'node:module';

type Crc32c = (data: Buffer, initial?: number) => number;

function loadNative(): Crc32c | undefined {
  try {
    const native = createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: Crc32c };
    return native.crc32c;
  } catch {
    return undefined;
  }
}

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32cPortable(data: Buffer, initial = 0): number {
  let crc = ~initial >>> 0;
  for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

const native = loadNative();

/** CRC-32C of `data` as an unsigned 32-bit number. */
export const crc32c: Crc32c = native ? (data, initial) => native(data, initial) >>> 0 : crc32cPortable;

// A tiny seeded random-number generator (mulberry32) for tests whose input varies from run to run yet
// must replay exactly from the seed they print. Not for anything that needs real randomness.

export interface SeededRandom {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** `length` bytes, each in 0–255. */
  bytes(length: number): Buffer;
  /** One of `items`. */
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const bytes = (length: number) => {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = int(0, 255);
    return out;
  };
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
  return { next, int, bytes, pick };
}

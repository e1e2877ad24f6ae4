// Growable typed arrays for the in-memory indexes: doubling keeps appends amortised O(1).

type TypedArray = Int32Array | BigInt64Array;

/** Returns `array` if it holds `needed` elements, else a copy with at least double the room. */
export function ensureCapacity<T extends TypedArray>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const grown = new (array.constructor as new (length: number) => T)(Math.max(needed, array.length * 2, 16));
  grown.set(array as never);
  return grown;
}

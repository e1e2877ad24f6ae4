// Math.min/max do not take bigint offsets.

export function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

export function bigMin(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

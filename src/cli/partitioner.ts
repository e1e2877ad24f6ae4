// Which partition `nagare produce` writes a record to. Chosen here rather than in the client so that the
// summary can count records per partition, and so that keys land where Kafka's Java producer puts them.

/**
 * A fixed partition when one is given; otherwise Kafka's rule for keyed records (the positive part of the
 * key's murmur2 hash modulo the partition count) and round robin for records without a key. `murmur2` is
 * Kafka's hash (the client library's), passed in so that this module stays free of I/O dependencies.
 */
export function partitionChooser(
  murmur2: (key: Buffer) => number,
  partitionCount: number,
  fixed?: number,
): (key: Buffer | undefined) => number {
  if (fixed !== undefined) return () => fixed;
  let next = 0;
  return (key) => {
    if (key !== undefined) return (murmur2(key) & 0x7fffffff) % partitionCount;
    const partition = next;
    next = (next + 1) % partitionCount;
    return partition;
  };
}

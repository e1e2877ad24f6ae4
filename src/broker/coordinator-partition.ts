// Which partition of a coordinator's internal topic holds a key (a group id, a transactional id, a
// share-partition): Kafka's rule, so that each lands where Kafka's tools expect it: abs(key.hashCode())
// mod the partition count, with Java's String.hashCode over UTF-16 code units and Kafka's Utils.abs
// (which maps Integer.MIN_VALUE to 0).

/** Java's String.hashCode. */
export function javaStringHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

export function coordinatorPartitionFor(key: string, partitionCount: number): number {
  const hash = javaStringHashCode(key);
  const abs = hash === -2147483648 ? 0 : Math.abs(hash);
  return abs % partitionCount;
}

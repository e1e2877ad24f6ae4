// Which partition of __consumer_offsets holds a group: Kafka's rule, so a group lands where Kafka's
// tools expect it: abs(groupId.hashCode()) mod the partition count, with Java's String.hashCode over
// UTF-16 code units and Kafka's Utils.abs (which maps Integer.MIN_VALUE to 0).

/** Java's String.hashCode. */
export function javaStringHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

export function offsetsPartitionFor(groupId: string, partitionCount: number): number {
  const hash = javaStringHashCode(groupId);
  const abs = hash === -2147483648 ? 0 : Math.abs(hash);
  return abs % partitionCount;
}

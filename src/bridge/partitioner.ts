// The partition a record without an explicit one goes to, chosen by the bridge (not the client library)
// so that each record's offset can be reported, and so keys land where Kafka's Java producer - and so
// Strimzi's bridge - puts them: the positive part of murmur2(key) modulo the partition count. Records
// without a key go round robin per topic.

export type Murmur2 = (key: Buffer) => number;

export function createPartitioner(
  murmur2: Murmur2,
): (topic: string, key: Buffer | undefined, count: number) => number {
  const next = new Map<string, number>();
  return (topic, key, count) => {
    if (key !== undefined) return (murmur2(key) & 0x7fffffff) % count;
    const partition = (next.get(topic) ?? 0) % count;
    next.set(topic, partition + 1);
    return partition;
  };
}

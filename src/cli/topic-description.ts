// The text of `nagare topics describe`, in the layout of Kafka's `kafka-topics.sh --describe` so that
// people and scripts used to it read it the same way.

export interface PartitionDescription {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface TopicDescription {
  name: string;
  id: string;
  partitions: PartitionDescription[];
  /** Configs set on the topic itself, not inherited defaults; a null value is a sensitive one. */
  configs: [string, string | null][];
}

export function formatTopicDescription(topic: TopicDescription): string {
  const configs = [...topic.configs]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value ?? '(sensitive)'}`)
    .join(',');
  const replicationFactor = topic.partitions[0]?.replicas.length ?? 0;
  const lines = [
    `Topic: ${topic.name}\tTopicId: ${topic.id}\tPartitionCount: ${topic.partitions.length}\tReplicationFactor: ${replicationFactor}\tConfigs: ${configs}`,
  ];
  for (const p of topic.partitions) {
    const leader = p.leader < 0 ? 'none' : String(p.leader);
    lines.push(
      `\tTopic: ${topic.name}\tPartition: ${p.partition}\tLeader: ${leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`,
    );
  }
  return lines.join('\n');
}

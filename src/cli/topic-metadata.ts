// A topic's layout as the cluster metadata gives it, for the commands that need its id or partitions.
import type { Base, ClusterTopicMetadata } from '@platformatic/kafka';
import { CliError, topicMissing } from './errors.ts';

/**
 * The topic's metadata; an unknown topic rejects with the library's error (explained by withClient).
 * A producer asks the broker to create a missing topic, as Kafka's producers do, which it does when
 * auto.create.topics.enable is on.
 */
export async function topicMetadata(
  client: Base,
  topic: string,
  options: { autocreate?: boolean } = {},
): Promise<ClusterTopicMetadata> {
  const metadata = await client.metadata({
    topics: [topic],
    forceUpdate: true,
    autocreateTopics: options.autocreate ?? false,
  });
  const found = metadata.topics.get(topic);
  // The library rejects unknown topics itself; this covers a broker answering without the topic.
  if (!found) throw topicMissing(topic);
  return found;
}

/** Checks a partition the user named exists, before the client library would silently wrap it around. */
export function checkPartition(topic: string, metadata: ClusterTopicMetadata, partition: number): void {
  const count = metadata.partitionsCount;
  if (partition < count) return;
  const has = count === 1 ? 'only partition 0' : `partitions 0-${count - 1}`;
  throw new CliError(
    `topic '${topic}' has no partition ${partition} (it has ${has}): add partitions with 'nagare topics alter ${topic} --partitions N'`,
  );
}

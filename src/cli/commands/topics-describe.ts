// `nagare topics describe [NAME]`: partitions, leaders, replicas and ISR from Metadata, and the configs
// set on each topic from DescribeConfigs.
import type { Admin, ConfigDescription } from '@platformatic/kafka';
import { Command } from 'commander';
import { clientOptions, withClient } from '../client.ts';
import { addBootstrapOption } from '../options.ts';
import { formatTopicDescription, type TopicDescription } from '../topic-description.ts';

export function topicsDescribeCommand(): Command {
  const command = new Command('describe')
    .description('show partitions, leaders, replicas, ISR and the configs set on topics (all when no name)')
    .argument('[name]', 'topic name')
    .action(async (name: string | undefined, options: { bootstrapServer: string[] }) => {
      const bootstrap = options.bootstrapServer;
      const { Admin } = await import('@platformatic/kafka');
      const admin = new Admin(clientOptions(bootstrap));
      const action = name === undefined ? 'describe topics' : `describe topic '${name}'`;
      const descriptions = await withClient(admin, { bootstrap, action, topic: name }, () =>
        describeTopics(admin, name),
      );
      if (descriptions.length > 0) console.log(descriptions.map(formatTopicDescription).join('\n'));
    });
  return addBootstrapOption(command);
}

async function describeTopics(admin: Admin, name: string | undefined): Promise<TopicDescription[]> {
  const { ConfigResourceTypes, ConfigSources } = await import('@platformatic/kafka');
  const names = name === undefined ? [...(await admin.listTopics())].sort() : [name];
  if (names.length === 0) return [];
  const metadata = await admin.metadata({ topics: names, forceUpdate: true });
  const configs = await admin.describeConfigs({
    resources: names.map((topic) => ({
      resourceType: ConfigResourceTypes.TOPIC,
      resourceName: topic,
      configurationKeys: null,
    })),
  });
  const configsByTopic = new Map(configs.map((d: ConfigDescription) => [d.resourceName, d.configs]));
  return names.flatMap((topic) => {
    const layout = metadata.topics.get(topic);
    // A topic deleted between listing and describing is simply left out.
    if (!layout) return [];
    return {
      name: topic,
      id: kafkaTopicId(layout.id),
      partitions: layout.partitions.map((p, partition) => ({
        partition,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
      })),
      configs: (configsByTopic.get(topic) ?? [])
        .filter((config) => config.configSource === ConfigSources.DYNAMIC_TOPIC_CONFIG)
        .map((config): [string, string | null] => [config.name, config.value ?? null]),
    };
  });
}

/** The client library writes topic ids as hex UUIDs; Kafka's tools show them as URL-safe base64. */
export function kafkaTopicId(uuid: string): string {
  return Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');
}

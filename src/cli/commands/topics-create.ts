// `nagare topics create NAME`: CreateTopics, with the broker's defaults for what is not given.
import { Command } from 'commander';
import { clientOptions, withClient } from '../client.ts';
import { CliError, kafkaError } from '../errors.ts';
import { addBootstrapOption, collectKeyValues, integerParser } from '../options.ts';

interface CreateOptions {
  bootstrapServer: string[];
  partitions?: number;
  replicationFactor?: number;
  config?: [string, string][];
  ifNotExists?: boolean;
}

export function topicsCreateCommand(): Command {
  const command = new Command('create')
    .description('create a topic')
    .argument('<name>', 'topic name')
    .option(
      '-p, --partitions <n>',
      "number of partitions (default: the broker's num.partitions)",
      integerParser(1),
    )
    .option(
      '-r, --replication-factor <n>',
      "replicas per partition (default: the broker's default.replication.factor)",
      integerParser(1, 32767),
    )
    .option(
      '-c, --config <key=value>',
      'topic config, e.g. retention.ms=86400000 (repeatable)',
      collectKeyValues,
    )
    .option('--if-not-exists', 'succeed when the topic already exists')
    .action(createTopic);
  return addBootstrapOption(command);
}

async function createTopic(name: string, options: CreateOptions): Promise<void> {
  const bootstrap = options.bootstrapServer;
  const { Admin } = await import('@platformatic/kafka');
  const admin = new Admin(clientOptions(bootstrap));
  await withClient(admin, { bootstrap, action: `create topic '${name}'` }, async () => {
    try {
      const [created] = await admin.createTopics({
        topics: [name],
        // -1 asks the broker for its default, as Kafka's admin client does.
        partitions: options.partitions ?? -1,
        replicas: options.replicationFactor ?? -1,
        configs: (options.config ?? []).map(([configName, value]) => ({ name: configName, value })),
      });
      const partitions = created.partitions === 1 ? '1 partition' : `${created.partitions} partitions`;
      console.log(`Created topic '${name}' (${partitions}, replication factor ${created.replicas}).`);
    } catch (err) {
      if (kafkaError(err)?.name !== 'TOPIC_ALREADY_EXISTS') throw err;
      if (!options.ifNotExists) {
        throw new CliError(
          `topic '${name}' already exists: pass --if-not-exists to accept an existing topic, or pick another name`,
        );
      }
      console.log(`Topic '${name}' already exists.`);
    }
  });
}

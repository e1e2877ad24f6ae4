// `nagare topics alter NAME`: configs through IncrementalAlterConfigs (only the named keys change),
// partitions through CreatePartitions. Configs go first: they are the likelier to be refused, and a
// refused command should leave the topic as it was.
import { Command } from 'commander';
import { clientOptions, withClient } from '../client.ts';
import { CliError } from '../errors.ts';
import { addBootstrapOption, collectKeyValues, collectStrings, integerParser } from '../options.ts';

interface AlterOptions {
  bootstrapServer: string[];
  partitions?: number;
  config?: [string, string][];
  deleteConfig?: string[];
}

export function topicsAlterCommand(): Command {
  const command = new Command('alter')
    .description('change the configs or grow the partitions of a topic')
    .argument('<name>', 'topic name')
    .option('-p, --partitions <n>', 'new total number of partitions (can only grow)', integerParser(1))
    .option('-c, --config <key=value>', 'set a topic config (repeatable)', collectKeyValues)
    .option(
      '--delete-config <key>',
      'remove a topic config, back to the default (repeatable)',
      collectStrings,
    )
    .action(alterTopic);
  return addBootstrapOption(command);
}

async function alterTopic(name: string, options: AlterOptions): Promise<void> {
  const set = options.config ?? [];
  const deleted = options.deleteConfig ?? [];
  if (options.partitions === undefined && set.length === 0 && deleted.length === 0) {
    throw new CliError('nothing to alter: pass --partitions, --config or --delete-config', 2);
  }
  const both = set.map(([key]) => key).filter((key) => deleted.includes(key));
  if (both.length > 0) throw new CliError(`config '${both[0]}' is both set and deleted: pick one`, 2);

  const bootstrap = options.bootstrapServer;
  const { Admin, ConfigResourceTypes, IncrementalAlterConfigOperationTypes } = await import(
    '@platformatic/kafka'
  );
  if (set.length > 0 || deleted.length > 0) {
    const admin = new Admin(clientOptions(bootstrap));
    await withClient(admin, { bootstrap, action: `change the configs of topic '${name}'`, topic: name }, () =>
      admin.incrementalAlterConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: name,
            configs: [
              ...set.map(([key, value]) => ({
                name: key,
                configOperation: IncrementalAlterConfigOperationTypes.SET,
                value,
              })),
              ...deleted.map((key) => ({
                name: key,
                configOperation: IncrementalAlterConfigOperationTypes.DELETE,
                value: null,
              })),
            ],
          },
        ],
      }),
    );
    const changes = [...set.map(([key, value]) => `${key}=${value}`), ...deleted.map((key) => `-${key}`)];
    console.log(`Altered configs of topic '${name}': ${changes.join(', ')}.`);
  }
  const partitions = options.partitions;
  if (partitions !== undefined) {
    const admin = new Admin(clientOptions(bootstrap));
    await withClient(admin, { bootstrap, action: `add partitions to topic '${name}'`, topic: name }, () =>
      // No assignments: the broker places the new partitions itself.
      admin.createPartitions({ topics: [{ name, count: partitions, assignments: null }] }),
    );
    console.log(`Topic '${name}' now has ${partitions} partitions.`);
  }
}

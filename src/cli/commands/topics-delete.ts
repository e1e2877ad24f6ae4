// `nagare topics delete NAME`: DeleteTopics.
import { Command } from 'commander';
import { clientOptions, withClient } from '../client.ts';
import { kafkaError } from '../errors.ts';
import { addBootstrapOption } from '../options.ts';

export function topicsDeleteCommand(): Command {
  const command = new Command('delete')
    .description('delete a topic and its data')
    .argument('<name>', 'topic name')
    .option('--if-exists', 'succeed when the topic does not exist')
    .action(async (name: string, options: { bootstrapServer: string[]; ifExists?: boolean }) => {
      const bootstrap = options.bootstrapServer;
      const { Admin } = await import('@platformatic/kafka');
      const admin = new Admin(clientOptions(bootstrap));
      await withClient(admin, { bootstrap, action: `delete topic '${name}'`, topic: name }, async () => {
        try {
          await admin.deleteTopics({ topics: [name] });
          console.log(`Deleted topic '${name}'.`);
        } catch (err) {
          if (!options.ifExists || kafkaError(err)?.name !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
          console.log(`Topic '${name}' does not exist; nothing to delete.`);
        }
      });
    });
  return addBootstrapOption(command);
}

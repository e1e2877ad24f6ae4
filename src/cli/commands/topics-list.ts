// `nagare topics list`: the names of the topics, one per line, sorted.
import { Command } from 'commander';
import { clientOptions, withClient } from '../client.ts';
import { addBootstrapOption } from '../options.ts';

export function topicsListCommand(): Command {
  const command = new Command('list')
    .description('list topic names, one per line')
    .action(async (options: { bootstrapServer: string[] }) => {
      const bootstrap = options.bootstrapServer;
      const { Admin } = await import('@platformatic/kafka');
      const admin = new Admin(clientOptions(bootstrap));
      const names = await withClient(admin, { bootstrap, action: 'list topics' }, () => admin.listTopics());
      for (const name of [...names].sort()) console.log(name);
    });
  return addBootstrapOption(command);
}

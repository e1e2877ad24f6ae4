// `nagare topics …`: topic administration, one module per subcommand.
import { Command } from 'commander';
import { topicsAlterCommand } from './topics-alter.ts';
import { topicsCreateCommand } from './topics-create.ts';
import { topicsDeleteCommand } from './topics-delete.ts';
import { topicsDescribeCommand } from './topics-describe.ts';
import { topicsListCommand } from './topics-list.ts';

export function topicsCommand(): Command {
  return new Command('topics')
    .description('create, list, describe, alter and delete topics')
    .addCommand(topicsCreateCommand())
    .addCommand(topicsListCommand())
    .addCommand(topicsDescribeCommand())
    .addCommand(topicsAlterCommand())
    .addCommand(topicsDeleteCommand());
}

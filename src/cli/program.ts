// The `nagare` command line: its subcommands, and how usage errors are reported. Commands load the
// Kafka client or the broker inside their action, so that `--help` and each command start fast.
import { Command } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { bridgeCommand } from './commands/bridge.ts';
import { brokerCommand } from './commands/broker.ts';
import { consumeCommand } from './commands/consume.ts';
import { devCommand } from './commands/dev.ts';
import { produceCommand } from './commands/produce.ts';
import { topicsCommand } from './commands/topics.ts';

/** Exit code of a command line that cannot work (unknown option, bad value…). */
export const USAGE_EXIT_CODE = 2;

export function nagareProgram(): Command {
  const program = new Command('nagare')
    .description('Nagare: a Kafka-compatible streaming platform')
    .version(packageJson.version)
    .addCommand(devCommand())
    .addCommand(brokerCommand())
    .addCommand(bridgeCommand())
    .addCommand(topicsCommand())
    .addCommand(produceCommand())
    .addCommand(consumeCommand());
  forEachCommand(program, (command) => {
    command
      .configureOutput({
        // Commander's own errors start with "error: "; every nagare error line starts with "nagare: ".
        outputError: (message, write) => write(message.replace(/^error: /, 'nagare: ')),
      })
      .exitOverride();
  });
  return program;
}

function forEachCommand(command: Command, visit: (command: Command) => void): void {
  visit(command);
  for (const sub of command.commands) forEachCommand(sub, visit);
}

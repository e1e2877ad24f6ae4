// `nagare broker`: the broker alone, configured like Kafka, from a server.properties file and/or
// --override key=value pairs.
import { Command, Option } from 'commander';
import type { Level } from 'pino';
import { brokerProperties } from '../broker-properties.ts';
import { collectKeyValues, keyValueObject, LOG_LEVELS } from '../options.ts';

interface BrokerOptions {
  config?: string;
  override?: [string, string][];
  logLevel: Level;
}

export function brokerCommand(): Command {
  return new Command('broker')
    .description('run the Kafka-compatible broker with Kafka-style properties; Ctrl-C stops it')
    .option('-c, --config <file>', 'server.properties file')
    .option('-o, --override <key=value>', 'property set on top of the file (repeatable)', collectKeyValues)
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
    .addHelpText(
      'after',
      `
Listeners default to Kafka's PLAINTEXT://:9092. log.dirs (or log.dir) must be set.
Example:
  nagare broker --override listeners=PLAINTEXT://127.0.0.1:19092 --override log.dirs=./data`,
    )
    .action(async (options: BrokerOptions) => {
      const { loadProperties } = await import('../../common/java-properties.ts');
      const { serveBroker } = await import('../serve.ts');
      const fileProps = options.config === undefined ? {} : await loadProperties(options.config);
      const props = brokerProperties(fileProps, keyValueObject(options.override));
      const dataLabel = props['log.dirs'] ?? props['log.dir'];
      await serveBroker(props, {
        logLevel: options.logLevel,
        dataLabel,
        portHint: 'set another port in listeners (0 picks a free one)',
      });
    });
}

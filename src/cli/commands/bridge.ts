// `nagare bridge`: the HTTP bridge (Strimzi Kafka Bridge API) alone, against any Kafka cluster.
import { Command, Option } from 'commander';
import type { Level } from 'pino';
import { LOG_LEVELS } from '../options.ts';

interface BridgeOptions {
  config: string;
  logLevel: Level;
}

export function bridgeCommand(): Command {
  return new Command('bridge')
    .description('run the HTTP bridge (Strimzi Kafka Bridge API) against a Kafka cluster; Ctrl-C stops it')
    .requiredOption('-c, --config <file>', 'properties file with Strimzi bridge settings')
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
    .addHelpText(
      'after',
      `
The file uses the Strimzi bridge's property names: bridge.id, kafka.bootstrap.servers, kafka.producer.*,
kafka.consumer.*, kafka.admin.*, http.host, http.port (8080), http.management.port (8081),
http.timeoutSeconds, http.cors.enabled, http.cors.allowedOrigins, http.cors.allowedMethods.
Environment variables named like a property (e.g. http.port=8090) override the file.
Example:
  printf 'kafka.bootstrap.servers=127.0.0.1:9092\\nhttp.port=8080\\n' > bridge.properties
  nagare bridge --config bridge.properties`,
    )
    .action(async (options: BridgeOptions) => {
      const { serveBridge } = await import('../serve-bridge.ts');
      await serveBridge(options.config, options.logLevel);
    });
}

// `nagare dev`: the whole platform in one process with its data in a local folder. For now the platform
// is the broker; the bridge, SQL server and console join it here as they arrive.
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Level } from 'pino';
import { devProperties } from '../broker-properties.ts';
import { integerParser, LOG_LEVELS } from '../options.ts';

interface DevOptions {
  dataDir: string;
  port: number;
  host: string;
  advertisedHost?: string;
  durable?: boolean;
  logLevel: Level;
  bridgePort: number;
}

export function devCommand(): Command {
  return new Command('dev')
    .description('run the Nagare platform locally, data in a folder; Ctrl-C stops it')
    .option('-d, --data-dir <dir>', 'folder for all data', '.nagare')
    .option('-p, --port <port>', 'Kafka listener port (0 = any free port)', integerParser(0, 65535), 9092)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--advertised-host <host>', 'address clients are told to use (default: --host)')
    .option('--durable', 'fsync every write before acknowledging it (nagare.log.fsync.on.append=true)')
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
    .option(
      '--bridge-port <port>',
      'HTTP bridge port, management on the next one (0 = any free)',
      integerParser(0, 65534),
      8080,
    )
    .action(async (options: DevOptions) => {
      const props = devProperties({
        dataDir: resolve(options.dataDir),
        host: options.host,
        advertisedHost: options.advertisedHost,
        port: options.port,
        durable: options.durable === true,
      });
      const { serveBroker } = await import('../serve.ts');
      await serveBroker(props, {
        logLevel: options.logLevel,
        dataLabel: options.dataDir,
        portHint: 'pass another --port (0 picks a free one)',
        companions: [
          async (bootstrap, logger) => {
            const { devBridgeConfig, startBridgeService } = await import('../serve-bridge.ts');
            const config = devBridgeConfig(bootstrap, options.host, options.bridgePort);
            return startBridgeService(config, logger, 'pass another --bridge-port (0 picks a free one)');
          },
        ],
      });
    });
}

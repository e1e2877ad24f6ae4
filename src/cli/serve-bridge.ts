// Running the HTTP bridge from the command line: alone for `nagare bridge` (until Ctrl-C), or next to
// the broker in `nagare dev`. Either way one ready line on stdout says where it listens.
import { once } from 'node:events';
import pino, { type Level, type Logger } from 'pino';
import {
  type BridgeConfig,
  BridgeConfigError,
  bridgeConfigFromProperties,
  loadBridgeConfig,
} from '../bridge/config.ts';
import { createBridge } from '../bridge/server.ts';
import { CliError } from './errors.ts';
import { untilStopSignal } from './stop-signal.ts';

export interface StartedBridge {
  stop(): Promise<void>;
}

const CONFIG_PORT_HINT = 'set another http.port / http.management.port (0 picks a free one)';

/**
 * Starts a bridge and prints its ready line; a failure to start is a CliError saying why. `portHint`
 * says how to pick other ports, in the words of the command.
 */
export async function startBridgeService(
  config: BridgeConfig,
  logger: Logger,
  portHint = CONFIG_PORT_HINT,
): Promise<StartedBridge> {
  const bridge = createBridge(config, logger.child({ component: 'bridge' }));
  const { port, managementPort } = await bridge.start().catch((err: unknown) => {
    throw new CliError(`cannot start the bridge: ${startFailure(err, config, portHint)}`, 1, { cause: err });
  });
  console.log(
    `Nagare bridge ready at ${config.http.tls ? 'https' : 'http'}://${urlHost(config.http.host)}:${port} (management: port ${managementPort}, Kafka: ${config.kafka.bootstrapServers.join(',')})`,
  );
  return bridge;
}

/** `nagare bridge --config FILE`: properties file and environment, as Strimzi's bridge reads them. */
export async function serveBridge(configFile: string, logLevel: Level): Promise<void> {
  const config = await loadBridgeConfig(configFile).catch((err: unknown) => {
    throw new CliError(err instanceof BridgeConfigError ? err.message : String(err), 2, { cause: err });
  });
  const logger = pino({ level: logLevel }, pino.destination({ dest: 2, sync: true }));
  await untilStopSignal(async (signal) => {
    const bridge = await startBridgeService(config, logger);
    if (!signal.aborted) await once(signal, 'abort');
    logger.info('stopping');
    await bridge.stop();
    logger.info('stopped');
  });
}

/** `nagare dev`'s bridge: on the broker it runs next to, the management port right after the API port. */
export function devBridgeConfig(bootstrap: string, host: string, port: number): BridgeConfig {
  return bridgeConfigFromProperties({
    'kafka.bootstrap.servers': bootstrap,
    'http.host': host,
    'http.port': String(port),
    // Strimzi's defaults are 8080 and 8081; port 0 (any free one) stays 0 for both.
    'http.management.port': String(port === 0 ? 0 : port + 1),
  });
}

function startFailure(err: unknown, config: BridgeConfig, portHint: string): string {
  const error = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (error.syscall === 'listen' && error.code === 'EADDRINUSE') {
    return `${error.address}:${error.port} is already in use: stop what listens there or ${portHint}`;
  }
  if (error.syscall === 'listen' && error.code === 'EADDRNOTAVAIL') {
    return `${config.http.host} is not an address of this machine (http.host)`;
  }
  return error.message ?? String(err);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

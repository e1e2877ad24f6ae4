// Running a broker in the foreground for `nagare dev` and `nagare broker`: JSON logs on stderr, one
// ready line on stdout (what scripts and tests wait for), a clean stop on SIGINT or SIGTERM.
import { once } from 'node:events';
import pino, { type Level } from 'pino';
import { type RunningBroker, startBroker } from '../broker/broker.ts';
import { ConfigError } from '../common/config-error.ts';
import { CliError } from './errors.ts';
import { untilStopSignal } from './stop-signal.ts';

export interface ServeOptions {
  logLevel: Level;
  /** Where the data is, as the user should read it in the ready line. */
  dataLabel: string;
  /** How to pick another port, in the words of the command (`--port`, `listeners`). */
  portHint: string;
  /** Services started once the broker is up (`nagare dev`'s bridge); stopped before it, last first. */
  companions?: ((bootstrap: string, logger: pino.Logger) => Promise<{ stop(): Promise<void> }>)[];
}

export async function serveBroker(props: Record<string, string>, options: ServeOptions): Promise<void> {
  // Synchronous writes: the last lines before an exit are not lost.
  const logger = pino({ level: options.logLevel }, pino.destination({ dest: 2, sync: true }));
  await untilStopSignal(async (signal) => {
    const running = await startBroker(props, logger).catch((err: unknown) => {
      throw new CliError(`cannot start the broker: ${startFailure(err, options)}`, 1, { cause: err });
    });
    console.log(`Nagare broker ready at ${running.bootstrap} (data: ${options.dataLabel})`);
    const companions: { stop(): Promise<void> }[] = [];
    try {
      for (const start of options.companions ?? []) companions.push(await start(running.bootstrap, logger));
      if (!signal.aborted) await once(signal, 'abort');
    } finally {
      for (const companion of companions.reverse()) await companion.stop();
      await stop(running, logger);
    }
  });
}

async function stop(running: RunningBroker, logger: pino.Logger): Promise<void> {
  logger.info('stopping');
  await running.stop();
  logger.info('stopped');
}

/** Why the broker did not start, with the way out for the usual causes. */
function startFailure(err: unknown, options: ServeOptions): string {
  if (err instanceof ConfigError) return err.message;
  const error = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (error.syscall === 'listen') {
    const where = `${error.address}:${error.port}`;
    if (error.code === 'EADDRINUSE') {
      return `${where} is already in use: stop what listens there or ${options.portHint}`;
    }
    if (error.code === 'EACCES') return `no permission to listen on ${where}: ${options.portHint}`;
    if (error.code === 'EADDRNOTAVAIL') return `${error.address} is not an address of this machine`;
  }
  if (typeof error.path === 'string') {
    return `cannot use the data directory (${options.dataLabel}): ${error.message}`;
  }
  return error.message ?? String(err);
}

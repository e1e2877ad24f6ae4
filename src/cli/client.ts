// The Kafka clients of the CLI: one set of connection settings, closed whatever happens, and every
// failure turned into a one-line CliError naming the broker.
import type { BaseOptions } from '@platformatic/kafka';
import { CliError, explainError } from './errors.ts';

/**
 * Settings every CLI client shares. A command line tool should fail fast when the broker is down, so
 * connection attempts are few and short; the library's defaults (3 retries, 1 s apart) suit services.
 */
export function clientOptions(bootstrap: string[]): BaseOptions {
  return {
    clientId: 'nagare-cli',
    bootstrapBrokers: bootstrap,
    connectTimeout: 5000,
    timeout: 30_000,
    retries: 1,
    retryDelay: 200,
  };
}

interface Closable {
  close(): Promise<void>;
}

/**
 * Runs `work` with a client, closes the client, and rethrows any failure as a CliError explaining it.
 * `topic` lets an unknown-topic error name the topic and say how to create it.
 */
export async function withClient<C extends Closable, T>(
  client: C,
  context: { bootstrap: string[]; action: string; topic?: string },
  work: (client: C) => Promise<T>,
): Promise<T> {
  try {
    return await work(client);
  } catch (err) {
    throw new CliError(
      explainError(err, { ...context, bootstrap: context.bootstrap.join(',') }),
      err instanceof CliError ? err.exitCode : 1,
      { cause: err },
    );
  } finally {
    await client.close().catch(() => {});
  }
}

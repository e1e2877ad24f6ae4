import { Connection, ResponseError } from '@platformatic/kafka';
import { parseBootstrap } from './broker-ready.ts';

/**
 * Single requests at a chosen API version through @platformatic/kafka's per-version API functions
 * (`createTopicsV7.api.async(connection, …)` and so on): what a client sends and what it gets back,
 * error codes included, without a high-level client retrying or hiding them.
 */
export async function withConnection<T>(
  broker: { bootstrap: string },
  use: (connection: Connection) => Promise<T>,
): Promise<T> {
  const { host, port } = parseBootstrap(broker.bootstrap);
  const connection = new Connection('nagare-tests', { connectTimeout: 5000, requestTimeout: 15_000 });
  // Failures also arrive as rejections of the calls below; the events would only duplicate them.
  connection.on('error', () => {});
  try {
    await connection.connect(host, port);
    return await use(connection);
  } finally {
    await connection.close().catch(() => {});
  }
}

/**
 * The parsed response, whether or not it carries error codes: @platformatic/kafka throws a
 * ResponseError (holding the response) as soon as any topic or partition has a non-zero code.
 */
export async function responseOf<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ResponseError && error.response !== undefined) return error.response as T;
    throw error;
  }
}

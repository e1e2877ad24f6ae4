import { apiVersionsV3, Connection, metadataV12 } from '@platformatic/kafka';

export interface WaitForBrokerOptions {
  timeoutMs: number;
  /** Polled between attempts; a reason string stops the wait at once (e.g. the process died). */
  abortReason?: () => string | undefined;
}

/**
 * Waits until a broker answers the Kafka protocol for real: ApiVersions, then a Metadata request that
 * lists at least one broker and a controller. A listening socket alone is not enough: Kafka accepts
 * connections before its broker has registered with the controller.
 */
export async function waitForBroker(bootstrap: string, options: WaitForBrokerOptions): Promise<void> {
  const { host, port } = parseBootstrap(bootstrap);
  const deadline = Date.now() + options.timeoutMs;
  let lastError = 'no attempt yet';
  while (Date.now() < deadline) {
    const aborted = options.abortReason?.();
    if (aborted !== undefined) throw new Error(`broker at ${bootstrap} will not come up: ${aborted}`);
    try {
      if (await brokerAnswers(host, port)) return;
      lastError = 'Metadata lists no broker or no controller yet';
    } catch (error) {
      lastError = (error as Error).message;
    }
    await waitForNextAttempt();
  }
  throw new Error(`broker at ${bootstrap} not ready after ${options.timeoutMs} ms: ${lastError}`);
}

export function parseBootstrap(bootstrap: string): { host: string; port: number } {
  const separator = bootstrap.lastIndexOf(':');
  return { host: bootstrap.slice(0, separator), port: Number(bootstrap.slice(separator + 1)) };
}

async function brokerAnswers(host: string, port: number): Promise<boolean> {
  const connection = new Connection('nagare-test-readiness', { connectTimeout: 1000, requestTimeout: 2000 });
  // The connection reports failures both as rejections and as 'error' events; the events are not needed.
  connection.on('error', () => {});
  try {
    await connection.connect(host, port);
    await apiVersionsV3.api.async(connection, 'nagare-tests', '0');
    const metadata = await metadataV12.api.async(connection, [], false, false);
    return metadata.brokers.length > 0 && metadata.controllerId >= 0;
  } finally {
    await connection.close().catch(() => {});
  }
}

/** Polling interval between readiness attempts; this is a retry pace, not a wait for a condition. */
function waitForNextAttempt(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 100));
}

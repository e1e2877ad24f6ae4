// The bridge's Prometheus metrics. The HTTP server's carry the names, labels and meaning of the Strimzi
// bridge's (Vert.x's Micrometer metrics renamed to strimzi_bridge_*, labelled by path, method and code,
// /metrics itself not counted), so Strimzi's Grafana dashboard and alert rules for the bridge work
// unchanged; the process's own come from prom-client under nagare_bridge_. One registry per bridge, so
// that several bridges in one process (tests, `nagare dev`) do not collide.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface BridgeMetrics {
  registry: Registry;
  /**
   * A request has arrived; the function returned records its answer, or with none that the client gave
   * up before one (then it is no longer active, and not counted).
   */
  requestStarted(path: string, method: string): (answer?: { status: number; seconds: number }) => void;
  /** A connection has opened; the function returned records that it closed. */
  connectionOpened(): () => void;
}

/** Strimzi does not count scrapes of its own metrics. */
const UNCOUNTED_PATH = '/metrics';

export function createBridgeMetrics(): BridgeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'nagare_bridge_' });
  const requests = new Counter({
    name: 'strimzi_bridge_http_server_requests_total',
    help: 'HTTP requests answered, by path, method and status code',
    labelNames: ['path', 'method', 'code'],
    registers: [registry],
  });
  const activeRequests = new Gauge({
    name: 'strimzi_bridge_http_server_active_requests',
    help: 'HTTP requests being processed, by path and method',
    labelNames: ['path', 'method'],
    registers: [registry],
  });
  const activeConnections = new Gauge({
    name: 'strimzi_bridge_http_server_active_connections',
    help: 'Open HTTP connections',
    registers: [registry],
  });
  const responseTime = new Histogram({
    name: 'strimzi_bridge_http_server_response_time_seconds',
    help: 'Time to answer HTTP requests, by path, method and status code',
    labelNames: ['path', 'method', 'code'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    requestStarted(path, method) {
      if (path === UNCOUNTED_PATH) return () => {};
      activeRequests.inc({ path, method });
      return (answer) => {
        activeRequests.dec({ path, method });
        if (!answer) return;
        const { status, seconds } = answer;
        const labels = { path, method, code: String(status) };
        requests.inc(labels);
        responseTime.observe(labels, seconds);
      };
    },
    connectionOpened() {
      activeConnections.inc();
      return () => activeConnections.dec();
    },
  };
}

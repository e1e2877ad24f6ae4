// The bridge's Prometheus metrics: the process's own (prom-client defaults) and one counter and one
// histogram of HTTP requests by operation and status, in a registry per bridge so that several
// bridges in one process (tests, `nagare dev`) do not collide.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface BridgeMetrics {
  registry: Registry;
  observeRequest(operation: string, method: string, status: number, seconds: number): void;
}

export function createBridgeMetrics(): BridgeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'nagare_bridge_' });
  const requests = new Counter({
    name: 'nagare_bridge_http_requests_total',
    help: 'HTTP requests served, by operation, method and status',
    labelNames: ['operation', 'method', 'status'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'nagare_bridge_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by operation',
    labelNames: ['operation'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    observeRequest(operation, method, status, seconds) {
      requests.inc({ operation, method, status: String(status) });
      durations.observe({ operation }, seconds);
    },
  };
}

// The broker's transaction coordinator: TransactionCoordinator over __transaction_state, with producer
// ids from the metadata store and markers written by txn/markers.ts.
import type { Broker } from '../broker.ts';
import { writeTxnMarkers } from './markers.ts';
import { TransactionCoordinator } from './transaction-coordinator.ts';
import { TransactionLog } from './transaction-log.ts';

/** Kafka's marker channel retries a partition that refused a marker after its request backoff (100 ms). */
const MARKER_RETRY_BACKOFF_MS = 100;

export function createTransactionCoordinator(broker: Broker): TransactionCoordinator {
  const { settings, logger } = broker;
  return new TransactionCoordinator({
    config: {
      maxTimeoutMs: settings.transactionMaxTimeoutMs,
      expirationMs: settings.transactionalIdExpirationMs,
      abortIntervalMs: settings.transactionAbortTimedOutTransactionCleanupIntervalMs,
      removeIntervalMs: settings.transactionRemoveExpiredTransactionCleanupIntervalMs,
      markerRetryBackoffMs: MARKER_RETRY_BACKOFF_MS,
    },
    store: new TransactionLog(broker, logger.child({ component: 'transaction-log' })),
    logger,
    allocateProducerId: () => broker.metadata.allocateProducerId(),
    writeMarkers: (marker, partitions) => writeTxnMarkers(broker, marker, partitions),
  });
}

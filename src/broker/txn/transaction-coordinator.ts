// The transaction coordinator of the broker (Kafka's TransactionCoordinator with its
// TransactionStateManager, for a single node that owns every partition of __transaction_state): the
// state of every transactional id, changed only once the change is in the log. While a change is being
// written the id has a pending state and other requests for it are answered CONCURRENT_TRANSACTIONS, as
// in Kafka. EndTxn answers once PrepareCommit/PrepareAbort is written; the markers then go to every
// partition of the transaction, and CompleteCommit/CompleteAbort is written after the last one. A
// transaction found prepared at start is completed the same way. Timers abort transactions open longer
// than their timeout (fencing their producer) and remove transactional ids idle for too long.
// Transaction version 2 (KIP-890 part 2, txn/transaction-version.ts): EndTxn bumps the epoch and answers
// the producer id and epoch to continue with, and the broker adds a partition to the transaction when the
// producer first writes to it (addPartitionsOnWrite), waiting out a transaction still completing.
import type { Logger } from 'pino';
import type { ErrorName } from '../../protocol/errors.ts';
import {
  addPartitions,
  completeTransaction,
  type ExpectedProducer,
  endTransaction,
  endTransactionV2,
  fencedAbort,
  hasExpired,
  hasTimedOut,
  initProducerId,
  isTxnStateName,
  isValidTimeout,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  needsNextProducerId,
  newTxnMetadata,
  partitionKey,
  producerAfter,
  producerError,
  rotateProducerId,
  type TopicPartition,
  type TxnMetadata,
  type TxnState,
  verifyPartition,
} from './transaction-state.ts';
import { CLIENT_TRANSACTION_VERSION_2, supportsEpochBump } from './transaction-version.ts';

/** A transaction marker, as the partitions receive it (written by txn/markers.ts). */
export interface TxnMarker {
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  commit: boolean;
}

/** Where the states are kept (TransactionLog over __transaction_state; a fake in unit tests). */
export interface TransactionStore {
  /** Makes sure the log exists (FindCoordinator creates it, as Kafka's does). */
  ensureTopic(): Promise<unknown>;
  write(transactionalId: string, metadata: TxnMetadata | null, timestampMs: number): Promise<void>;
  load(): Promise<Map<string, TxnMetadata>>;
}

export interface TransactionCoordinatorConfig {
  /** transaction.max.timeout.ms */
  maxTimeoutMs: number;
  /** transactional.id.expiration.ms */
  expirationMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms */
  abortIntervalMs: number;
  /** transaction.remove.expired.transaction.cleanup.interval.ms */
  removeIntervalMs: number;
  /** Wait before writing markers again after a partition refused them (Kafka retries until it can). */
  markerRetryBackoffMs: number;
}

/** Everything the coordinator does outside itself. */
export interface TransactionCoordinatorHost {
  config: TransactionCoordinatorConfig;
  store: TransactionStore;
  logger: Logger;
  allocateProducerId(): Promise<bigint>;
  /** Writes a marker to each partition; the error of each partition that refused it, by `topic-partition`. */
  writeMarkers(
    marker: TxnMarker,
    partitions: readonly TopicPartition[],
  ): Promise<ReadonlyMap<string, ErrorName | undefined>>;
  clock?: () => number;
}

/** A single node leads every partition of __transaction_state at this epoch, forever. */
export const COORDINATOR_EPOCH = 0;

export interface ProducerIdAndEpoch {
  error?: ErrorName;
  producerId: bigint;
  producerEpoch: number;
}

export interface ListedTransactions {
  unknownStateFilters: string[];
  transactions: TxnMetadata[];
}

export interface TransactionFilters {
  states: readonly string[];
  producerIds: readonly bigint[];
  /** Only transactions running for longer than this; negative: no filter. */
  durationMs: number;
}

const NO_PRODUCER: ProducerIdAndEpoch = { producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH };

/** Marker errors after which a partition needs no marker: the topic is gone (Kafka drops it too). */
const MARKER_NOT_NEEDED: ReadonlySet<ErrorName> = new Set(['UNKNOWN_TOPIC_OR_PARTITION']);
/** Marker errors that say another coordinator or producer epoch took over: retrying cannot help. */
const MARKER_FENCED: ReadonlySet<ErrorName> = new Set([
  'INVALID_PRODUCER_EPOCH',
  'TRANSACTION_COORDINATOR_FENCED',
]);
/** EndTxn errors about who is asking, answered before a pending change (as Kafka checks them first). */
const OWNERSHIP_ERRORS: ReadonlySet<ErrorName> = new Set(['INVALID_PRODUCER_ID_MAPPING', 'PRODUCER_FENCED']);
/** How long a write waits for its transaction's previous change to be done before answering it is busy. */
const ADD_ON_WRITE_WAIT_MS = 2000;

export class TransactionCoordinator {
  readonly #host: TransactionCoordinatorHost;
  readonly #logger: Logger;
  readonly #clock: () => number;
  readonly #states = new Map<string, TxnMetadata>();
  /** Ids with a change being written, and the state it moves them to. */
  readonly #pending = new Map<string, TxnState>();
  /** Markers and completions running in the background, awaited by stop(). */
  readonly #completing = new Set<Promise<void>>();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #wakeups = new Set<() => void>();
  /** Waiters for the next change of an id (or the end of its pending change), by transactional id. */
  readonly #changeWaiters = new Map<string, Set<() => void>>();
  #active = false;

  constructor(host: TransactionCoordinatorHost) {
    this.#host = host;
    this.#logger = host.logger.child({ component: 'transaction-coordinator' });
    this.#clock = host.clock ?? Date.now;
  }

  // ---- life cycle ----

  /** Loads every transactional id, completes the transactions left prepared, starts the timers. */
  async start(): Promise<void> {
    const loaded = await this.#host.store.load();
    for (const [transactionalId, metadata] of loaded) this.#states.set(transactionalId, metadata);
    this.#active = true;
    for (const metadata of loaded.values()) {
      if (metadata.state === 'PrepareCommit' || metadata.state === 'PrepareAbort') {
        this.#logger.info(
          { transactionalId: metadata.transactionalId, state: metadata.state },
          'completing a transaction left prepared',
        );
        this.#completeInBackground(metadata);
      }
    }
    if (loaded.size > 0) this.#logger.info({ transactionalIds: loaded.size }, 'loaded transaction states');
    const { abortIntervalMs, removeIntervalMs } = this.#host.config;
    this.#every(abortIntervalMs, () => this.abortTimedOutTransactions());
    this.#every(removeIntervalMs, () => this.expireTransactionalIds());
  }

  /** Stops the timers and lets running completions stop; a prepared transaction is completed at next start. */
  async stop(): Promise<void> {
    this.#active = false;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.length = 0;
    for (const wake of this.#wakeups) wake();
    await Promise.allSettled([...this.#completing]);
  }

  #every(intervalMs: number, task: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      task().catch((err) => this.#logger.error({ err }, 'transaction coordinator task failed'));
    }, intervalMs);
    timer.unref();
    this.#timers.push(timer);
  }

  /** Creates __transaction_state if needed (FindCoordinator does, as Kafka's does). */
  ensureStateTopic(): Promise<unknown> {
    return this.#host.store.ensureTopic();
  }

  // ---- InitProducerId ----

  async initProducerId(
    transactionalId: string,
    timeoutMs: number,
    expected: ExpectedProducer | undefined,
  ): Promise<ProducerIdAndEpoch> {
    if (transactionalId === '') return { ...NO_PRODUCER, error: 'INVALID_REQUEST' };
    if (!isValidTimeout(timeoutMs, this.#host.config.maxTimeoutMs)) {
      return { ...NO_PRODUCER, error: 'INVALID_TRANSACTION_TIMEOUT' };
    }
    if (!this.#active) return { ...NO_PRODUCER, error: 'NOT_COORDINATOR' };
    if (!this.#states.has(transactionalId)) {
      const producerId = await this.#host.allocateProducerId();
      // Another request may have created it meanwhile; that one wins, as with Kafka's putIfNotExists.
      if (!this.#states.has(transactionalId)) {
        this.#states.set(
          transactionalId,
          newTxnMetadata(transactionalId, producerId, timeoutMs, this.#clock()),
        );
      }
    }
    const current = this.#states.get(transactionalId)!;
    if (this.#pending.has(transactionalId)) return { ...NO_PRODUCER, error: 'CONCURRENT_TRANSACTIONS' };
    const decision = initProducerId(current, timeoutMs, expected, this.#clock());
    switch (decision.kind) {
      case 'error':
        return { ...NO_PRODUCER, error: decision.error };
      case 'fence': {
        // Abort the open transaction first; the client retries and then gets the epoch bumped once more.
        const error = await this.#abortFenced(current);
        return { ...NO_PRODUCER, error: error ?? 'CONCURRENT_TRANSACTIONS' };
      }
      case 'rotate': {
        this.#pending.set(transactionalId, 'Empty');
        let next: TxnMetadata;
        try {
          const producerId = await this.#host.allocateProducerId();
          next = rotateProducerId(current, producerId, timeoutMs, expected, this.#clock());
        } catch (err) {
          this.#pending.delete(transactionalId);
          throw err;
        }
        return this.#answerInit(await this.#persist(transactionalId, next), next);
      }
      case 'write':
        this.#pending.set(transactionalId, 'Empty');
        return this.#answerInit(await this.#persist(transactionalId, decision.next), decision.next);
    }
  }

  #answerInit(error: ErrorName | undefined, next: TxnMetadata): ProducerIdAndEpoch {
    if (error) return { ...NO_PRODUCER, error };
    this.#logger.info(
      {
        transactionalId: next.transactionalId,
        producerId: next.producerId.toString(),
        producerEpoch: next.producerEpoch,
      },
      'initialized transactional id',
    );
    return { producerId: next.producerId, producerEpoch: next.producerEpoch };
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn ----

  /** Adds partitions to the producer's transaction, opening one if none is open. */
  async addPartitions(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    partitions: readonly TopicPartition[],
    clientTransactionVersion = 0,
  ): Promise<ErrorName | undefined> {
    if (transactionalId === '') return 'INVALID_REQUEST';
    if (!this.#active) return 'NOT_COORDINATOR';
    const current = this.#states.get(transactionalId);
    const rejected = producerError(current, producerId, producerEpoch);
    if (rejected) return rejected;
    if (this.#pending.has(transactionalId)) return 'CONCURRENT_TRANSACTIONS';
    const transition = addPartitions(
      current,
      producerId,
      producerEpoch,
      partitions,
      this.#clock(),
      clientTransactionVersion,
    );
    if (!transition) return undefined;
    if ('error' in transition) return transition.error;
    this.#pending.set(transactionalId, 'Ongoing');
    return this.#persist(transactionalId, transition.next);
  }

  /**
   * Transaction version 2: adds partitions a producer writes to (Produce v12+, TxnOffsetCommit v5+) to its
   * transaction, as Kafka's broker does through AddPartitionsToTxn v5. Writes right after an EndTxn, or
   * several at once, find the id busy: they wait for its change to be done, up to a bound, and then try
   * again rather than answer CONCURRENT_TRANSACTIONS at once.
   */
  async addPartitionsOnWrite(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    partitions: readonly TopicPartition[],
  ): Promise<ErrorName | undefined> {
    const deadline = Date.now() + ADD_ON_WRITE_WAIT_MS;
    for (;;) {
      const error = await this.addPartitions(
        transactionalId,
        producerId,
        producerEpoch,
        partitions,
        CLIENT_TRANSACTION_VERSION_2,
      );
      const remaining = deadline - Date.now();
      if (error !== 'CONCURRENT_TRANSACTIONS' || remaining <= 0 || !this.#active) return error;
      // The change may have been done since the answer: wait only while one is still being made.
      if (this.#pending.has(transactionalId)) await this.#nextChange(transactionalId, remaining);
      else await this.#pause(Math.min(remaining, this.#host.config.markerRetryBackoffMs));
    }
  }

  /** Whether the partitions are in the producer's open transaction (AddPartitionsToTxn v4+ verifyOnly). */
  verifyPartitions(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    partitions: readonly TopicPartition[],
  ): (ErrorName | undefined)[] {
    return partitions.map((p) =>
      this.verifyPartition(transactionalId, producerId, producerEpoch, p.topic, p.partition),
    );
  }

  /** For Produce of a transactional batch: undefined when the partition is in the producer's open transaction. */
  verifyPartition(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    topic: string,
    partition: number,
  ): ErrorName | undefined {
    if (transactionalId === '') return 'INVALID_REQUEST';
    return verifyPartition(this.#states.get(transactionalId), producerId, producerEpoch, topic, partition);
  }

  // ---- EndTxn ----

  /**
   * Commits or aborts the producer's transaction: answers once PrepareCommit/PrepareAbort is written (the
   * transaction then completes in the background). The producer id and epoch answered are EndTxn v5's:
   * under transaction version 2 those the producer continues with (epoch bumped, or a new producer id).
   */
  async endTransaction(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    commit: boolean,
    clientTransactionVersion = 0,
  ): Promise<ProducerIdAndEpoch> {
    if (transactionalId === '') return { ...NO_PRODUCER, error: 'INVALID_REQUEST' };
    if (!this.#active) return { ...NO_PRODUCER, error: 'NOT_COORDINATOR' };
    const bumps = supportsEpochBump(clientTransactionVersion);
    // A bump past the last epoch continues on a new producer id, allocated before anything is decided.
    const nextProducerId =
      bumps && needsNextProducerId(this.#states.get(transactionalId))
        ? await this.#host.allocateProducerId()
        : NO_PRODUCER_ID;
    const current = this.#states.get(transactionalId);
    const now = this.#clock();
    const transition = bumps
      ? endTransactionV2(current, producerId, producerEpoch, commit, now, nextProducerId)
      : endTransaction(current, producerId, producerEpoch, commit, now);
    if (transition && 'error' in transition && OWNERSHIP_ERRORS.has(transition.error)) {
      return { ...NO_PRODUCER, error: transition.error };
    }
    if (this.#pending.has(transactionalId)) return { ...NO_PRODUCER, error: 'CONCURRENT_TRANSACTIONS' };
    // Already ended this way: a retry whose answer was lost.
    if (!transition) return { producerId: current!.producerId, producerEpoch: current!.producerEpoch };
    if ('error' in transition) return { ...NO_PRODUCER, error: transition.error };
    const error = await this.#prepare(transition.next);
    if (error) return { ...NO_PRODUCER, error };
    return bumps
      ? producerAfter(transition.next)
      : { producerId: current!.producerId, producerEpoch: current!.producerEpoch };
  }

  /** Aborts an open transaction with the epoch bumped, fencing its producer; undefined once PrepareAbort is written. */
  #abortFenced(current: TxnMetadata): Promise<ErrorName | undefined> {
    return this.#prepare(fencedAbort(current, this.#clock()));
  }

  /** Writes PrepareCommit/PrepareAbort, then completes the transaction in the background. */
  async #prepare(prepared: TxnMetadata): Promise<ErrorName | undefined> {
    const { transactionalId } = prepared;
    this.#pending.set(transactionalId, prepared.state);
    const error = await this.#persist(transactionalId, prepared);
    if (error) return error;
    this.#logger.debug({ transactionalId, state: prepared.state }, 'transaction prepared');
    this.#completeInBackground(prepared);
    return undefined;
  }

  #completeInBackground(prepared: TxnMetadata): void {
    const { transactionalId } = prepared;
    this.#pending.set(
      transactionalId,
      prepared.state === 'PrepareCommit' ? 'CompleteCommit' : 'CompleteAbort',
    );
    const running = this.#complete(prepared)
      .catch((err) => this.#logger.error({ err, transactionalId }, 'could not complete transaction'))
      .finally(() => this.#completing.delete(running));
    this.#completing.add(running);
  }

  /** Markers to every partition (again and again until each took it), then the Complete state. */
  async #complete(prepared: TxnMetadata): Promise<void> {
    const { transactionalId } = prepared;
    const marker: TxnMarker = {
      producerId: prepared.producerId,
      producerEpoch: prepared.producerEpoch,
      coordinatorEpoch: COORDINATOR_EPOCH,
      commit: prepared.state === 'PrepareCommit',
    };
    let remaining = [...prepared.partitions.values()];
    while (remaining.length > 0) {
      if (!this.#active) return;
      remaining = await this.#writeMarkers(transactionalId, marker, remaining);
      if (remaining.length > 0) await this.#pause(this.#host.config.markerRetryBackoffMs);
    }
    for (;;) {
      if (!this.#active) return;
      const completed = completeTransaction(prepared, this.#clock());
      const error = await this.#persist(transactionalId, completed, { keepPendingOnError: true });
      if (!error) {
        this.#logger.debug({ transactionalId, state: completed.state }, 'transaction completed');
        return;
      }
      await this.#pause(this.#host.config.markerRetryBackoffMs);
    }
  }

  /** The partitions still needing the marker after one attempt. */
  async #writeMarkers(
    transactionalId: string,
    marker: TxnMarker,
    partitions: TopicPartition[],
  ): Promise<TopicPartition[]> {
    let results: ReadonlyMap<string, ErrorName | undefined>;
    try {
      results = await this.#host.writeMarkers(marker, partitions);
    } catch (err) {
      this.#logger.warn({ err, transactionalId }, 'writing transaction markers failed; retrying');
      return partitions;
    }
    return partitions.filter(({ topic, partition }) => {
      const error = results.get(partitionKey(topic, partition));
      if (error === undefined || MARKER_NOT_NEEDED.has(error)) return false;
      if (MARKER_FENCED.has(error)) {
        this.#logger.warn(
          { transactionalId, topic, partition, error },
          'partition refused the transaction marker',
        );
        return false;
      }
      this.#logger.debug({ transactionalId, topic, partition, error }, 'transaction marker to retry');
      return true;
    });
  }

  /** Waits `ms`, or less when the coordinator stops. */
  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#wakeups.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.#wakeups.add(wake);
    });
  }

  // ---- the log ----

  /**
   * Writes the next state of an id whose pending state is set, then makes it current. Errors of the log
   * become COORDINATOR_NOT_AVAILABLE, which clients retry, as Kafka maps its append errors.
   */
  async #persist(
    transactionalId: string,
    next: TxnMetadata,
    options: { keepPendingOnError?: boolean } = {},
  ): Promise<ErrorName | undefined> {
    try {
      await this.#host.store.write(transactionalId, next, this.#clock());
    } catch (err) {
      this.#logger.warn({ err, transactionalId, state: next.state }, 'could not write transaction state');
      if (!options.keepPendingOnError) this.#pending.delete(transactionalId);
      this.#changed(transactionalId);
      return 'COORDINATOR_NOT_AVAILABLE';
    }
    this.#states.set(transactionalId, next);
    this.#pending.delete(transactionalId);
    this.#changed(transactionalId);
    return undefined;
  }

  /** Wakes whoever waits for a change of the id. */
  #changed(transactionalId: string): void {
    const waiters = this.#changeWaiters.get(transactionalId);
    if (!waiters) return;
    this.#changeWaiters.delete(transactionalId);
    for (const wake of waiters) wake();
  }

  /** Resolves at the id's next change (written or failed), or after `ms`, or when the coordinator stops. */
  #nextChange(transactionalId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.#changeWaiters.get(transactionalId);
      if (!waiters) {
        waiters = new Set();
        this.#changeWaiters.set(transactionalId, waiters);
      }
      const wake = () => {
        clearTimeout(timer);
        this.#changeWaiters.get(transactionalId)?.delete(wake);
        this.#wakeups.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      waiters.add(wake);
      this.#wakeups.add(wake);
    });
  }

  // ---- timers ----

  /** Aborts every transaction open longer than its timeout, bumping the epoch so that its producer is fenced. */
  async abortTimedOutTransactions(): Promise<void> {
    const now = this.#clock();
    const aborts: Promise<ErrorName | undefined>[] = [];
    for (const [transactionalId, metadata] of this.#states) {
      if (this.#pending.has(transactionalId) || !hasTimedOut(metadata, now)) continue;
      this.#logger.info(
        {
          transactionalId,
          producerId: metadata.producerId.toString(),
          producerEpoch: metadata.producerEpoch,
        },
        'aborting transaction that timed out',
      );
      aborts.push(this.#abortFenced(metadata));
    }
    await Promise.all(aborts);
  }

  /** Removes transactional ids idle for transactional.id.expiration.ms, writing their tombstones. */
  async expireTransactionalIds(): Promise<void> {
    const now = this.#clock();
    const expiring: Promise<void>[] = [];
    for (const [transactionalId, metadata] of this.#states) {
      if (this.#pending.has(transactionalId) || !hasExpired(metadata, now, this.#host.config.expirationMs))
        continue;
      this.#pending.set(transactionalId, 'Dead');
      expiring.push(this.#expire(transactionalId));
    }
    await Promise.all(expiring);
  }

  async #expire(transactionalId: string): Promise<void> {
    try {
      await this.#host.store.write(transactionalId, null, this.#clock());
      this.#states.delete(transactionalId);
      this.#logger.info({ transactionalId }, 'transactional id expired');
    } catch (err) {
      this.#logger.warn({ err, transactionalId }, 'could not expire transactional id');
    } finally {
      this.#pending.delete(transactionalId);
      this.#changed(transactionalId);
    }
  }

  // ---- DescribeTransactions / ListTransactions ----

  describe(transactionalId: string): { error: ErrorName } | { metadata: TxnMetadata } {
    if (transactionalId === '') return { error: 'INVALID_REQUEST' };
    const metadata = this.#states.get(transactionalId);
    return metadata ? { metadata } : { error: 'TRANSACTIONAL_ID_NOT_FOUND' };
  }

  list(filters: TransactionFilters): ListedTransactions {
    const unknownStateFilters = filters.states.filter((name) => !isTxnStateName(name));
    const states = new Set(filters.states);
    const producerIds = new Set(filters.producerIds);
    const now = this.#clock();
    const transactions = [...this.#states.values()].filter(
      (m) =>
        (producerIds.size === 0 || producerIds.has(m.producerId)) &&
        (states.size === 0 || states.has(m.state)) &&
        (filters.durationMs < 0 || now - m.startTimestampMs > filters.durationMs),
    );
    return { unknownStateFilters, transactions };
  }
}

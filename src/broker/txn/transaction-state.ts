// The state of one transactional id (KIP-98), as Kafka's transaction coordinator keeps it: its producer id
// and epoch, its transaction timeout, the partitions of its open transaction and where that transaction
// stands. Pure: each operation takes the current metadata and returns the metadata to write to
// __transaction_state (the coordinator makes it current once it is written), or the Kafka error to answer.
// Both transaction versions (txn/transaction-version.ts): under version 1 only InitProducerId and fencing
// bump the epoch; under version 2 (KIP-890 part 2) every EndTxn does too, the markers carry the bumped
// epoch, and once the epochs are used up the producer id rotates to the one kept in nextProducerId.
import type { ErrorName } from '../../protocol/errors.ts';
import { CLIENT_TRANSACTION_VERSION_2, supportsEpochBump } from './transaction-version.ts';

/** Kafka's states; the index of each is its id in TransactionLogValue.TransactionStatus. */
export const TXN_STATES = [
  'Empty',
  'Ongoing',
  'PrepareCommit',
  'PrepareAbort',
  'CompleteCommit',
  'CompleteAbort',
  'Dead',
  'PrepareEpochFence',
] as const;

export type TxnState = (typeof TXN_STATES)[number];

/** The states each state may be entered from (Kafka's validPreviousStates). */
const PREVIOUS_STATES: Record<TxnState, readonly TxnState[]> = {
  Empty: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  Ongoing: ['Ongoing', 'Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareCommit: ['Ongoing'],
  // Transaction version 2 may abort with no partitions added (the client cannot know whether its writes
  // reached the broker), so PrepareAbort is entered from the idle states too.
  PrepareAbort: ['Ongoing', 'PrepareEpochFence', 'Empty', 'CompleteCommit', 'CompleteAbort'],
  CompleteCommit: ['PrepareCommit'],
  CompleteAbort: ['PrepareAbort'],
  Dead: ['Empty', 'CompleteAbort', 'CompleteCommit'],
  PrepareEpochFence: ['Ongoing'],
};

/** States without an open transaction, in which an idle transactional id may expire. */
const EXPIRABLE: ReadonlySet<TxnState> = new Set(['Empty', 'CompleteCommit', 'CompleteAbort']);

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
/** Kafka leaves the last epoch unused so that the coordinator can always fence a producer once more. */
const MAX_EPOCH = 0x7fff;

export function txnStateId(state: TxnState): number {
  return TXN_STATES.indexOf(state);
}

export function txnStateFromId(id: number): TxnState {
  const state = TXN_STATES[id];
  if (state === undefined) throw new RangeError(`unknown transaction state id ${id}`);
  return state;
}

export function isTxnStateName(name: string): name is TxnState {
  return (TXN_STATES as readonly string[]).includes(name);
}

export function isLegalTransition(from: TxnState, to: TxnState): boolean {
  return PREVIOUS_STATES[to].includes(from);
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** A partition's key in the partition sets below: the broker's usual `topic-partition`. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

export interface TxnMetadata {
  transactionalId: string;
  producerId: bigint;
  /** The producer id before the last transition (differs from producerId after a rotation). */
  previousProducerId: bigint;
  /** Transaction version 2: the producer id to continue with once the prepared transaction completes. */
  nextProducerId: bigint;
  producerEpoch: number;
  /** The epoch before the last InitProducerId bump, to recognise its retry; not persisted (as in Kafka). */
  lastProducerEpoch: number;
  timeoutMs: number;
  state: TxnState;
  /** Partitions of the open transaction, by partitionKey. */
  partitions: ReadonlyMap<string, TopicPartition>;
  /** When the first partition was added; -1 when no transaction was started since the last InitProducerId. */
  startTimestampMs: number;
  lastUpdateTimestampMs: number;
  /** The transaction version of the client's last request that changed the state (0: version 1). */
  clientTransactionVersion: number;
}

export type Transition = { next: TxnMetadata } | { error: ErrorName };

export function isEpochExhausted(epoch: number): boolean {
  return epoch >= MAX_EPOCH - 1;
}

/** A transactional id seen for the first time: a fresh producer id at no epoch yet (not persisted). */
export function newTxnMetadata(
  transactionalId: string,
  producerId: bigint,
  timeoutMs: number,
  nowMs: number,
): TxnMetadata {
  return {
    transactionalId,
    producerId,
    previousProducerId: NO_PRODUCER_ID,
    nextProducerId: NO_PRODUCER_ID,
    producerEpoch: NO_PRODUCER_EPOCH,
    lastProducerEpoch: NO_PRODUCER_EPOCH,
    timeoutMs,
    state: 'Empty',
    partitions: new Map(),
    startTimestampMs: -1,
    lastUpdateTimestampMs: nowMs,
    clientTransactionVersion: 0,
  };
}

/** Every change goes through here, so an illegal transition is a bug that shows at once. */
function moveTo(
  current: TxnMetadata,
  state: TxnState,
  changes: Partial<TxnMetadata>,
  nowMs: number,
): TxnMetadata {
  if (!isLegalTransition(current.state, state)) {
    throw new Error(
      `transactional id ${current.transactionalId}: illegal transition ${current.state} -> ${state}`,
    );
  }
  // As in Kafka, every transition records the producer id it started from.
  const next = {
    ...current,
    previousProducerId: current.producerId,
    ...changes,
    state,
    lastUpdateTimestampMs: nowMs,
  };
  if (next.producerId < 0n) throw new Error(`illegal producer id ${next.producerId}`);
  if (next.producerEpoch < 0 || next.producerEpoch > MAX_EPOCH) {
    throw new Error(`illegal producer epoch ${next.producerEpoch}`);
  }
  return next;
}

// ---- InitProducerId ----

export interface ExpectedProducer {
  producerId: bigint;
  producerEpoch: number;
}

/** What an InitProducerId asks of the coordinator, before any producer id is allocated. */
export type InitDecision =
  | { kind: 'error'; error: ErrorName }
  /** The epoch is used up: continue with rotateProducerId and a new producer id. */
  | { kind: 'rotate' }
  /** A transaction is open: abort it with fencedAbort, then answer CONCURRENT_TRANSACTIONS. */
  | { kind: 'fence' }
  | { kind: 'write'; next: TxnMetadata };

/**
 * InitProducerId of a known transactional id (Kafka's prepareInitProducerIdTransit). `expected` is the
 * producer id and epoch a v3+ client names when it recovers; a retry after a lost response is recognised.
 */
export function initProducerId(
  current: TxnMetadata,
  timeoutMs: number,
  expected: ExpectedProducer | undefined,
  nowMs: number,
): InitDecision {
  if (expected && !isKnownProducer(current, expected)) return { kind: 'error', error: 'PRODUCER_FENCED' };
  switch (current.state) {
    case 'PrepareCommit':
    case 'PrepareAbort':
      return { kind: 'error', error: 'CONCURRENT_TRANSACTIONS' };
    case 'Ongoing':
      return { kind: 'fence' };
    case 'Empty':
    case 'CompleteCommit':
    case 'CompleteAbort':
      if (
        isEpochExhausted(current.producerEpoch) &&
        (!expected || expected.producerEpoch === current.producerEpoch)
      ) {
        return { kind: 'rotate' };
      }
      return bumpEpoch(current, timeoutMs, expected, nowMs);
    default:
      throw new Error(`transactional id ${current.transactionalId} found in state ${current.state}`);
  }
}

/**
 * A producer naming its id may continue when the metadata is new (epoch -1), when the id is the current
 * one, or when it is the previous one with its epoch used up (a retry of the rotation).
 */
function isKnownProducer(current: TxnMetadata, expected: ExpectedProducer): boolean {
  return (
    current.producerEpoch === NO_PRODUCER_EPOCH ||
    expected.producerId === current.producerId ||
    (expected.producerId === current.previousProducerId && isEpochExhausted(expected.producerEpoch))
  );
}

function bumpEpoch(
  current: TxnMetadata,
  timeoutMs: number,
  expected: ExpectedProducer | undefined,
  nowMs: number,
): InitDecision {
  let epoch: number;
  let lastEpoch: number;
  if (
    !expected ||
    current.producerEpoch === NO_PRODUCER_EPOCH ||
    expected.producerEpoch === current.producerEpoch
  ) {
    epoch = current.producerEpoch + 1;
    lastEpoch = expected ? current.producerEpoch : NO_PRODUCER_EPOCH;
  } else if (expected.producerEpoch === current.lastProducerEpoch) {
    // The retry of a bump whose answer was lost: answer the same epoch again.
    epoch = current.producerEpoch;
    lastEpoch = current.lastProducerEpoch;
  } else {
    return { kind: 'error', error: 'PRODUCER_FENCED' };
  }
  if (epoch > MAX_EPOCH - 1) return { kind: 'error', error: 'PRODUCER_FENCED' };
  return {
    kind: 'write',
    next: moveTo(
      current,
      'Empty',
      {
        producerEpoch: epoch,
        lastProducerEpoch: lastEpoch,
        previousProducerId: current.producerId,
        timeoutMs,
        partitions: new Map(),
        startTimestampMs: -1,
      },
      nowMs,
    ),
  };
}

/** A new producer id at epoch 0 once the epochs of the current one are used up. */
export function rotateProducerId(
  current: TxnMetadata,
  newProducerId: bigint,
  timeoutMs: number,
  expected: ExpectedProducer | undefined,
  nowMs: number,
): TxnMetadata {
  return moveTo(
    current,
    'Empty',
    {
      producerId: newProducerId,
      previousProducerId: current.producerId,
      producerEpoch: 0,
      lastProducerEpoch: expected ? current.producerEpoch : NO_PRODUCER_EPOCH,
      timeoutMs,
      partitions: new Map(),
      startTimestampMs: -1,
    },
    nowMs,
  );
}

// ---- AddPartitionsToTxn / AddOffsetsToTxn ----

/** A request must name the id's current producer at its current epoch (transaction version 1). */
export function producerError(
  current: TxnMetadata | undefined,
  producerId: bigint,
  epoch: number,
): ErrorName | undefined {
  if (!current || current.producerId !== producerId) return 'INVALID_PRODUCER_ID_MAPPING';
  if (current.producerEpoch !== epoch) return 'PRODUCER_FENCED';
  return undefined;
}

/** Adds partitions to the open transaction, starting one if none is open. Undefined: nothing to write. */
export function addPartitions(
  current: TxnMetadata | undefined,
  producerId: bigint,
  epoch: number,
  partitions: readonly TopicPartition[],
  nowMs: number,
  clientTransactionVersion = 0,
): Transition | undefined {
  const error = producerError(current, producerId, epoch);
  if (error || !current) return { error: error ?? 'INVALID_PRODUCER_ID_MAPPING' };
  if (current.state === 'PrepareCommit' || current.state === 'PrepareAbort') {
    return { error: 'CONCURRENT_TRANSACTIONS' };
  }
  const added = partitions.filter((p) => !current.partitions.has(partitionKey(p.topic, p.partition)));
  if (current.state === 'Ongoing' && added.length === 0) return undefined;
  const union = new Map(current.partitions);
  for (const p of added)
    union.set(partitionKey(p.topic, p.partition), { topic: p.topic, partition: p.partition });
  const starting = current.state !== 'Ongoing';
  return {
    next: moveTo(
      current,
      'Ongoing',
      {
        partitions: union,
        startTimestampMs: starting ? nowMs : current.startTimestampMs,
        clientTransactionVersion,
      },
      nowMs,
    ),
  };
}

/**
 * Whether a partition is in the producer's open transaction (AddPartitionsToTxn v4+ verifyOnly, and
 * Produce of a transactional batch): undefined when it is.
 */
export function verifyPartition(
  current: TxnMetadata | undefined,
  producerId: bigint,
  epoch: number,
  topic: string,
  partition: number,
): ErrorName | undefined {
  const error = producerError(current, producerId, epoch);
  if (error || !current) return error ?? 'INVALID_PRODUCER_ID_MAPPING';
  if (current.state === 'PrepareCommit' || current.state === 'PrepareAbort') return 'CONCURRENT_TRANSACTIONS';
  return current.partitions.has(partitionKey(topic, partition)) ? undefined : 'TRANSACTION_ABORTABLE';
}

// ---- EndTxn ----

/** What preparing under transaction version 1 records: no next producer id, no epoch bump. */
const VERSION_1_PREPARE: Partial<TxnMetadata> = {
  nextProducerId: NO_PRODUCER_ID,
  clientTransactionVersion: 0,
};

/**
 * EndTxn (transaction version 1): the Prepare state to write, undefined when the transaction already
 * ended this way (a retry, answered with success), or the error. The epoch must be the current one.
 */
export function endTransaction(
  current: TxnMetadata | undefined,
  producerId: bigint,
  epoch: number,
  commit: boolean,
  nowMs: number,
): Transition | undefined {
  const error = producerError(current, producerId, epoch);
  if (error || !current) return { error: error ?? 'INVALID_PRODUCER_ID_MAPPING' };
  switch (current.state) {
    case 'Ongoing':
      return {
        next: moveTo(current, commit ? 'PrepareCommit' : 'PrepareAbort', VERSION_1_PREPARE, nowMs),
      };
    case 'CompleteCommit':
      return commit ? undefined : { error: 'INVALID_TXN_STATE' };
    case 'CompleteAbort':
      return commit ? { error: 'INVALID_TXN_STATE' } : undefined;
    case 'PrepareCommit':
      return { error: commit ? 'CONCURRENT_TRANSACTIONS' : 'INVALID_TXN_STATE' };
    case 'PrepareAbort':
      return { error: commit ? 'INVALID_TXN_STATE' : 'CONCURRENT_TRANSACTIONS' };
    case 'Empty':
      return { error: 'INVALID_TXN_STATE' };
    default:
      throw new Error(`transactional id ${current.transactionalId} found in state ${current.state}`);
  }
}

/**
 * EndTxn under transaction version 2 (Kafka's table for it): the epoch the request names is the one the
 * transaction ran at, and preparing bumps it (the markers carry the bumped epoch, which fences the
 * transaction's own zombie writes). A request naming the epoch just before the current one is the retry
 * of an EndTxn already done: answered with success when it ended the same way. An abort needs no open
 * transaction. `nextProducerId` is a fresh producer id when the epochs of the current one are used up
 * (NO_PRODUCER_ID otherwise); the transaction then completes on it, at epoch 0.
 */
export function endTransactionV2(
  current: TxnMetadata | undefined,
  producerId: bigint,
  epoch: number,
  commit: boolean,
  nowMs: number,
  nextProducerId: bigint,
): Transition | undefined {
  if (!current) return { error: 'INVALID_PRODUCER_ID_MAPPING' };
  const retryOnOverflow =
    current.previousProducerId === producerId && epoch === MAX_EPOCH - 1 && current.producerEpoch === 0;
  const retryOnEpochBump = current.producerEpoch === epoch + 1;
  if (current.producerId !== producerId && !retryOnOverflow) return { error: 'INVALID_PRODUCER_ID_MAPPING' };
  const isRetry = retryOnEpochBump || retryOnOverflow;
  const sameEpoch = epoch === current.producerEpoch;
  const validEpoch =
    current.state === 'PrepareCommit' || current.state === 'PrepareAbort'
      ? retryOnEpochBump
      : current.state === 'CompleteCommit' || current.state === 'CompleteAbort'
        ? isRetry || sameEpoch
        : sameEpoch;
  if (!validEpoch) return { error: 'PRODUCER_FENCED' };
  const prepare = (state: 'PrepareCommit' | 'PrepareAbort'): Transition => ({
    next: prepareBumped(current, state, nowMs, nextProducerId),
  });
  switch (current.state) {
    case 'Ongoing':
      return prepare(commit ? 'PrepareCommit' : 'PrepareAbort');
    case 'CompleteCommit':
      if (commit) return isRetry ? undefined : { error: 'INVALID_TXN_STATE' };
      return isRetry ? { error: 'INVALID_TXN_STATE' } : prepare('PrepareAbort');
    case 'CompleteAbort':
      if (!commit) return isRetry ? undefined : prepare('PrepareAbort');
      return { error: 'INVALID_TXN_STATE' };
    case 'PrepareCommit':
      return { error: commit ? 'CONCURRENT_TRANSACTIONS' : 'INVALID_TXN_STATE' };
    case 'PrepareAbort':
      return { error: commit ? 'INVALID_TXN_STATE' : 'CONCURRENT_TRANSACTIONS' };
    case 'Empty':
      return commit ? { error: 'INVALID_TXN_STATE' } : prepare('PrepareAbort');
    default:
      throw new Error(`transactional id ${current.transactionalId} found in state ${current.state}`);
  }
}

/** Whether an EndTxn under transaction version 2 would bump the epoch of this producer now. */
export function needsNextProducerId(current: TxnMetadata | undefined): boolean {
  return current !== undefined && isEpochExhausted(current.producerEpoch);
}

/**
 * PrepareCommit/PrepareAbort with the epoch bumped (Kafka's prepareAbortOrCommit under version 2). An abort
 * of an idle id starts its (empty) transaction now. At the last epoch an abort goes through unbumped, so
 * that a broken state can still be recovered from.
 */
function prepareBumped(
  current: TxnMetadata,
  state: 'PrepareCommit' | 'PrepareAbort',
  nowMs: number,
  nextProducerId: bigint,
): TxnMetadata {
  const atLast = current.producerEpoch >= MAX_EPOCH && state === 'PrepareAbort';
  const idle = EXPIRABLE.has(current.state);
  return moveTo(
    current,
    state,
    {
      producerEpoch: atLast ? current.producerEpoch : current.producerEpoch + 1,
      lastProducerEpoch: current.producerEpoch,
      nextProducerId,
      clientTransactionVersion: CLIENT_TRANSACTION_VERSION_2,
      startTimestampMs: idle ? nowMs : current.startTimestampMs,
      partitions: idle ? new Map() : current.partitions,
    },
    nowMs,
  );
}

/**
 * Aborts an open transaction on the coordinator's own initiative (a new producer instance, or the
 * transaction timed out): the epoch goes up by one, through PrepareEpochFence, so that the producer that
 * opened it is fenced at the coordinator and, through the markers, at every partition. Once only, whatever
 * the transaction version (Kafka 4.3.1 observed: no second bump for the abort itself).
 */
export function fencedAbort(current: TxnMetadata, nowMs: number): TxnMetadata {
  if (current.producerEpoch >= MAX_EPOCH) {
    throw new Error(`cannot fence producer ${current.producerId}: its epoch is ${current.producerEpoch}`);
  }
  const fencing = moveTo(
    current,
    'PrepareEpochFence',
    { producerEpoch: current.producerEpoch + 1, lastProducerEpoch: NO_PRODUCER_EPOCH },
    nowMs,
  );
  return moveTo(fencing, 'PrepareAbort', { nextProducerId: NO_PRODUCER_ID }, nowMs);
}

/**
 * Once every marker is written: CompleteCommit or CompleteAbort, with no partitions left. A version 2
 * transaction prepared with a next producer id continues on it, at epoch 0.
 */
export function completeTransaction(current: TxnMetadata, nowMs: number): TxnMetadata {
  const state = current.state === 'PrepareCommit' ? 'CompleteCommit' : 'CompleteAbort';
  const rotate =
    supportsEpochBump(current.clientTransactionVersion) && current.nextProducerId !== NO_PRODUCER_ID;
  return moveTo(
    current,
    state,
    {
      partitions: new Map(),
      nextProducerId: NO_PRODUCER_ID,
      ...(rotate ? { producerId: current.nextProducerId, producerEpoch: 0 } : {}),
    },
    nowMs,
  );
}

/** The producer id and epoch the client continues with once this prepared transaction completes. */
export function producerAfter(prepared: TxnMetadata): { producerId: bigint; producerEpoch: number } {
  return prepared.nextProducerId !== NO_PRODUCER_ID && supportsEpochBump(prepared.clientTransactionVersion)
    ? { producerId: prepared.nextProducerId, producerEpoch: 0 }
    : { producerId: prepared.producerId, producerEpoch: prepared.producerEpoch };
}

// ---- timers ----

/** An open transaction older than its timeout, which the coordinator aborts. */
export function hasTimedOut(current: TxnMetadata, nowMs: number): boolean {
  return current.state === 'Ongoing' && current.startTimestampMs + current.timeoutMs < nowMs;
}

/** A transactional id without an open transaction, idle for longer than transactional.id.expiration.ms. */
export function hasExpired(current: TxnMetadata, nowMs: number, expirationMs: number): boolean {
  return EXPIRABLE.has(current.state) && current.lastUpdateTimestampMs <= nowMs - expirationMs;
}

/** Kafka's validateTransactionTimeoutMs. */
export function isValidTimeout(timeoutMs: number, maxTimeoutMs: number): boolean {
  return timeoutMs > 0 && timeoutMs <= maxTimeoutMs;
}

// Producer state per partition (Kafka's ProducerStateManager, KIP-98): for each producer id, its epoch,
// the last five batches it wrote (so a retried batch is answered with its original offset instead of
// being written twice, and a gap in sequence numbers is refused), its coordinator epoch and the first
// offset of its ongoing transaction. The earliest ongoing transaction bounds the last stable offset
// (LSO) that read_committed consumers read up to.
//
// PartitionProducerState is pure: the partition log feeds it every batch it writes (and the batches it
// replays on recovery) and persists it (txn/producer-state-store.ts). ProducerStateManager
// (`broker.producers`) is the broker-wide view by partition key, for Produce, Fetch and DescribeProducers.
import type { ErrorName } from '../../protocol/errors.ts';
import { ATTR_CONTROL, ATTR_TRANSACTIONAL, type BatchHeader } from '../../protocol/records/batch-header.ts';
import type { EndTxnMarker } from '../../protocol/records/control.ts';

/** Kafka keeps the metadata of this many recent batches per producer for duplicate detection. */
export const RECENT_BATCHES = 5;
const MAX_SEQUENCE = 0x7fffffff;

export interface BatchRecord {
  firstSeq: number;
  lastSeq: number;
  baseOffset: bigint;
}

export interface ProducerEntry {
  epoch: number;
  recent: BatchRecord[];
  /** The max timestamp of its last batch (or marker), as DescribeProducers reports it. */
  lastTimestamp: bigint;
  /** Epoch of the transaction coordinator that wrote its last marker; -1 before any. */
  coordinatorEpoch: number;
  /** First offset of its ongoing transaction, null when none is open here. */
  currentTxnFirstOffset: bigint | null;
}

/** A producer with state in a partition, as DescribeProducers (kafka-transactions) shows it. */
export interface ActiveProducer {
  producerId: bigint;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: bigint;
  coordinatorEpoch: number;
  currentTxnStartOffset: bigint;
}

/** A transaction ended by a marker, as Kafka's CompletedTxn (lastOffset = the marker's offset). */
export interface CompletedTxn {
  producerId: bigint;
  firstOffset: bigint;
  lastOffset: bigint;
  aborted: boolean;
}

/** An aborted transaction as Fetch returns it (FetchResponse.AbortedTransaction). */
export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: bigint }
  | { kind: 'error'; error: ErrorName; message: string };

/** What a stored batch tells the producer state: its header, and for a marker what it ends. */
export interface WrittenBatch {
  header: BatchHeader;
  /** The end-transaction marker of a control batch; null for data, or a control batch without one. */
  marker: EndTxnMarker | null;
}

function lastSeqOf(header: BatchHeader): number {
  return (header.baseSequence + header.lastOffsetDelta) % (MAX_SEQUENCE + 1);
}

function follows(previousLast: number, next: number): boolean {
  return previousLast === MAX_SEQUENCE ? next === 0 : next === previousLast + 1;
}

export function isTransactional(header: BatchHeader): boolean {
  return (header.attributes & ATTR_TRANSACTIONAL) !== 0;
}

export function isControl(header: BatchHeader): boolean {
  return (header.attributes & ATTR_CONTROL) !== 0;
}

export class PartitionProducerState {
  readonly #producers = new Map<bigint, ProducerEntry>();
  /** Producer id -> first offset of its ongoing transaction (the LSO is the smallest). */
  readonly #ongoing = new Map<bigint, bigint>();

  constructor(entries: Iterable<[bigint, ProducerEntry]> = []) {
    for (const [producerId, entry] of entries) {
      this.#producers.set(producerId, entry);
      if (entry.currentTxnFirstOffset !== null) this.#ongoing.set(producerId, entry.currentTxnFirstOffset);
    }
  }

  /** Decides what to do with a client batch before it is appended. Non-idempotent batches always append. */
  check(header: BatchHeader): SequenceCheck {
    if (header.producerId < 0n) return { kind: 'append' };
    const entry = this.#producers.get(header.producerId);
    // An unknown producer (new, or its state expired) starts wherever it says.
    if (!entry) return { kind: 'append' };
    if (header.producerEpoch < entry.epoch) {
      return {
        kind: 'error',
        error: 'INVALID_PRODUCER_EPOCH',
        message: `Epoch ${header.producerEpoch} of producer ${header.producerId} is older than the current epoch ${entry.epoch}`,
      };
    }
    const sequence = this.#checkSequence(header, entry);
    if (sequence.kind !== 'append') return sequence;
    if (!isTransactional(header) && entry.currentTxnFirstOffset !== null) {
      return {
        kind: 'error',
        error: 'INVALID_TXN_STATE',
        message: `Expected transactional write from producer ${header.producerId} in a partition where its transaction is ongoing`,
      };
    }
    return sequence;
  }

  #checkSequence(header: BatchHeader, entry: ProducerEntry): SequenceCheck {
    if (header.producerEpoch > entry.epoch) {
      if (header.baseSequence === 0) return { kind: 'append' };
      return {
        kind: 'error',
        error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
        message: `Producer ${header.producerId} bumped its epoch to ${header.producerEpoch} but its first sequence is ${header.baseSequence}, expected 0`,
      };
    }
    const lastSeq = lastSeqOf(header);
    const duplicate = entry.recent.find((b) => b.firstSeq === header.baseSequence && b.lastSeq === lastSeq);
    if (duplicate) return { kind: 'duplicate', baseOffset: duplicate.baseOffset };
    const latest = entry.recent.at(-1);
    if (latest && !follows(latest.lastSeq, header.baseSequence)) {
      return {
        kind: 'error',
        error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
        message: `Out of order sequence number for producer ${header.producerId}: ${header.baseSequence} (incoming seq), ${latest.lastSeq} (current end sequence)`,
      };
    }
    return { kind: 'append' };
  }

  /**
   * Whether the transaction coordinator may write this marker (Kafka's appendEndTxnMarker checks): an
   * older producer epoch is INVALID_PRODUCER_EPOCH, an older coordinator epoch TRANSACTION_COORDINATOR_FENCED.
   */
  checkMarker(producerId: bigint, producerEpoch: number, coordinatorEpoch: number): ErrorName | undefined {
    const entry = this.#producers.get(producerId);
    if (!entry) return undefined;
    if (producerEpoch < entry.epoch) return 'INVALID_PRODUCER_EPOCH';
    if (coordinatorEpoch < entry.coordinatorEpoch) return 'TRANSACTION_COORDINATOR_FENCED';
    return undefined;
  }

  /**
   * Accounts for a batch written (or replayed) at its base offset: a producer's data batch, or a marker
   * ending its transaction. Returns the transaction a marker completed, if one was open.
   */
  apply({ header, marker }: WrittenBatch): CompletedTxn | null {
    if (header.producerId < 0n) return null;
    const producerId = header.producerId;
    let entry = this.#producers.get(producerId);
    if (!entry) {
      entry = {
        epoch: header.producerEpoch,
        recent: [],
        lastTimestamp: -1n,
        coordinatorEpoch: -1,
        currentTxnFirstOffset: null,
      };
      this.#producers.set(producerId, entry);
    } else if (header.producerEpoch !== entry.epoch) {
      // A new epoch starts a new sequence: the batches of the old one no longer count as duplicates.
      entry.epoch = header.producerEpoch;
      entry.recent = [];
    }
    entry.lastTimestamp = header.maxTimestamp;
    if (isControl(header)) {
      // A control batch the cleaner emptied, or of a type we do not know, ends nothing.
      if (!marker) return null;
      entry.coordinatorEpoch = marker.coordinatorEpoch;
      const firstOffset = entry.currentTxnFirstOffset;
      if (firstOffset === null) return null;
      entry.currentTxnFirstOffset = null;
      this.#ongoing.delete(producerId);
      return { producerId, firstOffset, lastOffset: header.baseOffset, aborted: !marker.commit };
    }
    if (header.baseSequence >= 0) {
      entry.recent.push({
        firstSeq: header.baseSequence,
        lastSeq: lastSeqOf(header),
        baseOffset: header.baseOffset,
      });
      if (entry.recent.length > RECENT_BATCHES) entry.recent.shift();
    }
    if (isTransactional(header) && entry.currentTxnFirstOffset === null) {
      entry.currentTxnFirstOffset = header.baseOffset;
      this.#ongoing.set(producerId, header.baseOffset);
    }
    return null;
  }

  /** First offset of the earliest ongoing transaction, or null when none is open. */
  get firstUnstableOffset(): bigint | null {
    let first: bigint | null = null;
    for (const offset of this.#ongoing.values()) if (first === null || offset < first) first = offset;
    return first;
  }

  /** The LSO: the first offset of the earliest ongoing transaction, else the high watermark. */
  lastStableOffset(highWatermark: bigint): bigint {
    const first = this.firstUnstableOffset;
    return first !== null && first < highWatermark ? first : highWatermark;
  }

  /** Whether the producer, at this epoch, has a transaction open in this partition. */
  hasOngoingTransaction(producerId: bigint, producerEpoch: number): boolean {
    return this.#ongoing.has(producerId) && this.#producers.get(producerId)?.epoch === producerEpoch;
  }

  /** The producers with state here, by producer id. */
  activeProducers(): ActiveProducer[] {
    return [...this.#producers]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([producerId, entry]) => ({
        producerId,
        producerEpoch: entry.epoch,
        lastSequence: entry.recent.at(-1)?.lastSeq ?? -1,
        lastTimestamp: entry.lastTimestamp,
        coordinatorEpoch: entry.coordinatorEpoch,
        currentTxnStartOffset: entry.currentTxnFirstOffset ?? -1n,
      }));
  }

  /** Every producer's entry (copies), for a snapshot. */
  entries(): [bigint, ProducerEntry][] {
    return [...this.#producers].map(([producerId, entry]) => [
      producerId,
      { ...entry, recent: entry.recent.map((batch) => ({ ...batch })) },
    ]);
  }
}

/** Something that holds the producer state of a partition: its log. */
export interface ProducerStateHolder {
  readonly producerState: PartitionProducerState;
  readonly highWatermark: bigint;
  abortedTransactions(fromOffset: bigint, toOffset: bigint): AbortedTransaction[];
}

/**
 * The broker's view of every partition's producer state, by partition key (`topic-partition`). The state
 * itself lives with each partition log, which keeps it in step with what is written and persists it.
 */
export class ProducerStateManager {
  readonly #partition: (key: string) => ProducerStateHolder | undefined;

  constructor(partition: (key: string) => ProducerStateHolder | undefined) {
    this.#partition = partition;
  }

  /** Decides what to do with a batch before it is appended (no partition: append). */
  check(key: string, header: BatchHeader): SequenceCheck {
    return this.#partition(key)?.producerState.check(header) ?? { kind: 'append' };
  }

  /** The producers that wrote to a partition, by producer id. */
  activeProducers(key: string): ActiveProducer[] {
    return this.#partition(key)?.producerState.activeProducers() ?? [];
  }

  hasOngoingTransaction(key: string, producerId: bigint, producerEpoch: number): boolean {
    return this.#partition(key)?.producerState.hasOngoingTransaction(producerId, producerEpoch) ?? false;
  }

  /** The first offset of the earliest ongoing transaction, else the high watermark. */
  lastStableOffset(key: string, highWatermark: bigint): bigint {
    return this.#partition(key)?.producerState.lastStableOffset(highWatermark) ?? highWatermark;
  }

  /** The aborted transactions with data in [fromOffset, toOffset), as Fetch returns them. */
  abortedTransactions(key: string, fromOffset: bigint, toOffset: bigint): AbortedTransaction[] {
    return this.#partition(key)?.abortedTransactions(fromOffset, toOffset) ?? [];
  }
}

// Idempotent producer state per partition (KIP-98): for each producer id, its epoch and the last five
// batches it wrote, so a retried batch is answered with its original offset instead of being written
// twice, and a gap in sequence numbers is refused. Pure state; the Produce handler drives it.
import type { ErrorName } from '../../protocol/errors.ts';
import type { BatchHeader } from '../../protocol/records/batch-header.ts';

/** Kafka keeps the metadata of this many recent batches per producer for duplicate detection. */
const RECENT_BATCHES = 5;
const MAX_SEQUENCE = 0x7fffffff;

interface BatchRecord {
  firstSeq: number;
  lastSeq: number;
  baseOffset: bigint;
}

interface ProducerEntry {
  epoch: number;
  recent: BatchRecord[];
  /** The max timestamp of its last batch, as DescribeProducers reports it. */
  lastTimestamp: bigint;
}

/** A producer with state in a partition, as DescribeProducers (kafka-transactions) shows it. */
export interface ActiveProducer {
  producerId: bigint;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: bigint;
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: bigint }
  | { kind: 'error'; error: ErrorName; message: string };

function lastSeqOf(header: BatchHeader): number {
  return (header.baseSequence + header.lastOffsetDelta) % (MAX_SEQUENCE + 1);
}

function follows(previousLast: number, next: number): boolean {
  return previousLast === MAX_SEQUENCE ? next === 0 : next === previousLast + 1;
}

export class ProducerStateManager {
  private readonly partitions = new Map<string, Map<bigint, ProducerEntry>>();

  /** Decides what to do with a batch before it is appended. Non-idempotent batches always append. */
  check(partition: string, header: BatchHeader): SequenceCheck {
    if (header.producerId < 0n) return { kind: 'append' };
    const entry = this.partitions.get(partition)?.get(header.producerId);
    // An unknown producer (new, or its state did not survive a restart) starts wherever it says.
    if (!entry) return { kind: 'append' };
    if (header.producerEpoch < entry.epoch) {
      return {
        kind: 'error',
        error: 'INVALID_PRODUCER_EPOCH',
        message: `Epoch ${header.producerEpoch} of producer ${header.producerId} is older than the current epoch ${entry.epoch}`,
      };
    }
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

  /** Records a batch that was appended at baseOffset. */
  recordAppend(partition: string, header: BatchHeader, baseOffset: bigint): void {
    if (header.producerId < 0n) return;
    let producers = this.partitions.get(partition);
    if (!producers) {
      producers = new Map();
      this.partitions.set(partition, producers);
    }
    let entry = producers.get(header.producerId);
    if (!entry || entry.epoch !== header.producerEpoch) {
      entry = { epoch: header.producerEpoch, recent: [], lastTimestamp: -1n };
      producers.set(header.producerId, entry);
    }
    entry.lastTimestamp = header.maxTimestamp;
    entry.recent.push({ firstSeq: header.baseSequence, lastSeq: lastSeqOf(header), baseOffset });
    if (entry.recent.length > RECENT_BATCHES) entry.recent.shift();
  }

  /** The producers that wrote to a partition since the broker started, by producer id. */
  activeProducers(partition: string): ActiveProducer[] {
    const producers = [...(this.partitions.get(partition) ?? [])].sort(([a], [b]) => (a < b ? -1 : 1));
    return producers.map(([producerId, entry]) => ({
      producerId,
      producerEpoch: entry.epoch,
      lastSequence: entry.recent.at(-1)?.lastSeq ?? -1,
      lastTimestamp: entry.lastTimestamp,
    }));
  }

  dropPartition(partition: string): void {
    this.partitions.delete(partition);
  }
}

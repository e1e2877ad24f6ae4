// What the cleaner needs to know of transactions as it reads a compacted log in offset order (Kafka's
// CleanedTransactionMetadata). It is told the aborted transactions of the range, each by producer and
// first offset: from its first offset on, a producer's transactional data batches are aborted data until
// its marker. Aborted records never enter the offset map (a key's latest value must be a committed one)
// and are dropped from the cleaned segments. A marker whose transaction showed no data batch in the pass
// may be removed (after its delete horizon); an abort marker that still had data keeps its entry in the
// cleaned segment's aborted-transaction index.
import type { BatchHeader } from '../../protocol/records/batch-header.ts';
import type { EndTxnMarker } from '../../protocol/records/control.ts';
import type { AbortedTxn } from '../txn/aborted-index.ts';
import { isControl, isTransactional } from '../txn/producer-state.ts';

export class AbortedDataTracker {
  readonly #pending: AbortedTxn[];
  #next = 0;
  /** Producers inside an aborted transaction at the current batch, with whether it showed data yet. */
  readonly #inAborted = new Map<bigint, { txn: AbortedTxn; sawData: boolean }>();
  /** Producers inside a committed (not aborted) transaction that showed data in this pass. */
  readonly #committedWithData = new Set<bigint>();

  constructor(aborted: readonly AbortedTxn[]) {
    this.#pending = [...aborted].sort((a, b) =>
      a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0,
    );
  }

  #consumeUpTo(lastOffset: bigint): void {
    while (this.#next < this.#pending.length && this.#pending[this.#next].firstOffset <= lastOffset) {
      const txn = this.#pending[this.#next++];
      this.#inAborted.set(txn.producerId, { txn, sawData: false });
    }
  }

  /** Called for every data batch in offset order: true for a batch of an aborted transaction. */
  isAborted(header: BatchHeader): boolean {
    this.#consumeUpTo(header.baseOffset + BigInt(header.lastOffsetDelta));
    if (header.producerId < 0n || !isTransactional(header) || isControl(header)) return false;
    const aborted = this.#inAborted.get(header.producerId);
    if (aborted) {
      aborted.sawData = true;
      return true;
    }
    this.#committedWithData.add(header.producerId);
    return false;
  }

  /**
   * Called for every control batch in offset order (`marker` null when it carries none): whether the
   * marker's transaction is empty in the log now, so the marker may go, and for an abort that still had
   * data, the aborted-transaction index entry the cleaned segment keeps.
   */
  onMarker(
    header: BatchHeader,
    marker: EndTxnMarker | null,
  ): { canDiscard: boolean; keptAbort: AbortedTxn | null } {
    this.#consumeUpTo(header.baseOffset);
    if (!marker) return { canDiscard: header.recordCount === 0, keptAbort: null };
    if (!marker.commit) {
      const aborted = this.#inAborted.get(header.producerId);
      this.#inAborted.delete(header.producerId);
      if (aborted?.sawData) return { canDiscard: false, keptAbort: aborted.txn };
      return { canDiscard: true, keptAbort: null };
    }
    return { canDiscard: !this.#committedWithData.delete(header.producerId), keptAbort: null };
  }
}

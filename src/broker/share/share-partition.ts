// The state of one share-partition (one share group reading one topic-partition, KIP-932), pure: no log,
// no timers, no clock of its own. Records from the share-partition start offset (SPSO) to the end offset
// (SPEO) are "in flight", each AVAILABLE, ACQUIRED by one member under a time-limited lock,
// ACKNOWLEDGED or ARCHIVED, with the number of times it was delivered. Records below the SPSO are done;
// records above the SPEO were never delivered. The in-flight window is bounded by the group's
// share.partition.max.record.locks, so it is kept as one entry per offset.

import type { ErrorName } from '../../protocol/errors.ts';

/** Kafka's record states; the numbers are those written to __share_group_state. */
export const RECORD_STATE = { available: 0, acquired: 1, acknowledged: 2, archived: 4 } as const;
export type RecordState = (typeof RECORD_STATE)[keyof typeof RECORD_STATE];

/** Acknowledge types of ShareFetch / ShareAcknowledge. */
export const ACKNOWLEDGE_TYPE = { gap: 0, accept: 1, release: 2, reject: 3 } as const;

export interface InFlightRecord {
  state: RecordState;
  deliveryCount: number;
  /** The member holding the acquisition lock (ACQUIRED only). */
  memberId: string | null;
  /** When the acquisition lock runs out, in the injected clock's milliseconds (ACQUIRED only). */
  lockExpiresAtMs: number;
}

/** A stored batch as the log returned it; `deliverable` is false for control batches and aborted data. */
export interface FetchedBatch {
  firstOffset: bigint;
  lastOffset: bigint;
  deliverable: boolean;
}

export interface AcquiredRange {
  firstOffset: bigint;
  lastOffset: bigint;
  deliveryCount: number;
}

export interface AcknowledgementBatch {
  firstOffset: bigint;
  lastOffset: bigint;
  /** One type for the whole range, or one per offset. */
  acknowledgeTypes: readonly number[];
}

/** The durable form: runs of offsets sharing a state (ACQUIRED is stored as AVAILABLE) and a count. */
export interface StateBatch {
  firstOffset: bigint;
  lastOffset: bigint;
  deliveryState: number;
  deliveryCount: number;
}

export interface AcquireLimits {
  maxRecords: number;
  maxRecordLocks: number;
  recordLockDurationMs: number;
}

export class SharePartitionState {
  #startOffset: bigint;
  /** Entry i describes offset startOffset + i. */
  #records: InFlightRecord[] = [];

  /**
   * A share-partition starting at `startOffset`, with the in-flight records of `batches` (as read back
   * from __share_group_state): offsets between or below the batches are treated as never delivered.
   */
  constructor(startOffset: bigint, batches: readonly StateBatch[] = []) {
    this.#startOffset = startOffset;
    for (const batch of batches) {
      for (let offset = batch.firstOffset; offset <= batch.lastOffset; offset++) {
        if (offset < startOffset) continue;
        const index = Number(offset - startOffset);
        while (this.#records.length < index) this.#records.push(fresh());
        // A record acquired before a restart has lost its lock: it is available again, as counted.
        const state =
          batch.deliveryState === RECORD_STATE.acquired ? RECORD_STATE.available : batch.deliveryState;
        this.#records[index] = {
          state: state as RecordState,
          deliveryCount: batch.deliveryCount,
          memberId: null,
          lockExpiresAtMs: 0,
        };
      }
    }
    this.#trimDone();
  }

  /** SPSO: every record below it is acknowledged or archived. */
  get startOffset(): bigint {
    return this.#startOffset;
  }

  /** SPEO: the last in-flight offset (startOffset - 1 when nothing is in flight). */
  get endOffset(): bigint {
    return this.#startOffset + BigInt(this.#records.length) - 1n;
  }

  get inFlightCount(): number {
    return this.#records.length;
  }

  /** The record at `offset`, if it is in flight. */
  record(offset: bigint): Readonly<InFlightRecord> | undefined {
    if (offset < this.#startOffset) return undefined;
    return this.#records[Number(offset - this.#startOffset)];
  }

  /** Where the next read of the log should start: the first available in-flight record, else past SPEO. */
  nextFetchOffset(): bigint {
    const index = this.#records.findIndex((r) => r.state === RECORD_STATE.available);
    return index < 0 ? this.endOffset + 1n : this.#startOffset + BigInt(index);
  }

  /** Whether a fetch could acquire anything: a record to redeliver, or room for new records. */
  canAcquire(maxRecordLocks: number): boolean {
    return this.nextFetchOffset() <= this.endOffset || this.#records.length < maxRecordLocks;
  }

  /**
   * Acquires for `memberId` the available records of `batches` (read from the log from nextFetchOffset,
   * in offset order): in-flight records that are AVAILABLE, and new records past SPEO while the in-flight
   * window has room. Whole batches are taken, so maxRecords may be exceeded to keep batch boundaries, as
   * Kafka does. Records of batches that are not deliverable are archived without being delivered.
   */
  acquire(
    memberId: string,
    batches: readonly FetchedBatch[],
    limits: AcquireLimits,
    nowMs: number,
  ): AcquiredRange[] {
    const acquired: AcquiredRange[] = [];
    let count = 0;
    const lockExpiresAtMs = nowMs + limits.recordLockDurationMs;
    for (const batch of batches) {
      if (count >= limits.maxRecords) break;
      if (batch.lastOffset < this.#startOffset) continue;
      const beyondEnd = batch.lastOffset > this.endOffset;
      if (beyondEnd && batch.deliverable && this.#records.length >= limits.maxRecordLocks) break;
      const first = batch.firstOffset < this.#startOffset ? this.#startOffset : batch.firstOffset;
      // Offsets between SPEO and this batch are absent from the log (compacted, or a gap): done already.
      while (this.endOffset + 1n < first) this.#records.push(archived());
      for (let offset = first; offset <= batch.lastOffset; offset++) {
        const index = Number(offset - this.#startOffset);
        if (index === this.#records.length) this.#records.push(fresh());
        const record = this.#records[index];
        if (record.state !== RECORD_STATE.available) continue;
        if (!batch.deliverable) {
          record.state = RECORD_STATE.archived;
          continue;
        }
        record.state = RECORD_STATE.acquired;
        record.deliveryCount++;
        record.memberId = memberId;
        record.lockExpiresAtMs = lockExpiresAtMs;
        count++;
        appendRange(acquired, offset, record.deliveryCount);
      }
    }
    this.#trimDone();
    return acquired;
  }

  /**
   * Applies one member's acknowledgements, all or nothing: every offset named must be in flight and
   * acquired by that member (offsets already below SPSO are skipped, as Kafka does).
   */
  acknowledge(
    memberId: string,
    batches: readonly AcknowledgementBatch[],
    deliveryCountLimit: number,
  ): ErrorName | undefined {
    const invalid = validateAcknowledgements(batches);
    if (invalid) return invalid;
    for (const batch of batches) {
      if (batch.lastOffset > this.endOffset) return 'INVALID_RECORD_STATE';
      for (let offset = batch.firstOffset; offset <= batch.lastOffset; offset++) {
        const record = this.record(offset);
        if (!record) continue;
        if (record.state !== RECORD_STATE.acquired || record.memberId !== memberId)
          return 'INVALID_RECORD_STATE';
      }
    }
    for (const batch of batches) {
      for (let offset = batch.firstOffset; offset <= batch.lastOffset; offset++) {
        if (offset < this.#startOffset) continue;
        const record = this.#records[Number(offset - this.#startOffset)];
        const type = typeAt(batch, offset);
        if (type === ACKNOWLEDGE_TYPE.release) release(record, deliveryCountLimit);
        else
          finish(
            record,
            type === ACKNOWLEDGE_TYPE.accept ? RECORD_STATE.acknowledged : RECORD_STATE.archived,
          );
      }
    }
    this.#trimDone();
    return undefined;
  }

  /** Makes the records `memberId` holds available again (the member left or closed its session). */
  releaseMember(memberId: string, deliveryCountLimit: number): boolean {
    return this.#releaseWhere((r) => r.memberId === memberId, deliveryCountLimit);
  }

  /** Makes the records whose acquisition lock ran out by `nowMs` available again. */
  expireLocks(nowMs: number, deliveryCountLimit: number): boolean {
    return this.#releaseWhere((r) => r.lockExpiresAtMs <= nowMs, deliveryCountLimit);
  }

  /** The earliest time an acquisition lock runs out, if any record is acquired. */
  nextLockExpiry(): number | undefined {
    let next: number | undefined;
    for (const r of this.#records) {
      if (r.state === RECORD_STATE.acquired && (next === undefined || r.lockExpiresAtMs < next)) {
        next = r.lockExpiresAtMs;
      }
    }
    return next;
  }

  /**
   * The log start moved to `logStartOffset` (retention, DeleteRecords): records below it are gone, so
   * SPSO moves up to it. Returns whether anything changed.
   */
  advanceTo(logStartOffset: bigint): boolean {
    if (logStartOffset <= this.#startOffset) return false;
    const drop = logStartOffset - this.#startOffset;
    this.#records.splice(0, drop > BigInt(this.#records.length) ? this.#records.length : Number(drop));
    this.#startOffset = logStartOffset;
    this.#trimDone();
    return true;
  }

  /** The in-flight records as runs of equal state and delivery count, the form stored durably. */
  stateBatches(): StateBatch[] {
    const out: StateBatch[] = [];
    this.#records.forEach((r, i) => {
      const offset = this.#startOffset + BigInt(i);
      const deliveryState = r.state === RECORD_STATE.acquired ? RECORD_STATE.available : r.state;
      const last = out.at(-1);
      if (
        last &&
        last.lastOffset + 1n === offset &&
        last.deliveryState === deliveryState &&
        last.deliveryCount === r.deliveryCount
      ) {
        last.lastOffset = offset;
      } else {
        out.push({ firstOffset: offset, lastOffset: offset, deliveryState, deliveryCount: r.deliveryCount });
      }
    });
    return out;
  }

  #releaseWhere(matches: (r: InFlightRecord) => boolean, deliveryCountLimit: number): boolean {
    let changed = false;
    for (const r of this.#records) {
      if (r.state === RECORD_STATE.acquired && matches(r)) {
        release(r, deliveryCountLimit);
        changed = true;
      }
    }
    if (changed) this.#trimDone();
    return changed;
  }

  /** Moves SPSO past the prefix of records that are done (acknowledged or archived). */
  #trimDone(): void {
    let done = 0;
    while (done < this.#records.length && isDone(this.#records[done])) done++;
    if (done === 0) return;
    this.#records.splice(0, done);
    this.#startOffset += BigInt(done);
  }
}

function fresh(): InFlightRecord {
  return { state: RECORD_STATE.available, deliveryCount: 0, memberId: null, lockExpiresAtMs: 0 };
}

function archived(): InFlightRecord {
  return { state: RECORD_STATE.archived, deliveryCount: 0, memberId: null, lockExpiresAtMs: 0 };
}

function isDone(r: InFlightRecord): boolean {
  return r.state === RECORD_STATE.acknowledged || r.state === RECORD_STATE.archived;
}

function finish(r: InFlightRecord, state: RecordState): void {
  r.state = state;
  r.memberId = null;
  r.lockExpiresAtMs = 0;
}

/** Back to AVAILABLE, or ARCHIVED once delivered as often as the group's delivery count limit allows. */
function release(r: InFlightRecord, deliveryCountLimit: number): void {
  finish(r, r.deliveryCount >= deliveryCountLimit ? RECORD_STATE.archived : RECORD_STATE.available);
}

function appendRange(ranges: AcquiredRange[], offset: bigint, deliveryCount: number): void {
  const last = ranges.at(-1);
  if (last && last.lastOffset + 1n === offset && last.deliveryCount === deliveryCount)
    last.lastOffset = offset;
  else ranges.push({ firstOffset: offset, lastOffset: offset, deliveryCount });
}

function typeAt(batch: AcknowledgementBatch, offset: bigint): number {
  const types = batch.acknowledgeTypes;
  return types.length === 1 ? types[0] : types[Number(offset - batch.firstOffset)];
}

/** Kafka's request checks: ordered, non-overlapping ranges with one type or one type per offset. */
export function validateAcknowledgements(batches: readonly AcknowledgementBatch[]): ErrorName | undefined {
  let previousLast = -1n;
  for (const batch of batches) {
    if (batch.firstOffset < 0n || batch.lastOffset < batch.firstOffset) return 'INVALID_REQUEST';
    if (batch.firstOffset <= previousLast) return 'INVALID_REQUEST';
    previousLast = batch.lastOffset;
    const size = batch.lastOffset - batch.firstOffset + 1n;
    const types = batch.acknowledgeTypes;
    if (types.length !== 1 && BigInt(types.length) !== size) return 'INVALID_REQUEST';
    if (types.some((t) => t < ACKNOWLEDGE_TYPE.gap || t > ACKNOWLEDGE_TYPE.reject)) return 'INVALID_REQUEST';
  }
  return undefined;
}

// Control records: the transaction markers (end-transaction markers) the broker writes into partitions
// when a transaction commits or aborts. They sit alone in a batch with the control and transactional
// attribute bits set, and consumers never see them as data.
//   key   = version int16 (0) | type int16 (ABORT 0, COMMIT 1; KRaft uses 2–6)
//   value = version int16 (0) | coordinatorEpoch int32            (EndTxnMarker, for ABORT/COMMIT)
//
// Public API:
//   CONTROL_TYPE = { abort: 0, commit: 1 }
//   endTxnMarkerRecord(marker: EndTxnMarker, timestamp: bigint): RecordInput
//   buildEndTxnMarkerBatch(options: EndTxnMarkerBatchOptions): Buffer
//   parseControlKey(key: Buffer | null): ControlKey               (throws RecordBatchError INVALID_RECORD)
//   parseEndTxnMarker(record: { key, value }): EndTxnMarker       (throws RecordBatchError INVALID_RECORD)
// Parsing follows Kafka: a negative version is corrupt data, a newer version is read as version 0.
import { buildBatchSync, type RecordInput } from './batch.ts';
import { RecordBatchError } from './batch-error.ts';

export const CONTROL_TYPE = { abort: 0, commit: 1 } as const;

const CONTROL_KEY_SIZE = 4;
const END_TXN_VALUE_SIZE = 6;

export interface ControlKey {
  version: number;
  /** CONTROL_TYPE.abort, CONTROL_TYPE.commit, or a type this code does not know (KRaft's 2–6 …). */
  type: number;
}

export interface EndTxnMarker {
  commit: boolean;
  coordinatorEpoch: number;
}

export interface EndTxnMarkerBatchOptions extends EndTxnMarker {
  baseOffset?: bigint;
  producerId: bigint;
  producerEpoch: number;
  partitionLeaderEpoch?: number;
  timestamp: bigint;
}

export function endTxnMarkerRecord(marker: EndTxnMarker, timestamp: bigint): RecordInput {
  const key = Buffer.alloc(CONTROL_KEY_SIZE);
  key.writeInt16BE(marker.commit ? CONTROL_TYPE.commit : CONTROL_TYPE.abort, 2);
  const value = Buffer.alloc(END_TXN_VALUE_SIZE);
  value.writeInt32BE(marker.coordinatorEpoch, 2);
  return { key, value, timestamp };
}

/** The batch Kafka writes for a marker (MemoryRecords.withEndTransactionMarker): one record, no sequence. */
export function buildEndTxnMarkerBatch(options: EndTxnMarkerBatchOptions): Buffer {
  return buildBatchSync({
    records: [endTxnMarkerRecord(options, options.timestamp)],
    baseOffset: options.baseOffset,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
    baseSequence: -1,
    partitionLeaderEpoch: options.partitionLeaderEpoch,
    transactional: true,
    control: true,
  });
}

function checkVersion(version: number, what: string): void {
  if (version < 0)
    throw new RecordBatchError('INVALID_RECORD', `Invalid version found for ${what}: ${version}`);
}

export function parseControlKey(key: Buffer | null): ControlKey {
  if (key === null || key.length < CONTROL_KEY_SIZE) {
    const found = key === null ? 'a null key' : `only ${key.length}`;
    throw new RecordBatchError(
      'INVALID_RECORD',
      `Invalid value size found for control record key. Must have at least ${CONTROL_KEY_SIZE} bytes, but found ${found}`,
    );
  }
  const version = key.readInt16BE(0);
  checkVersion(version, 'control record');
  return { version, type: key.readInt16BE(2) };
}

export function parseEndTxnMarker(record: { key: Buffer | null; value: Buffer | null }): EndTxnMarker {
  const { type } = parseControlKey(record.key);
  if (type !== CONTROL_TYPE.abort && type !== CONTROL_TYPE.commit) {
    throw new RecordBatchError(
      'INVALID_RECORD',
      `Invalid control record type for end transaction marker: ${type}`,
    );
  }
  const { value } = record;
  if (value === null || value.length < END_TXN_VALUE_SIZE) {
    throw new RecordBatchError(
      'INVALID_RECORD',
      `Invalid value size found for end transaction marker. Must have at least ${END_TXN_VALUE_SIZE} bytes, but found only ${value?.length ?? 0}`,
    );
  }
  checkVersion(value.readInt16BE(0), 'end transaction marker');
  return { commit: type === CONTROL_TYPE.commit, coordinatorEpoch: value.readInt32BE(2) };
}

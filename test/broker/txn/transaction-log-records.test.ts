import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  encodeTransactionLogKey,
  encodeTransactionLogValue,
} from '../../../src/broker/txn/transaction-log-records.ts';
import { partitionKey, type TxnMetadata } from '../../../src/broker/txn/transaction-state.ts';

// Bytes written by hand from Kafka's TransactionLogKey/TransactionLogValue definitions, so that the codec
// is checked against the format itself rather than against its own encoder.

function int16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v);
  return b;
}
function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
}
function int64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(v);
  return b;
}
const int8 = (v: number) => Buffer.from([v]);
const string16 = (s: string) => Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s)]);
/** A uvarint below 128 is one byte. */
const uvarint = (v: number) => Buffer.from([v]);
const compactString = (s: string) => Buffer.concat([uvarint(Buffer.byteLength(s) + 1), Buffer.from(s)]);

function ongoing(): TxnMetadata {
  return {
    transactionalId: 'txn-1',
    producerId: 4000n,
    previousProducerId: -1n,
    nextProducerId: -1n,
    producerEpoch: 3,
    lastProducerEpoch: -1,
    timeoutMs: 60_000,
    state: 'Ongoing',
    partitions: new Map([
      [partitionKey('orders', 0), { topic: 'orders', partition: 0 }],
      [partitionKey('audit', 2), { topic: 'audit', partition: 2 }],
      [partitionKey('orders', 5), { topic: 'orders', partition: 5 }],
    ]),
    startTimestampMs: 1_700_000_000_000,
    lastUpdateTimestampMs: 1_700_000_000_500,
    clientTransactionVersion: 0,
  };
}

describe('__transaction_state records', () => {
  it('key: record type 0 then the transactional id', () => {
    const bytes = Buffer.concat([int16(0), string16('txn-1')]);
    assert.deepEqual(encodeTransactionLogKey('txn-1'), bytes);
    assert.equal(decodeTransactionLogKey(bytes), 'txn-1');
    assert.equal(decodeTransactionLogKey(Buffer.concat([int16(1), string16('other')])), undefined);
  });

  it('value version 0: partitions grouped by topic in order of first appearance', () => {
    const bytes = Buffer.concat([
      int16(0),
      int64(4000n),
      int16(3),
      int32(60_000),
      int8(1),
      int32(2),
      string16('orders'),
      int32(2),
      int32(0),
      int32(5),
      string16('audit'),
      int32(1),
      int32(2),
      int64(1_700_000_000_500n),
      int64(1_700_000_000_000n),
    ]);
    assert.deepEqual(encodeTransactionLogValue(ongoing(), 0), bytes);
    assert.deepEqual(decodeTransactionLogValue('txn-1', bytes), ongoing());
  });

  it('value version 0 of an Empty id: a null partition array', () => {
    const empty: TxnMetadata = { ...ongoing(), state: 'Empty', partitions: new Map(), startTimestampMs: -1 };
    const bytes = Buffer.concat([
      int16(0),
      int64(4000n),
      int16(3),
      int32(60_000),
      int8(0),
      int32(-1),
      int64(1_700_000_000_500n),
      int64(-1n),
    ]);
    assert.deepEqual(encodeTransactionLogValue(empty, 0), bytes);
    assert.deepEqual(decodeTransactionLogValue('txn-1', bytes), empty);
    assert.throws(
      () => encodeTransactionLogValue({ ...ongoing(), state: 'Empty' }),
      /Empty but has partitions/,
    );
  });

  it('value version 1 (as Kafka writes with transaction.version 2): compact fields and tagged producer ids', () => {
    const bytes = Buffer.concat([
      int16(1),
      int64(4000n),
      int16(3),
      int32(60_000),
      int8(2),
      uvarint(2),
      compactString('orders'),
      uvarint(2),
      int32(7),
      uvarint(0),
      int64(1_700_000_000_500n),
      int64(1_700_000_000_000n),
      uvarint(3),
      uvarint(0),
      uvarint(8),
      int64(3999n),
      uvarint(2),
      uvarint(2),
      int16(2),
      uvarint(3),
      uvarint(2),
      int16(-1),
    ]);
    const decoded = decodeTransactionLogValue('txn-1', bytes);
    assert.equal(decoded.state, 'PrepareCommit');
    assert.equal(decoded.previousProducerId, 3999n);
    assert.equal(decoded.nextProducerId, -1n);
    assert.deepEqual([...decoded.partitions.values()], [{ topic: 'orders', partition: 7 }]);
    assert.equal(decoded.lastProducerEpoch, -1);
    // Written back at version 1, it reads the same, the client's transaction version included.
    assert.deepEqual(decodeTransactionLogValue('txn-1', encodeTransactionLogValue(decoded, 1)), decoded);
  });

  it('writes value version 1 by default, with the client transaction version tagged', () => {
    const v2: TxnMetadata = { ...ongoing(), previousProducerId: 4000n, clientTransactionVersion: 2 };
    const bytes = encodeTransactionLogValue(v2);
    assert.equal(bytes.readInt16BE(0), 1);
    assert.deepEqual(decodeTransactionLogValue('txn-1', bytes), v2);
  });

  it('refuses a value version it does not know and a state id out of range', () => {
    assert.throws(() => decodeTransactionLogValue('t', Buffer.concat([int16(2), int64(1n)])), /version 2/);
    const badState = Buffer.concat([
      int16(0),
      int64(1n),
      int16(0),
      int32(1000),
      int8(9),
      int32(-1),
      int64(0n),
      int64(-1n),
    ]);
    assert.throws(() => decodeTransactionLogValue('t', badState), /unknown transaction state id 9/);
  });
});

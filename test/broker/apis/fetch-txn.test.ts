// Transactions as consumers and tools see them: Fetch at read_committed stops at the last stable offset
// and lists aborted transactions, the LSO moves when markers are written (waking long polls), ListOffsets
// and DescribeProducers report it, and Produce refuses transactional batches Kafka would refuse.
// Transactional batches are appended straight to the log and markers written with writeTxnMarkers, so
// these tests do not depend on the transaction coordinator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { partitionKey } from '../../../src/broker/partition-manager.ts';
import { writeTxnMarkers } from '../../../src/broker/txn/markers.ts';
import type { Message } from '../../../src/protocol/codec.ts';
import { ERRORS } from '../../../src/protocol/errors.ts';
import { buildBatchSync, parseBatchSync } from '../../../src/protocol/records/batch.ts';
import { splitBatches } from '../../../src/protocol/records/validate.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { createTopic, RawClient } from '../../support/raw-client.ts';

const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;

function batch(producerId: bigint, seq: number, values: string[], transactional = true, epoch = 0): Buffer {
  return buildBatchSync({
    records: values.map((value) => ({ key: null, value: Buffer.from(value), timestamp: BigInt(Date.now()) })),
    producerId,
    producerEpoch: epoch,
    baseSequence: seq,
    transactional,
  });
}

interface FetchedPartition {
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  abortedTransactions: { producerId: bigint; firstOffset: bigint }[] | null;
  values: string[];
  markers: number;
}

async function fetch(
  client: RawClient,
  topic: string,
  isolationLevel: number,
  fetchOffset = 0n,
  wait: { maxWaitMs: number; minBytes: number } = { maxWaitMs: 0, minBytes: 0 },
): Promise<FetchedPartition> {
  const response = await client.request(
    API_KEYS.Fetch,
    12,
    {
      replicaId: -1,
      ...wait,
      maxBytes: 1 << 20,
      isolationLevel,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [],
      rackId: '',
    },
    20_000,
  );
  const [p] = (response.responses as Message[])[0].partitions as Message[];
  const split = splitBatches((p.records as Buffer | null) ?? Buffer.alloc(0));
  assert.ok(split.ok);
  const parsed = split.batches.map((bytes) => parseBatchSync(bytes));
  return {
    errorCode: p.errorCode,
    highWatermark: p.highWatermark,
    lastStableOffset: p.lastStableOffset,
    abortedTransactions: (p.abortedTransactions as FetchedPartition['abortedTransactions']) ?? null,
    values: parsed.filter((b) => !b.control).flatMap((b) => b.records.map((r) => r.value!.toString())),
    markers: parsed.filter((b) => b.control).length,
  };
}

async function latest(client: RawClient, topic: string, isolationLevel: number): Promise<bigint> {
  const response = await client.request(API_KEYS.ListOffsets, 7, {
    replicaId: -1,
    isolationLevel,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }],
  });
  return ((response.topics as Message[])[0].partitions as Message[])[0].offset as bigint;
}

async function produce(
  client: RawClient,
  topic: string,
  records: Buffer,
  version: number,
  transactionalId: string | null,
) {
  const response = await client.request(API_KEYS.Produce, version, {
    transactionalId,
    acks: -1,
    timeoutMs: 10_000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  });
  return ((response.responses as Message[])[0].partitionResponses as Message[])[0];
}

/** Makes the transaction coordinator answer `answer` for every partition verification. */
function stubVerification(nagare: NagareUnderTest, answer: string | undefined): void {
  const holder = nagare.broker as unknown as { transactions?: Record<string, unknown> };
  holder.transactions ??= {};
  holder.transactions.verifyPartition = () => answer;
}

describe('transactions on the partition side', () => {
  let nagare: NagareUnderTest;
  let client: RawClient;

  before(async () => {
    nagare = await startNagare();
    client = await RawClient.connect(nagare.port);
  });
  after(async () => {
    client.destroy();
    await nagare.stop();
  });

  async function topicWithTransactions(topic: string) {
    await createTopic(client, topic, 1);
    const log = nagare.broker.partitions.get(topic, 0)!;
    await log.append(batch(10n, 0, ['plain'], false)); // 0, not transactional
    await log.append(batch(1n, 0, ['aborted-1', 'aborted-2'])); // 1-2
    await log.append(batch(2n, 0, ['committed'])); // 3
    return log;
  }

  it('read_committed stops at the LSO until the markers are written, then skips aborted data', async () => {
    const topic = 'txn-fetch';
    await topicWithTransactions(topic);
    let committed = await fetch(client, topic, READ_COMMITTED);
    assert.deepEqual(committed.values, ['plain']);
    assert.equal(committed.lastStableOffset, 1n);
    assert.equal(committed.highWatermark, 4n);
    assert.deepEqual(committed.abortedTransactions, []);
    assert.equal(await latest(client, topic, READ_COMMITTED), 1n);
    assert.equal(await latest(client, topic, READ_UNCOMMITTED), 4n);

    const uncommitted = await fetch(client, topic, READ_UNCOMMITTED);
    assert.deepEqual(uncommitted.values, ['plain', 'aborted-1', 'aborted-2', 'committed']);
    assert.equal(uncommitted.lastStableOffset, 1n);
    assert.equal(uncommitted.abortedTransactions, null);

    const aborted = await writeTxnMarkers(
      nagare.broker,
      { producerId: 1n, producerEpoch: 0, coordinatorEpoch: 0, commit: false },
      [{ topic, partition: 0 }],
    );
    assert.deepEqual([...aborted], [[partitionKey(topic, 0), undefined]]);
    committed = await fetch(client, topic, READ_COMMITTED);
    assert.equal(committed.lastStableOffset, 3n, "producer 2's open transaction now holds the LSO");
    assert.deepEqual(committed.abortedTransactions, [{ producerId: 1n, firstOffset: 1n }]);
    assert.deepEqual(committed.values, ['plain', 'aborted-1', 'aborted-2'], 'the consumer filters them out');
    assert.equal(committed.markers, 0, 'the abort marker (offset 4) is past the LSO');

    await writeTxnMarkers(
      nagare.broker,
      { producerId: 2n, producerEpoch: 0, coordinatorEpoch: 0, commit: true },
      [{ topic, partition: 0 }],
    );
    committed = await fetch(client, topic, READ_COMMITTED);
    assert.equal(committed.lastStableOffset, 6n);
    assert.equal(committed.highWatermark, 6n);
    assert.deepEqual(committed.values, ['plain', 'aborted-1', 'aborted-2', 'committed']);
    assert.equal(committed.markers, 2);
    assert.deepEqual(committed.abortedTransactions, [{ producerId: 1n, firstOffset: 1n }]);
    assert.equal(await latest(client, topic, READ_COMMITTED), 6n);

    const fromCommitted = await fetch(client, topic, READ_COMMITTED, 5n);
    assert.deepEqual(fromCommitted.abortedTransactions, [], 'the abort ended before the fetched range');
  });

  it('a read_committed long poll wakes when a marker moves the LSO', async () => {
    const topic = 'txn-long-poll';
    await createTopic(client, topic, 1);
    const log = nagare.broker.partitions.get(topic, 0)!;
    await log.append(batch(5n, 0, ['pending']));
    const started = Date.now();
    const polling = fetch(client, topic, READ_COMMITTED, 0n, { maxWaitMs: 15_000, minBytes: 1 });
    // Give the fetch time to start waiting: wait until the broker watches the partition.
    const deadline = Date.now() + 5000;
    while (nagare.broker.partitions.watchedPartitions === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writeTxnMarkers(
      nagare.broker,
      { producerId: 5n, producerEpoch: 0, coordinatorEpoch: 0, commit: true },
      [{ topic, partition: 0 }],
    );
    const result = await polling;
    assert.deepEqual(result.values, ['pending']);
    assert.ok(Date.now() - started < 10_000, 'answered on the marker, not at max.wait.ms');
  });

  it('DescribeProducers shows where an open transaction started and the coordinator epoch', async () => {
    const topic = 'txn-describe';
    await createTopic(client, topic, 1);
    const log = nagare.broker.partitions.get(topic, 0)!;
    await log.append(batch(7n, 0, ['a'], true, 3));
    await log.append(batch(8n, 0, ['b'], true, 1));
    await writeTxnMarkers(
      nagare.broker,
      { producerId: 8n, producerEpoch: 1, coordinatorEpoch: 4, commit: true },
      [{ topic, partition: 0 }],
    );
    const response = await client.request(API_KEYS.DescribeProducers, 0, {
      topics: [{ name: topic, partitionIndexes: [0] }],
    });
    const [p] = (response.topics as Message[])[0].partitions as Message[];
    assert.deepEqual(
      (p.activeProducers as Message[]).map((a) => [
        a.producerId,
        a.producerEpoch,
        a.coordinatorEpoch,
        a.currentTxnStartOffset,
      ]),
      [
        [7n, 3, -1, 0n],
        [8n, 1, 4, -1n],
      ],
    );
  });

  it('markers of an older producer or coordinator epoch, or for unknown partitions, are refused', async () => {
    const topic = 'txn-fenced';
    await createTopic(client, topic, 1);
    const log = nagare.broker.partitions.get(topic, 0)!;
    await log.append(batch(9n, 0, ['a'], true, 2));
    await writeTxnMarkers(
      nagare.broker,
      { producerId: 9n, producerEpoch: 2, coordinatorEpoch: 3, commit: false },
      [{ topic, partition: 0 }],
    );
    const end = log.logEndOffset;
    const results = await writeTxnMarkers(
      nagare.broker,
      { producerId: 9n, producerEpoch: 1, coordinatorEpoch: 3, commit: true },
      [
        { topic, partition: 0 },
        { topic: 'no-such-topic', partition: 0 },
      ],
    );
    assert.equal(results.get(partitionKey(topic, 0)), 'INVALID_PRODUCER_EPOCH');
    assert.equal(results.get(partitionKey('no-such-topic', 0)), 'UNKNOWN_TOPIC_OR_PARTITION');
    const zombie = await writeTxnMarkers(
      nagare.broker,
      { producerId: 9n, producerEpoch: 2, coordinatorEpoch: 2, commit: true },
      [{ topic, partition: 0 }],
    );
    assert.equal(zombie.get(partitionKey(topic, 0)), 'TRANSACTION_COORDINATOR_FENCED');
    assert.equal(log.logEndOffset, end, 'nothing was written');
  });

  it('Produce accepts a transactional batch only in a partition its transaction holds', async () => {
    const topic = 'txn-produce';
    await createTopic(client, topic, 1);
    const noId = await produce(client, topic, batch(20n, 0, ['x']), 11, null);
    assert.equal(noId.errorCode, ERRORS.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);

    stubVerification(nagare, 'TRANSACTION_ABORTABLE');
    const v11 = await produce(client, topic, batch(20n, 0, ['x']), 11, 'tx-20');
    assert.equal(v11.errorCode, ERRORS.TRANSACTION_ABORTABLE.code);
    const v10 = await produce(client, topic, batch(20n, 0, ['x']), 10, 'tx-20');
    assert.equal(v10.errorCode, ERRORS.INVALID_TXN_STATE.code);
    assert.equal(v10.errorMessage, 'Partition was not added to the transaction');
    stubVerification(nagare, 'CONCURRENT_TRANSACTIONS');
    const busy = await produce(client, topic, batch(20n, 0, ['x']), 11, 'tx-20');
    assert.equal(busy.errorCode, ERRORS.NOT_ENOUGH_REPLICAS.code);

    stubVerification(nagare, undefined);
    const accepted = await produce(client, topic, batch(20n, 0, ['x', 'y']), 11, 'tx-20');
    assert.equal(accepted.errorCode, 0);
    stubVerification(nagare, 'TRANSACTION_ABORTABLE');
    const more = await produce(client, topic, batch(20n, 2, ['z']), 11, 'tx-20');
    assert.equal(more.errorCode, 0, 'a partition the transaction already wrote to needs no verification');
    const plain = await produce(client, topic, batch(20n, 3, ['w'], false), 11, null);
    assert.equal(
      plain.errorCode,
      ERRORS.INVALID_TXN_STATE.code,
      'no plain writes inside an open transaction',
    );
    const retried = await produce(client, topic, batch(20n, 0, ['x', 'y']), 11, 'tx-20');
    assert.deepEqual([retried.errorCode, retried.baseOffset], [0, 0n], 'a retried batch is a duplicate');
    assert.equal(await latest(client, topic, READ_COMMITTED), 0n);
  });
});

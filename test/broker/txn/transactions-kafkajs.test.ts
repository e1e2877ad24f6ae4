import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';

// kafkajs' transactional producer against the broker end to end: commits and aborts through the
// transaction coordinator, markers in the partitions, and consumers at both isolation levels.

const { Kafka, logLevel } = kafkajs;

const overrides = {
  'transaction.state.log.num.partitions': '3',
  'offsets.topic.num.partitions': '3',
  'group.initial.rebalance.delay.ms': '0',
};

describe('transactions with kafkajs', () => {
  let nagare: NagareUnderTest;
  let kafka: InstanceType<typeof Kafka>;
  before(async () => {
    nagare = await startNagare({ overrides });
    kafka = new Kafka({ clientId: 'txn-test', brokers: [nagare.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'payments', numPartitions: 2 }, { topic: 'fenced' }] });
    await admin.disconnect();
  });
  after(() => nagare?.stop());

  /** A connected transactional producer (kafkajs asks for idempotence and one request in flight). */
  async function transactionalProducer(transactionalId: string) {
    const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return producer;
  }

  /** Every value of the topic a new consumer group reads at this isolation level. */
  async function readAll(groupId: string, readUncommitted: boolean, expected: number): Promise<string[]> {
    const consumer = kafka.consumer({ groupId, readUncommitted, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'payments', fromBeginning: true });
    const seen: string[] = [];
    let done: () => void = () => {};
    const enough = new Promise<void>((resolve) => {
      done = resolve;
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(String(message.value));
        if (seen.length >= expected) done();
      },
    });
    await Promise.race([enough, new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
    await consumer.disconnect();
    return seen.sort();
  }

  it('read_committed consumers see committed transactions only; read_uncommitted see aborted ones too', async () => {
    const producer = await transactionalProducer('payments-tx');
    const first = await producer.transaction();
    await first.send({
      topic: 'payments',
      messages: [
        { value: 'c1', partition: 0 },
        { value: 'c2', partition: 1 },
      ],
    });
    await first.commit();
    const aborted = await producer.transaction();
    await aborted.send({ topic: 'payments', messages: [{ value: 'a1', partition: 0 }] });
    await aborted.abort();
    const last = await producer.transaction();
    await last.send({ topic: 'payments', messages: [{ value: 'c3', partition: 1 }] });
    await last.commit();
    await producer.disconnect();

    // A transaction left open blocks read_committed consumers at its first offset.
    const open = await transactionalProducer('payments-open');
    const pending = await open.transaction();
    await pending.send({ topic: 'payments', messages: [{ value: 'o1', partition: 0 }] });

    assert.deepEqual(await readAll('committed', false, 3), ['c1', 'c2', 'c3']);
    assert.deepEqual(await readAll('uncommitted', true, 5), ['a1', 'c1', 'c2', 'c3', 'o1']);
    await pending.commit();
    await open.disconnect();
    assert.deepEqual(await readAll('committed-after', false, 4), ['c1', 'c2', 'c3', 'o1']);
  });

  it('a new producer instance with the same transactional id fences the old one', async () => {
    const zombie = await transactionalProducer('fencing');
    const zombieTxn = await zombie.transaction();
    await zombieTxn.send({ topic: 'fenced', messages: [{ value: 'zombie' }] });
    const successor = await transactionalProducer('fencing');
    // Its InitProducerId aborts the zombie's transaction and bumps the epoch.
    const txn = await successor.transaction();
    await assert.rejects(zombieTxn.commit(), (err: Error & { type?: string }) => {
      assert.match(`${err.type}`, /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/);
      return true;
    });
    await txn.send({ topic: 'fenced', messages: [{ value: 'successor' }] });
    await txn.commit();
    await successor.disconnect();
    await zombie.disconnect();
  });
});

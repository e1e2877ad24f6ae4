import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Producer, stringSerializers } from '@platformatic/kafka';
import type { Message } from '../../../src/protocol/codec.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { createTopic, withRawClient } from '../../support/raw-client.ts';

describe('DescribeProducers', () => {
  let nagare: NagareUnderTest;
  before(async () => {
    nagare = await startNagare();
    await withRawClient(nagare.port, (client) => createTopic(client, 'producers', 2));
  });
  after(() => nagare?.stop());

  it("reports each idempotent producer's epoch, last sequence and last timestamp; errors per partition", async () => {
    const producer = new Producer({
      clientId: 'describe-producers',
      bootstrapBrokers: [nagare.bootstrap],
      serializers: stringSerializers,
      idempotent: true,
    });
    for (const timestamp of [1000n, 2000n]) {
      await producer.send({
        messages: [
          { topic: 'producers', partition: 0, value: 'a', timestamp },
          { topic: 'producers', partition: 0, value: 'b', timestamp: timestamp + 5n },
        ],
      });
    }
    await producer.close();
    const response = await withRawClient(nagare.port, (c) =>
      c.request(API_KEYS.DescribeProducers, 0, {
        topics: [
          { name: 'producers', partitionIndexes: [0, 1, 9] },
          { name: 'missing', partitionIndexes: [0] },
          { name: 'bad name', partitionIndexes: [0] },
        ],
      }),
    );
    const [topic, missing, invalid] = response.topics as Message[];
    const [written, idle, absent] = topic.partitions as Message[];
    assert.equal(written.errorCode, 0);
    const [state] = written.activeProducers as Message[];
    assert.equal((written.activeProducers as Message[]).length, 1);
    assert.deepEqual(
      { ...state, producerId: typeof state.producerId },
      {
        producerId: 'bigint',
        producerEpoch: 0,
        lastSequence: 3,
        lastTimestamp: 2005n,
        coordinatorEpoch: -1,
        currentTxnStartOffset: -1n,
      },
    );
    assert.deepEqual([idle.errorCode, idle.activeProducers], [0, []]);
    assert.deepEqual([absent.errorCode, absent.errorMessage], [3, null]);
    const [missingPartition] = missing.partitions as Message[];
    assert.deepEqual(
      [missingPartition.errorCode, missingPartition.errorMessage],
      [3, 'This server does not host this topic-partition.'],
    );
    assert.equal((invalid.partitions as Message[])[0].errorCode, 17);
  });
});

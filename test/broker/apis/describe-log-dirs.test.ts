import assert from 'node:assert/strict';
import { isAbsolute } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Producer, stringSerializers } from '@platformatic/kafka';
import type { Message } from '../../../src/protocol/codec.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { createTopic, withRawClient } from '../../support/raw-client.ts';

describe('DescribeLogDirs', () => {
  let nagare: NagareUnderTest;
  before(async () => {
    nagare = await startNagare();
    await withRawClient(nagare.port, async (client) => {
      await createTopic(client, 'dld-one', 2);
      await createTopic(client, 'dld-two', 1);
    });
    const producer = new Producer({
      clientId: 'dld',
      bootstrapBrokers: [nagare.bootstrap],
      serializers: stringSerializers,
    });
    await producer.send({ messages: [{ topic: 'dld-one', partition: 1, key: 'k', value: 'a value' }] });
    await producer.close();
  });
  after(() => nagare?.stop());

  const sizes = (result: Message) =>
    Object.fromEntries(
      (result.topics as Message[]).flatMap((t) =>
        (t.partitions as Message[]).map((p) => [
          `${t.name}-${p.partitionIndex}`,
          [Number(p.partitionSize), p.offsetLag, p.isFutureKey],
        ]),
      ),
    );

  it('lists every partition with the size of its segments, no lag, no future log, and the volume sizes', async () => {
    const response = await withRawClient(nagare.port, (c) =>
      c.request(API_KEYS.DescribeLogDirs, 4, { topics: null }),
    );
    assert.equal(response.errorCode, 0);
    const [result] = response.results as Message[];
    assert.equal(result.errorCode, 0);
    assert.ok(isAbsolute(result.logDir as string));
    const written = nagare.broker.partitions.get('dld-one', 1)?.size ?? 0;
    assert.ok(written > 0);
    assert.deepEqual(sizes(result), {
      'dld-one-0': [0, 0n, false],
      'dld-one-1': [written, 0n, false],
      'dld-two-0': [0, 0n, false],
    });
    assert.ok((result.totalBytes as bigint) > 0n);
    assert.ok(
      (result.usableBytes as bigint) > 0n && (result.usableBytes as bigint) <= (result.totalBytes as bigint),
    );
  });

  it('describes only the partitions asked for that exist here; v0 has no volume sizes', async () => {
    const response = await withRawClient(nagare.port, (c) =>
      c.request(API_KEYS.DescribeLogDirs, 0, {
        topics: [
          { topic: 'dld-one', partitions: [1, 7] },
          { topic: 'dld-missing', partitions: [0] },
        ],
      }),
    );
    const [result] = response.results as Message[];
    assert.deepEqual(Object.keys(sizes(result)), ['dld-one-1']);
    assert.equal(result.totalBytes, -1n);
  });
});

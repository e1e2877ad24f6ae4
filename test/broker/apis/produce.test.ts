// Produce as a client sees it, through @platformatic/kafka's own request encoder: what a compacted topic
// does with records that have no key (librdkafka's 0011_produce_batch checks the same), and batches no
// segment of the partition could hold.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Connection, createTopicsV7, listOffsetsV9, produceV9 } from '@platformatic/kafka';
import { responseOf, withConnection } from '../../support/kafka-requests.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';

const INVALID_RECORD = 87;
/** Kafka's RECORD_LIST_TOO_LARGE (RecordBatchTooLargeException). */
const RECORD_BATCH_TOO_LARGE = 18;

async function createTopic(c: Connection, name: string, configs: Record<string, string>) {
  const response = await responseOf(
    createTopicsV7.api.async(
      c,
      [
        {
          name,
          numPartitions: 1,
          replicationFactor: 1,
          assignments: [],
          configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
        },
      ],
      10_000,
      false,
    ),
  );
  assert.equal(response.topics[0].errorCode, 0);
}

/** Records in one batch; `undefined` keys are sent as null keys. */
async function produce(
  c: Connection,
  topic: string,
  keys: Array<string | undefined>,
  compression: 'none' | 'gzip' = 'none',
) {
  const messages = keys.map((key, i) => ({
    topic,
    partition: 0,
    key: key === undefined ? undefined : Buffer.from(key),
    value: Buffer.from(`value ${i}`),
  }));
  const response = await responseOf(produceV9.api.async(c, -1, 10_000, messages, { compression }));
  if (typeof response === 'boolean') throw new Error('no produce response');
  return response.responses[0].partitionResponses[0];
}

/** One record of `size` bytes of value, in a batch of its own. */
async function produceSized(
  c: Connection,
  topic: string,
  size: number,
  compression: 'none' | 'gzip' = 'none',
) {
  const messages = [{ topic, partition: 0, key: Buffer.from('k'), value: Buffer.alloc(size, 'x') }];
  const response = await responseOf(produceV9.api.async(c, -1, 10_000, messages, { compression }));
  if (typeof response === 'boolean') throw new Error('no produce response');
  return response.responses[0].partitionResponses[0];
}

async function endOffset(c: Connection, topic: string): Promise<bigint> {
  const response = await listOffsetsV9.api.async(c, -1, 0, [
    { name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] },
  ]);
  return response.topics[0].partitions[0].offset;
}

describe('Produce to a compacted topic', () => {
  let nagare: NagareUnderTest;
  before(async () => {
    nagare = await startNagare();
  });
  after(() => nagare.stop());

  for (const compression of ['none', 'gzip'] as const) {
    it(`refuses a batch (${compression}) with keyless records, naming each of them, and stores none of it`, async () => {
      await withConnection(nagare, async (c) => {
        const topic = `compacted-${compression}`;
        await createTopic(c, topic, { 'cleanup.policy': 'compact' });
        const refused = await produce(
          c,
          topic,
          [undefined, 'k1', 'k2', undefined, undefined, undefined],
          compression,
        );
        assert.equal(refused.errorCode, INVALID_RECORD);
        const why = `Compacted topic cannot accept message without key in topic partition ${topic}-0`;
        assert.deepEqual(
          refused.recordErrors,
          [0, 3, 4, 5].map((batchIndex) => ({ batchIndex, batchIndexErrorMessage: why })),
        );
        assert.equal(
          refused.errorMessage,
          'One or more records have been rejected due to 4 record errors in total, and only showing the first ' +
            `three errors at most: [RecordError(batchIndex=0, message='${why}'), ` +
            `RecordError(batchIndex=3, message='${why}'), RecordError(batchIndex=4, message='${why}')]`,
        );
        assert.equal(await endOffset(c, topic), 0n, 'nothing of the refused batch is stored');

        const accepted = await produce(c, topic, ['k1', 'k2'], compression);
        assert.deepEqual([accepted.errorCode, accepted.baseOffset, accepted.recordErrors], [0, 0n, []]);
      });
    });
  }

  it('a topic that also deletes (compact,delete) refuses them too; a delete-only topic takes them', async () => {
    await withConnection(nagare, async (c) => {
      await createTopic(c, 'compact-delete', { 'cleanup.policy': 'compact,delete' });
      assert.equal((await produce(c, 'compact-delete', ['k', undefined])).errorCode, INVALID_RECORD);
      await createTopic(c, 'delete-only', { 'cleanup.policy': 'delete' });
      assert.equal((await produce(c, 'delete-only', [undefined])).errorCode, 0);
    });
  });
});

// Kafka 4.3.1 answers these the same (test/compat/differential.test.ts compares them).
describe('Produce of a batch larger than a segment', () => {
  let nagare: NagareUnderTest;
  before(async () => {
    nagare = await startNagare();
  });
  after(() => nagare.stop());

  it('is refused with RECORD_BATCH_TOO_LARGE and no message; nothing of it is stored', async () => {
    await withConnection(nagare, async (c) => {
      await createTopic(c, 'tiny-segments', { 'internal.segment.bytes': '1000' });
      const refused = await produceSized(c, 'tiny-segments', 2000);
      assert.deepEqual([refused.errorCode, refused.errorMessage], [RECORD_BATCH_TOO_LARGE, null]);
      assert.equal(await endOffset(c, 'tiny-segments'), 0n);
      assert.equal((await produceSized(c, 'tiny-segments', 900)).errorCode, 0);
    });
  });

  it('counts the batch as stored: compressed by the producer, or by the topic', async () => {
    await withConnection(nagare, async (c) => {
      await createTopic(c, 'tiny-segments-gzip', {
        'internal.segment.bytes': '1000',
        'compression.type': 'gzip',
      });
      assert.equal((await produceSized(c, 'tiny-segments-gzip', 5000)).errorCode, 0);
      await createTopic(c, 'tiny-segments-producer', { 'internal.segment.bytes': '1000' });
      assert.equal((await produceSized(c, 'tiny-segments-producer', 5000, 'gzip')).errorCode, 0);
      assert.equal(await endOffset(c, 'tiny-segments-producer'), 1n);
    });
  });

  it('takes segment.bytes when internal.segment.bytes is not set', async () => {
    await withConnection(nagare, async (c) => {
      await createTopic(c, 'mib-segments', { 'segment.bytes': '1048576', 'max.message.bytes': '2000000' });
      const refused = await produceSized(c, 'mib-segments', 1_100_000);
      assert.equal(refused.errorCode, RECORD_BATCH_TOO_LARGE);
      assert.equal((await produceSized(c, 'mib-segments', 1_000_000)).errorCode, 0);
    });
  });
});

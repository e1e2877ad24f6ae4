// DeleteRecords (key 21): moves a partition's log start offset forward (offset -1 = the high
// watermark); whole segments below it are removed. Refused on compacted-only topics, as in Kafka, whose
// records are removed by the cleaner, not by position.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import type { ApiDefinition } from './api.ts';

const HIGH_WATERMARK = -1n;

async function deleteBefore(broker: Broker, topicName: string, partition: number, offset: bigint) {
  const answer = (errorCode: number, lowWatermark = -1n) => ({
    partitionIndex: partition,
    lowWatermark,
    errorCode,
  });
  const topic = broker.metadata.topic(topicName);
  const log = topic && broker.partitions.get(topicName, partition);
  if (!topic || !log) return answer(ERRORS.UNKNOWN_TOPIC_OR_PARTITION.code);
  const { cleanupPolicy } = broker.topicSettings(topic);
  if (cleanupPolicy.compact && !cleanupPolicy.delete) return answer(ERRORS.POLICY_VIOLATION.code);
  const result = await log.deleteRecordsBefore(offset === HIGH_WATERMARK ? log.highWatermark : offset);
  if ('error' in result) return answer(ERRORS.OFFSET_OUT_OF_RANGE.code);
  return answer(0, result.logStartOffset);
}

export const deleteRecordsApi: ApiDefinition = {
  key: API_KEYS.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  async handle(body, ctx) {
    const topics = [];
    for (const t of body.topics as Message[]) {
      const partitions = [];
      for (const p of t.partitions as Message[]) {
        partitions.push(await deleteBefore(ctx.broker, t.name, p.partitionIndex, p.offset));
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
};

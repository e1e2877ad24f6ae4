// DescribeLogDirs (key 35): the broker's one log directory with the size of each partition's segments,
// as kafka-log-dirs and kafka-reassign-partitions read it. A single node has no follower and no future
// (moving) logs, so every offset lag is 0 and isFuture false; the volume's sizes come from statfs.
import { statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import type { ApiDefinition } from './api.ts';

interface RequestedTopic {
  topic: string;
  partitions: number[];
}

/** The partitions asked for (all of them when `requested` is null) that this broker has, by topic. */
export function describedPartitions(
  broker: Broker,
  requested: readonly RequestedTopic[] | null,
): { name: string; partitions: { partitionIndex: number; partitionSize: bigint }[] }[] {
  const wanted =
    requested ??
    [...broker.metadata.topics()].map((topic) => ({
      topic: topic.name,
      partitions: Array.from({ length: topic.partitions }, (_, index) => index),
    }));
  const topics = [];
  for (const { topic, partitions } of wanted) {
    const present = [];
    for (const index of new Set(partitions)) {
      const log = broker.partitions.get(topic, index);
      if (log) present.push({ partitionIndex: index, partitionSize: BigInt(log.size) });
    }
    if (present.length > 0) topics.push({ name: topic, partitions: present });
  }
  return topics;
}

export const describeLogDirsApi: ApiDefinition = {
  key: API_KEYS.DescribeLogDirs,
  minVersion: 0,
  maxVersion: 4,
  async handle(body, ctx) {
    const { broker } = ctx;
    const logDir = resolve(broker.settings.logDirs[0]);
    const topics = describedPartitions(broker, body.topics as RequestedTopic[] | null).map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((partition) => ({ ...partition, offsetLag: 0n, isFutureKey: false })),
    }));
    let volume = { totalBytes: -1n, usableBytes: -1n, errorCode: ERRORS.NONE.code };
    try {
      const stats = await statfs(logDir, { bigint: true });
      volume = {
        totalBytes: stats.blocks * stats.bsize,
        usableBytes: stats.bavail * stats.bsize,
        errorCode: 0,
      };
    } catch {
      // Kafka reports a directory it cannot read as offline.
      volume = { totalBytes: -1n, usableBytes: -1n, errorCode: ERRORS.KAFKA_STORAGE_ERROR.code };
    }
    const { errorCode, ...sizes } = volume;
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      results: [{ errorCode, logDir, topics: errorCode === 0 ? topics : [], ...sizes }],
    };
  },
};

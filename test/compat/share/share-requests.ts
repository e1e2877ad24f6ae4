// Share group requests at the versions Kafka 4.3 serves (ShareGroupHeartbeat, ShareFetch and
// ShareAcknowledge v1), for tests that drive Nagare or Apache Kafka through RawClient.
import type { Message } from '../../../src/protocol/codec.ts';
import { parseBatchSync, splitBatches } from '../../../src/protocol/records/index.ts';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import type { RawClient } from '../../support/raw-client.ts';

export function shareHeartbeat(client: RawClient, body: Message): Promise<Message> {
  return client.request(API_KEYS.ShareGroupHeartbeat, 1, {
    memberEpoch: 0,
    rackId: null,
    subscribedTopicNames: null,
    ...body,
  });
}

export interface ShareFetchBody {
  groupId: string;
  memberId: string;
  epoch: number;
  topicId: string;
  partitions: number[];
  maxWaitMs?: number;
}

export function shareFetch(client: RawClient, o: ShareFetchBody): Promise<Message> {
  return client.request(API_KEYS.ShareFetch, 1, {
    groupId: o.groupId,
    memberId: o.memberId,
    shareSessionEpoch: o.epoch,
    maxWaitMs: o.maxWaitMs ?? 0,
    minBytes: 1,
    maxBytes: 1024 * 1024,
    maxRecords: 500,
    batchSize: 500,
    topics: [
      {
        topicId: o.topicId,
        partitions: o.partitions.map((partitionIndex) => ({ partitionIndex, acknowledgementBatches: [] })),
      },
    ],
    forgottenTopicsData: [],
  });
}

export function shareAcknowledge(client: RawClient, o: ShareFetchBody): Promise<Message> {
  return client.request(API_KEYS.ShareAcknowledge, 1, {
    groupId: o.groupId,
    memberId: o.memberId,
    shareSessionEpoch: o.epoch,
    topics: [
      {
        topicId: o.topicId,
        partitions: o.partitions.map((partitionIndex) => ({
          partitionIndex,
          acknowledgementBatches: [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [1] }],
        })),
      },
    ],
  });
}

/** The values of the records a ShareFetch response acquired, in partition and offset order. */
export function acquiredValues(response: Message): string[] {
  const values: string[] = [];
  for (const topic of response.responses as Message[]) {
    for (const p of topic.partitions as Message[]) {
      const ranges = (p.acquiredRecords as Message[]).map((r) => [
        r.firstOffset as bigint,
        r.lastOffset as bigint,
      ]);
      const split = splitBatches((p.records as Buffer | null) ?? Buffer.alloc(0));
      if (!split.ok) throw new Error('ShareFetch returned a bad record set');
      for (const batch of split.batches) {
        for (const record of parseBatchSync(batch).records) {
          if (ranges.some(([first, last]) => record.offset >= first && record.offset <= last))
            values.push(record.value?.toString() ?? '');
        }
      }
    }
  }
  return values;
}

// Writing transaction markers (Kafka's WriteTxnMarkers, done in-process on a single node): when a
// transaction commits or aborts, the coordinator has an end-transaction marker (a control batch) appended
// to every partition of the transaction. Appending it completes the producer's transaction in that
// partition's producer state (the log applies it as it writes), so the last stable offset moves and an
// abort lands in the aborted-transaction index; long-polling fetches are woken, and for
// `__consumer_offsets` partitions the group coordinator materialises or drops the transaction's offsets.
import type { ErrorName } from '../../protocol/errors.ts';
import { buildEndTxnMarkerBatch } from '../../protocol/records/control.ts';
import type { Broker } from '../broker.ts';
import { partitionKey } from '../partition-manager.ts';

export interface TxnMarker {
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  commit: boolean;
}

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

const CONSUMER_OFFSETS = '__consumer_offsets';

/** What the group coordinator does with a marker written to one of its partitions (T3's groups). */
interface TxnMarkerListener {
  onTxnMarker(partition: number, marker: TxnMarker): void | Promise<void>;
}

function markerListenerOf(broker: Broker): TxnMarkerListener | undefined {
  const groups = broker.groups as unknown as Partial<TxnMarkerListener>;
  return typeof groups.onTxnMarker === 'function' ? (groups as TxnMarkerListener) : undefined;
}

/**
 * Appends the marker to each partition. The answer maps `topic-partition` to undefined (written) or the
 * error Kafka gives: UNKNOWN_TOPIC_OR_PARTITION, INVALID_PRODUCER_EPOCH for an epoch older than the
 * producer's current one there, TRANSACTION_COORDINATOR_FENCED for an older coordinator epoch,
 * KAFKA_STORAGE_ERROR when the write failed.
 */
export async function writeTxnMarkers(
  broker: Broker,
  marker: TxnMarker,
  partitions: readonly TopicPartitionRef[],
): Promise<Map<string, ErrorName | undefined>> {
  const results = await Promise.all(
    partitions.map(async ({ topic, partition }) => {
      const key = partitionKey(topic, partition);
      return [key, await writeMarker(broker, marker, topic, partition, key)] as const;
    }),
  );
  return new Map(results);
}

async function writeMarker(
  broker: Broker,
  marker: TxnMarker,
  topic: string,
  partition: number,
  key: string,
): Promise<ErrorName | undefined> {
  const log = broker.partitions.get(topic, partition);
  if (!log) return 'UNKNOWN_TOPIC_OR_PARTITION';
  const refused = log.producerState.checkMarker(
    marker.producerId,
    marker.producerEpoch,
    marker.coordinatorEpoch,
  );
  if (refused) return refused;
  const batch = buildEndTxnMarkerBatch({ ...marker, timestamp: BigInt(Date.now()) });
  try {
    await log.append(batch);
  } catch (error) {
    broker.logger.error({ err: error, partition: key }, 'could not write a transaction marker');
    return 'KAFKA_STORAGE_ERROR';
  }
  broker.partitions.notify(key);
  if (topic === CONSUMER_OFFSETS) await markerListenerOf(broker)?.onTxnMarker(partition, marker);
  return undefined;
}

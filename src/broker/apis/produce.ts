// Produce (key 0): validates each partition's record batch (framing, CRC, counts, size, sequence, keys
// on compacted topics) and appends it as received, bytes untouched except the offsets (and the
// timestamp for LogAppendTime topics). Errors are answered per partition; the other partitions of the
// request still succeed. A transactional batch is accepted only in a partition its transaction already
// holds, or one the transaction coordinator confirms was added to it (KIP-890 part 1 verification); from
// v12 (transaction version 2, KIP-890 part 2) the broker adds the partition to the transaction itself.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';
import { type ParsedBatch, parseBatch } from '../../protocol/records/batch.ts';
import { RecordBatchError } from '../../protocol/records/batch-error.ts';
import {
  ATTR_TRANSACTIONAL,
  type BatchHeader,
  COMPRESSION,
  compressionOf,
} from '../../protocol/records/batch-header.ts';
import { recompressBatch } from '../../protocol/records/recompress.ts';
import { splitBatches, validateBatch } from '../../protocol/records/validate.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import type { TopicConfig } from '../config/topic-config.ts';
import { partitionKey } from '../partition-manager.ts';
import { ConnectionFatalError } from '../server/connection.ts';
import type { TopicPartition } from '../txn/transaction-state.ts';
import { CLIENT_TRANSACTION_VERSION_2, clientTransactionVersionOf } from '../txn/transaction-version.ts';
import type { ApiDefinition } from './api.ts';

/** Kafka 4 advertises Produce from v0 (KAFKA-18659) but refuses v0-2: they carry the legacy formats. */
const FIRST_SERVED_VERSION = 3;
/** zstd needs Produce v7+, so that older clients are not sent data they cannot read. */
const FIRST_ZSTD_VERSION = 7;
const VALID_ACKS = new Set([0, 1, -1]);

/** compression.type values that make the broker rewrite batches; 'producer' keeps what was sent. */
const TOPIC_CODECS: Record<string, number | undefined> = {
  uncompressed: COMPRESSION.none,
  gzip: COMPRESSION.gzip,
  snappy: COMPRESSION.snappy,
  lz4: COMPRESSION.lz4,
  zstd: COMPRESSION.zstd,
};

function levelFor(settings: TopicConfig, codec: number): number | undefined {
  if (codec === COMPRESSION.gzip) return settings.compressionGzipLevel;
  if (codec === COMPRESSION.zstd) return settings.compressionZstdLevel;
  return undefined;
}

/** One refused record of a batch, by its position in the batch (Produce v8+ recordErrors). */
interface RecordError {
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

interface PartitionOutcome {
  index: number;
  errorCode: number;
  errorMessage: string | null;
  baseOffset: bigint;
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  recordErrors: RecordError[];
}

function failure(
  index: number,
  error: ErrorName,
  message: string | null = null,
  recordErrors: RecordError[] = [],
): PartitionOutcome {
  return {
    index,
    errorCode: ERRORS[error].code,
    errorMessage: message,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    recordErrors,
  };
}

/**
 * Kafka's LogValidator refuses a batch with records without a key on a compacted topic (the cleaner
 * could never compact them), naming every such record and summing up the first three in the message.
 */
function keylessRecords(parsed: ParsedBatch, topic: string, index: number): PartitionOutcome | undefined {
  const message = `Compacted topic cannot accept message without key in topic partition ${topic}-${index}`;
  const recordErrors = parsed.records.flatMap((record, batchIndex) =>
    record.key === null ? [{ batchIndex, batchIndexErrorMessage: message }] : [],
  );
  if (recordErrors.length === 0) return undefined;
  const shown = recordErrors
    .slice(0, 3)
    .map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.batchIndexErrorMessage}')`);
  return failure(
    index,
    'INVALID_RECORD',
    `One or more records have been rejected due to ${recordErrors.length} record errors in total, and only showing the first three errors at most: [${shown.join(', ')}]`,
    recordErrors,
  );
}

/** Produce v11 brought TRANSACTION_ABORTABLE for a partition the transaction does not hold (KIP-890). */
const FIRST_ABORTABLE_VERSION = 11;
/** Coordinator errors older clients would not retry on Produce: Kafka answers NOT_ENOUGH_REPLICAS instead. */
const RETRIABLE_VERIFICATION_ERRORS = new Set<ErrorName>([
  'CONCURRENT_TRANSACTIONS',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'NETWORK_EXCEPTION',
]);

/**
 * The partitions a v12+ request writes to outside their transaction, added in one call per producer once
 * every partition of the request has been seen (they all reach the check in the same tick), as Kafka's
 * broker sends one AddPartitionsToTxn for a request.
 */
class AddsOnWrite {
  readonly #broker: Broker;
  readonly #transactionalId: string;
  readonly #batches = new Map<
    string,
    { partitions: TopicPartition[]; result: Promise<ErrorName | undefined> }
  >();

  constructor(broker: Broker, transactionalId: string) {
    this.#broker = broker;
    this.#transactionalId = transactionalId;
  }

  add(
    producerId: bigint,
    producerEpoch: number,
    topic: string,
    partition: number,
  ): Promise<ErrorName | undefined> {
    const key = `${producerId}:${producerEpoch}`;
    let batch = this.#batches.get(key);
    if (!batch) {
      const partitions: TopicPartition[] = [];
      const result = Promise.resolve().then(() => {
        this.#batches.delete(key);
        return this.#broker.transactions.addPartitionsOnWrite(
          this.#transactionalId,
          producerId,
          producerEpoch,
          partitions,
        );
      });
      batch = { partitions, result };
      this.#batches.set(key, batch);
    }
    batch.partitions.push({ topic, partition });
    return batch.result;
  }
}

/**
 * Refuses a transactional batch unless its transaction holds the partition: one it already wrote to here
 * (Kafka skips verification then), or one the coordinator says was added to it (v12+: adds it to);
 * errors as Kafka's broker turns the coordinator's answers into Produce errors.
 */
async function refusedTransactionalBatch(
  broker: Broker,
  header: BatchHeader,
  transactionalId: string | null,
  topic: string,
  index: number,
  version: number,
  adds: AddsOnWrite | undefined,
): Promise<PartitionOutcome | undefined> {
  if (transactionalId === null) {
    return failure(
      index,
      'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
      'Transactional records need a transactional id',
    );
  }
  const key = partitionKey(topic, index);
  if (broker.producers.hasOngoingTransaction(key, header.producerId, header.producerEpoch)) return undefined;
  const error: ErrorName | undefined = adds
    ? await adds.add(header.producerId, header.producerEpoch, topic, index)
    : broker.transactions.verifyPartition(
        transactionalId,
        header.producerId,
        header.producerEpoch,
        topic,
        index,
      );
  if (error === undefined) return undefined;
  // Producers expect an epoch error when fenced, and clients before v11 an invalid state.
  if (error === 'PRODUCER_FENCED') return failure(index, 'INVALID_PRODUCER_EPOCH');
  if (error === 'TRANSACTION_ABORTABLE' && version < FIRST_ABORTABLE_VERSION) {
    return failure(index, 'INVALID_TXN_STATE', 'Partition was not added to the transaction');
  }
  if (RETRIABLE_VERIFICATION_ERRORS.has(error)) {
    return failure(
      index,
      'NOT_ENOUGH_REPLICAS',
      `Unable to verify the partition has been added to the transaction. Underlying error: ${error}`,
    );
  }
  return failure(index, error);
}

async function produceToPartition(
  broker: Broker,
  topicName: string,
  index: number,
  records: Buffer | null,
  version: number,
  transactionalId: string | null,
  adds: AddsOnWrite | undefined,
): Promise<PartitionOutcome> {
  const topic = broker.metadata.topic(topicName);
  const log = topic && broker.partitions.get(topicName, index);
  if (!topic || !log) return failure(index, 'UNKNOWN_TOPIC_OR_PARTITION');
  if (!records || records.length === 0)
    return failure(index, 'INVALID_RECORD', 'The produce request carries no record batch');
  const split = splitBatches(records);
  if (!split.ok) return failure(index, split.error.code, split.error.message);
  if (split.batches.length !== 1) {
    return failure(
      index,
      'INVALID_RECORD',
      'Produce requests with version 3+ must carry exactly one record batch per partition',
    );
  }
  const batch = split.batches[0];
  const checked = validateBatch(batch, 0, { origin: 'client' });
  if (!checked.ok) return failure(index, checked.error.code, checked.error.message);
  const { header } = checked;
  const settings = broker.topicSettings(topic);
  const logAppendTime = settings.timestampType === 'LogAppendTime';
  if (batch.length > settings.maxMessageBytes) {
    return failure(
      index,
      'MESSAGE_TOO_LARGE',
      `The batch is ${batch.length} bytes, larger than max.message.bytes ${settings.maxMessageBytes} of topic ${topicName}`,
    );
  }
  const codec = compressionOf(header.attributes);
  if (codec === COMPRESSION.zstd && version < FIRST_ZSTD_VERSION) {
    return failure(index, 'UNSUPPORTED_COMPRESSION_TYPE', 'zstd compression needs Produce v7 or later');
  }
  if (header.attributes & ATTR_TRANSACTIONAL) {
    const refused = await refusedTransactionalBatch(
      broker,
      header,
      transactionalId,
      topicName,
      index,
      version,
      adds,
    );
    if (refused) return refused;
  }
  const now = BigInt(Date.now());
  if (!logAppendTime) {
    const tooLate = BigInt(Math.min(settings.messageTimestampAfterMaxMs, Number.MAX_SAFE_INTEGER));
    const tooEarly = BigInt(Math.min(settings.messageTimestampBeforeMaxMs, Number.MAX_SAFE_INTEGER));
    if (header.maxTimestamp > now + tooLate || header.baseTimestamp < now - tooEarly) {
      return failure(
        index,
        'INVALID_TIMESTAMP',
        `Timestamp ${header.maxTimestamp} of a record is out of range: see message.timestamp.before.max.ms / after.max.ms of topic ${topicName}`,
      );
    }
  }
  let batchToAppend = batch;
  const target = TOPIC_CODECS[settings.compression];
  const recompress = target !== undefined && target !== codec;
  const compacted = settings.cleanupPolicy.compact;
  // Uncompressed records were checked by validateBatch; compressed ones are decompressed and checked
  // here, like Kafka's LogValidator, so that no batch a consumer cannot read is stored. A compacted
  // topic needs the records' keys, so its batches are read whatever their codec.
  if (codec !== COMPRESSION.none || recompress || compacted) {
    try {
      const parsed = await parseBatch(batch, 0, { maxOutputLength: broker.settings.socketRequestMaxBytes });
      const refused = compacted ? keylessRecords(parsed, topicName, index) : undefined;
      if (refused) return refused;
      if (recompress) batchToAppend = await recompressBatch(parsed, target, levelFor(settings, target));
    } catch (err) {
      if (err instanceof RecordBatchError) return failure(index, err.code, err.message);
      throw err;
    }
  }
  // Kafka's UnifiedLog.append: no segment (segment.bytes, or internal.segment.bytes when set) could hold
  // the batch as it would be stored. Kafka words the refusal so but answers with the code alone.
  if (batchToAppend.length > settings.segmentBytes) {
    broker.logger.debug(
      { topic: topicName, partition: index },
      `Message batch size is ${batchToAppend.length} bytes in append to partition ${topicName}-${index}, which exceeds the maximum configured segment size of ${settings.segmentBytes}.`,
    );
    return failure(index, 'RECORD_LIST_TOO_LARGE');
  }
  const key = partitionKey(topicName, index);
  const sequence = broker.producers.check(key, header);
  if (sequence.kind === 'error') return failure(index, sequence.error, sequence.message);
  if (sequence.kind === 'duplicate') {
    return {
      index,
      errorCode: 0,
      errorMessage: null,
      baseOffset: sequence.baseOffset,
      logAppendTimeMs: -1n,
      logStartOffset: log.logStartOffset,
      recordErrors: [],
    };
  }
  // The log applies the batch to the partition's producer state as it writes it.
  const appended = await log.append(batchToAppend, logAppendTime ? { logAppendTimeMs: now } : undefined);
  broker.partitions.notify(key);
  return {
    index,
    errorCode: 0,
    errorMessage: null,
    baseOffset: appended.baseOffset,
    logAppendTimeMs: logAppendTime ? now : -1n,
    logStartOffset: appended.logStartOffset,
    recordErrors: [],
  };
}

export const produceApi: ApiDefinition = {
  key: API_KEYS.Produce,
  minVersion: 0,
  maxVersion: 12,
  async handle(body, ctx) {
    const { broker } = ctx;
    const version = ctx.header.apiVersion;
    const acks = body.acks as number;
    const topics = body.topicData as Message[];
    const transactionalId: string | null = body.transactionalId ?? null;
    const adds =
      transactionalId !== null &&
      clientTransactionVersionOf('Produce', version) === CLIENT_TRANSACTION_VERSION_2
        ? new AddsOnWrite(broker, transactionalId)
        : undefined;
    const pending = topics.map((t) =>
      Promise.all(
        (t.partitionData as Message[]).map((p) => {
          if (version < FIRST_SERVED_VERSION) {
            return failure(p.index, 'UNSUPPORTED_VERSION', 'Produce v0-2 are not supported: use v3 or later');
          }
          if (!VALID_ACKS.has(acks)) return failure(p.index, 'INVALID_REQUIRED_ACKS');
          return produceToPartition(broker, t.name, p.index, p.records, version, transactionalId, adds);
        }),
      ),
    );
    const results = await Promise.all(pending);
    if (acks === 0) {
      // The client reads no answer, so Kafka closes the connection to make it refresh its metadata.
      const failed = results.flat().find((r) => r.errorCode !== 0);
      if (failed) throw new ConnectionFatalError(`acks=0 produce failed with error ${failed.errorCode}`);
      return null;
    }
    return {
      responses: topics.map((t, i) => ({
        name: t.name,
        partitionResponses: results[i],
      })),
      throttleTimeMs: 0,
    };
  },
};

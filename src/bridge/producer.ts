// The bridge's one long-lived producer: records from HTTP requests sent to Kafka, each with its offset
// or its error. Partitions are chosen here (see partitioner.ts) and checked against the topic's
// metadata first, because the client library would silently wrap an out-of-range partition around.
import { murmur2, Producer } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { BridgeConfig } from './config.ts';
import { isUnknownTopic, kafkaErrorMessage } from './kafka-errors.ts';
import { producerOptions } from './kafka-options.ts';
import { createPartitioner } from './partitioner.ts';
import { type KafkaRecord, type RecordOutcome, recordOffsets } from './records.ts';

/** Kafka's producer default for max.block.ms, which Strimzi's not-in-metadata messages quote. */
const DEFAULT_MAX_BLOCK_MS = 60_000;

export class BridgeProducer {
  readonly #producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  readonly #logger: Logger;
  readonly #maxBlockMs: number;
  readonly #choosePartition = createPartitioner(murmur2);

  constructor(config: BridgeConfig, logger: Logger) {
    const { options, ignored } = producerOptions(config);
    if (ignored.length > 0)
      logger.warn({ properties: ignored }, 'producer properties with no effect in this bridge');
    this.#producer = new Producer(options);
    this.#logger = logger;
    this.#maxBlockMs = Number(config.kafka.producer['max.block.ms'] ?? DEFAULT_MAX_BLOCK_MS);
  }

  /** Sends `records` to `topic`; the outcome of each record, in order. Never rejects. */
  async send(topic: string, records: KafkaRecord[]): Promise<RecordOutcome[]> {
    let partitionCount: number;
    try {
      const metadata = await this.#producer.metadata({ topics: [topic], autocreateTopics: true });
      partitionCount = metadata.topics.get(topic)?.partitionsCount ?? 0;
    } catch (err) {
      if (!isUnknownTopic(err)) return records.map(() => failure(500, kafkaErrorMessage(err)));
      partitionCount = 0;
    }
    if (partitionCount === 0) {
      const message = `Topic ${topic} not present in metadata after ${this.#maxBlockMs} ms.`;
      return records.map(() => failure(404, message));
    }
    const outcomes: (RecordOutcome | undefined)[] = [];
    const toSend: { index: number; partition: number; record: KafkaRecord }[] = [];
    records.forEach((record, index) => {
      const partition = record.partition ?? this.#choosePartition(topic, record.key, partitionCount);
      if (partition >= partitionCount) {
        outcomes[index] = failure(
          404,
          `Partition ${partition} of topic ${topic} with partition count ${partitionCount} is not present in metadata after ${this.#maxBlockMs} ms.`,
        );
        return;
      }
      toSend.push({ index, partition, record });
    });
    if (toSend.length > 0) {
      try {
        const result = await this.#producer.send({
          messages: toSend.map(({ partition, record }) => ({
            topic,
            partition,
            key: record.key,
            value: record.value,
            timestamp: record.timestamp,
            headers: record.headers,
          })),
        });
        const bases = new Map<number, bigint>();
        for (const written of result.offsets ?? [])
          if (written.topic === topic) bases.set(written.partition, written.offset);
        const sent = recordOffsets(
          toSend.map((entry) => entry.partition),
          bases,
        );
        toSend.forEach((entry, i) => {
          outcomes[entry.index] = sent[i];
        });
      } catch (err) {
        this.#logger.warn({ err, topic }, 'produce failed');
        const outcome = failure(isUnknownTopic(err) ? 404 : 500, kafkaErrorMessage(err));
        for (const entry of toSend) outcomes[entry.index] = outcome;
      }
    }
    return outcomes as RecordOutcome[];
  }

  /** Sends without waiting for the outcome (?async=true): failures are only logged. */
  sendAndForget(topic: string, records: KafkaRecord[]): void {
    this.send(topic, records).then(
      (outcomes) => {
        const failed = outcomes.filter((outcome) => 'error_code' in outcome);
        if (failed.length > 0) this.#logger.warn({ topic, failed }, 'async produce: records not written');
      },
      (err: unknown) => this.#logger.error({ err, topic }, 'async produce failed'),
    );
  }

  async close(): Promise<void> {
    await this.#producer.close();
  }
}

function failure(status: number, message: string): RecordOutcome {
  return { error_code: status, message };
}

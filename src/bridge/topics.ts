// Topic metadata and administration through one long-lived admin client, shaped as the API's bodies
// (TopicMetadata, PartitionMetadata, OffsetsSummary). Unknown topics and partitions are 404s with the
// messages Strimzi's bridge gives.
import { Admin, type ClusterTopicMetadata, ConfigResourceTypes } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { BridgeConfig } from './config.ts';
import { BridgeHttpError, notFound } from './errors.ts';
import { isUnknownTopic, kafkaErrorMessage } from './kafka-errors.ts';
import { baseClientOptions } from './kafka-options.ts';

export interface PartitionMetadataBody {
  partition: number;
  leader: number;
  replicas: { broker: number; leader: boolean; in_sync: boolean }[];
}

export interface TopicMetadataBody {
  name: string;
  configs?: Record<string, string>;
  partitions: PartitionMetadataBody[];
}

/** Kafka's text for UNKNOWN_TOPIC_OR_PARTITION, which Strimzi passes on for an unknown topic. */
const UNKNOWN_TOPIC = 'This server does not host this topic-partition.';
const EARLIEST = -2n;
const LATEST = -1n;

export class BridgeTopics {
  readonly #admin: Admin;

  constructor(config: BridgeConfig, logger: Logger) {
    const { options, ignored } = baseClientOptions(config, 'admin');
    if (ignored.length > 0)
      logger.warn({ properties: ignored }, 'admin properties with no effect in this bridge');
    this.#admin = new Admin(options);
  }

  async list(): Promise<string[]> {
    return this.#kafka(() => this.#admin.listTopics());
  }

  async describe(topic: string): Promise<TopicMetadataBody> {
    const layout = await this.#layout(topic);
    const [described] = await this.#kafka(() =>
      this.#admin.describeConfigs({
        resources: [
          { resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: null },
        ],
      }),
    );
    const configs: Record<string, string> = {};
    // Sensitive configs come without a value; the schema has strings only, so they are left out.
    for (const entry of described?.configs ?? [])
      if (typeof entry.value === 'string') configs[entry.name] = entry.value;
    const partitions = partitionsOf(layout);
    // As in Strimzi, `configs` is left out rather than empty.
    return Object.keys(configs).length > 0
      ? { name: topic, configs, partitions }
      : { name: topic, partitions };
  }

  async partitions(topic: string): Promise<PartitionMetadataBody[]> {
    return partitionsOf(await this.#layout(topic));
  }

  async partition(topic: string, partition: number): Promise<PartitionMetadataBody> {
    const found = partitionsOf(await this.#layout(topic)).find((p) => p.partition === partition);
    if (!found) throw notFound('Specified partition does not exist.');
    return found;
  }

  async offsets(topic: string, partition: number): Promise<{ beginning_offset: number; end_offset: number }> {
    const layout = await this.#layout(topic).catch((err: unknown) => {
      // Strimzi names the topic and partition here, whether the topic or only the partition is missing.
      if (err instanceof BridgeHttpError && err.status === 404) throw missingPartition(topic, partition);
      throw err;
    });
    if (partition >= layout.partitionsCount) throw missingPartition(topic, partition);
    const at = async (timestamp: bigint) => {
      const [listed] = await this.#kafka(() =>
        this.#admin.listOffsets({
          topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp }] }],
        }),
      );
      return Number(listed?.partitions.find((p) => p.partitionIndex === partition)?.offset ?? 0n);
    };
    const [beginning, end] = await Promise.all([at(EARLIEST), at(LATEST)]);
    return { beginning_offset: beginning, end_offset: end };
  }

  async create(
    name: string,
    partitions: number | null | undefined,
    replicas: number | null | undefined,
  ): Promise<void> {
    // -1 asks the broker for its default, as Kafka's admin client does for an unset value.
    await this.#kafka(() =>
      this.#admin.createTopics({ topics: [name], partitions: partitions ?? -1, replicas: replicas ?? -1 }),
    );
  }

  async close(): Promise<void> {
    await this.#admin.close();
  }

  async #layout(topic: string): Promise<ClusterTopicMetadata> {
    const metadata = await this.#kafka(() => this.#metadata(topic));
    const layout = metadata.topics.get(topic);
    if (!layout) throw notFound(UNKNOWN_TOPIC);
    return layout;
  }

  /**
   * The topic's metadata. The client retries an unknown topic for seconds, as if it were about to
   * appear; the bridge answers it at once instead, as Strimzi's does, and retries only other errors.
   */
  async #metadata(topic: string) {
    const request = { topics: [topic], forceUpdate: true, autocreateTopics: false };
    try {
      return await this.#admin.metadata({ ...request, retries: 0 });
    } catch (err) {
      if (isUnknownTopic(err)) throw err;
      return await this.#admin.metadata(request);
    }
  }

  /** Runs a Kafka call; an unknown topic becomes a 404, anything else a 500 with Kafka's message. */
  async #kafka<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (isUnknownTopic(err)) throw notFound(UNKNOWN_TOPIC);
      throw new BridgeHttpError(500, kafkaErrorMessage(err));
    }
  }
}

function partitionsOf(layout: ClusterTopicMetadata): PartitionMetadataBody[] {
  return layout.partitions.map((p, partition) => ({
    partition,
    leader: p.leader,
    replicas: p.replicas.map((broker) => ({
      broker,
      leader: broker === p.leader,
      in_sync: p.isr.includes(broker),
    })),
  }));
}

function missingPartition(topic: string, partition: number): BridgeHttpError {
  return notFound(`Topic '${topic}' does not have partition with id ${partition}`);
}

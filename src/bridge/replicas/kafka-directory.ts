// The instance directory kept in a compacted Kafka topic (bridge.replica.topic) that every replica of a
// deployment reads and writes. Only partition 0 is used, so all replicas see the claims in one order.
// Reads are not continuous: a replica catches up to the topic's end before it answers a lookup or a
// claim, so an instance created through one replica is found at once through any other.
import { Admin, Consumer, Producer } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { BridgeConfig } from '../config.ts';
import { kafkaErrorName } from '../kafka-errors.ts';
import { baseClientOptions } from '../kafka-options.ts';
import type { BridgeContext } from '../routes.ts';
import { claimKey, claimValue, DirectoryState } from './directory-state.ts';
import type { InstanceDirectory } from './instance-directory.ts';

const PARTITION = 0;
/** Per fetch; the directory's records are a few dozen bytes each. */
const FETCH_MAX_BYTES = 1024 * 1024;
/** A control batch (transaction marker) carries no entries. */
const CONTROL_BATCH = 0x20;

/**
 * The directory this replica shares with the others, or undefined when sharing is off (no
 * bridge.replica.url). Creates the topic when missing and withdraws claims this URL left behind in a
 * previous life: instances live in memory, so none of them survived.
 */
export async function openInstanceDirectory(context: BridgeContext): Promise<InstanceDirectory | undefined> {
  const { url } = context.config.replica;
  if (url === undefined) return undefined;
  const directory = new KafkaInstanceDirectory(context.config, context.logger, url);
  try {
    await directory.open();
  } catch (err) {
    await directory.close();
    throw err;
  }
  return directory;
}

class KafkaInstanceDirectory implements InstanceDirectory {
  readonly selfUrl: string;
  readonly #config: BridgeConfig;
  readonly #topic: string;
  readonly #bridgeId: string | null;
  readonly #logger: Logger;
  readonly #producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  readonly #consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  readonly #state: DirectoryState;
  #position = 0n;
  /** Catch-ups run one at a time, each reading to the end the topic had when it started. */
  #catchingUp: Promise<void> = Promise.resolve();

  constructor(config: BridgeConfig, logger: Logger, selfUrl: string) {
    this.selfUrl = selfUrl.replace(/\/+$/, '');
    this.#config = config;
    this.#topic = config.replica.topic;
    this.#bridgeId = config.bridgeId ?? null;
    this.#logger = logger.child({ component: 'instance-directory', topic: this.#topic });
    const clientId = `${config.bridgeId ?? 'nagare-bridge'}-replicas`;
    this.#producer = new Producer({ ...baseClientOptions(config, 'producer').options, clientId, acks: -1 });
    this.#consumer = new Consumer({
      ...baseClientOptions(config, 'consumer').options,
      clientId,
      // Never joined: the directory fetches at positions it keeps itself.
      groupId: `${clientId}-directory`,
    });
    this.#state = new DirectoryState(this.#bridgeId);
  }

  async open(): Promise<void> {
    await this.#createTopic();
    await this.#catchUp();
    const stale = this.#state.claimsOf(this.selfUrl);
    for (const { group, name } of stale) await this.#write(group, name, this.selfUrl, false);
    this.#logger.info({ url: this.selfUrl, withdrawn: stale.length }, 'sharing consumer instances');
  }

  async claim(group: string, name: string): Promise<boolean> {
    await this.#catchUp();
    const holder = this.#state.owner(group, name);
    if (holder !== undefined) return holder.url === this.selfUrl;
    await this.#write(group, name, this.selfUrl, true);
    // Someone else may have claimed the name meanwhile: the topic's order decides.
    await this.#catchUp();
    if (this.#state.owner(group, name)?.url === this.selfUrl) return true;
    await this.#write(group, name, this.selfUrl, false);
    return false;
  }

  async release(group: string, name: string): Promise<void> {
    await this.#write(group, name, this.selfUrl, false);
  }

  async ownerOf(group: string, name: string): Promise<string | undefined> {
    await this.#catchUp();
    const url = this.#state.owner(group, name)?.url;
    return url === this.selfUrl ? undefined : url;
  }

  async forget(group: string, name: string, owner: string): Promise<void> {
    this.#logger.warn({ group, name, owner }, 'replica did not answer: its instance is forgotten');
    await this.#write(group, name, owner, false);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.#producer.close(), this.#consumer.close()]);
  }

  /** A claim (held) or its withdrawal (a tombstone), applied here at once for this replica's lookups. */
  async #write(group: string, name: string, url: string, held: boolean): Promise<void> {
    const key = claimKey(this.#bridgeId, group, name, url);
    const value = held ? claimValue(url) : undefined;
    const result = await this.#producer.send({
      messages: [{ topic: this.#topic, partition: PARTITION, key, value }],
    });
    const offset = result.offsets?.[0]?.offset;
    if (!held && offset !== undefined) this.#state.apply(key, null, offset);
  }

  #catchUp(): Promise<void> {
    const run = this.#catchingUp.then(() => this.#readToEnd());
    this.#catchingUp = run.catch(() => undefined);
    return run;
  }

  async #readToEnd(): Promise<void> {
    const offsets = await this.#consumer.listOffsets({
      topics: [this.#topic],
      partitions: { [this.#topic]: [PARTITION] },
    });
    const end = offsets.get(this.#topic)?.[PARTITION] ?? 0n;
    while (this.#position < end) {
      const before = this.#position;
      await this.#fetchOnce();
      // Nothing more to read although the end lies ahead: the rest is aborted or compacted away.
      if (this.#position === before) break;
    }
  }

  async #fetchOnce(): Promise<void> {
    const metadata = await this.#consumer.metadata({ topics: [this.#topic] });
    const topic = metadata.topics.get(this.#topic);
    const leader = topic?.partitions[PARTITION]?.leader;
    if (topic === undefined || leader === undefined) throw new Error(`topic ${this.#topic} has no leader`);
    const response = await this.#consumer.fetch({
      node: leader,
      maxWaitTime: 0,
      minBytes: 1,
      maxBytes: FETCH_MAX_BYTES,
      topics: [
        {
          topicId: topic.id,
          partitions: [
            {
              partition: PARTITION,
              fetchOffset: this.#position,
              partitionMaxBytes: FETCH_MAX_BYTES,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
            },
          ],
        },
      ],
    });
    for (const partition of response.responses.flatMap((t) => t.partitions)) {
      if (partition.partitionIndex !== PARTITION) continue;
      for (const batch of partition.records ?? []) {
        const next = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
        if ((batch.attributes & CONTROL_BATCH) === 0) {
          for (const record of batch.records) {
            const offset = batch.firstOffset + BigInt(record.offsetDelta);
            if (offset >= this.#position) this.#state.apply(record.key, record.value, offset);
          }
        }
        if (next > this.#position) this.#position = next;
      }
    }
  }

  async #createTopic(): Promise<void> {
    const admin = new Admin(baseClientOptions(this.#config, 'admin').options);
    try {
      await admin.createTopics({
        topics: [this.#topic],
        partitions: 1,
        replicas: -1,
        configs: [{ name: 'cleanup.policy', value: 'compact' }],
      });
      this.#logger.info('created the instance directory topic');
    } catch (err) {
      if (kafkaErrorName(err) !== 'TOPIC_ALREADY_EXISTS') throw err;
    } finally {
      await admin.close();
    }
  }
}

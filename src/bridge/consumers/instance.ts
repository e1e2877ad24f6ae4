// One consumer instance: a @platformatic/kafka Consumer for group membership (join, sync, heartbeats,
// assignments after each rebalance) and offset commits, with positions kept by the bridge
// (positions.ts) and fetched with the client's low-level fetch, so that seek is exact and a poll hands
// out exactly what was fetched since the last one. Requests to one instance run one at a time, as
// Strimzi runs them under a lock around its KafkaConsumer.
import {
  type BaseOptions,
  Consumer,
  type ConsumerGroupJoinPayload,
  FetchIsolationLevels,
  ListOffsetTimestamps,
} from '@platformatic/kafka';
import type { Logger } from 'pino';
import { BridgeHttpError } from '../errors.ts';
import { kafkaErrorName } from '../kafka-errors.ts';
import { recordsOfBatches } from './fetched-batches.ts';
import { type FetchedRecord, PartitionPositions, type TopicPartition } from './positions.ts';
import type { ConsumerSettings } from './settings.ts';

export type Subscription = { topics: string[] } | { pattern: string };

type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;

/** How often a pattern subscription looks for new matching topics while polled. */
const PATTERN_REFRESH_MS = 3000;

export const NOT_SUBSCRIBED = 'Consumer is not subscribed to any topics or assigned any partitions';
export const MUTUALLY_EXCLUSIVE = 'Subscriptions to topics, partitions, and patterns are mutually exclusive.';

export interface InstanceDependencies {
  clientOptions: BaseOptions;
  logger: Logger;
  /** Every topic of the cluster, for pattern subscriptions. */
  listTopics(): Promise<string[]>;
}

export class ConsumerInstance {
  readonly group: string;
  readonly name: string;
  readonly settings: ConsumerSettings;
  readonly #deps: InstanceDependencies;
  readonly #consumer: Consumer;
  readonly #positions = new PartitionPositions();
  #mode: 'none' | 'subscribed' | 'assigned' = 'none';
  #pattern: RegExp | undefined;
  #patternCheckedAt = 0;
  #join: Promise<void> | undefined;
  #lastAutoCommit = '';
  #queue: Promise<unknown> = Promise.resolve();

  constructor(group: string, name: string, settings: ConsumerSettings, deps: InstanceDependencies) {
    this.group = group;
    this.name = name;
    this.settings = settings;
    this.#deps = deps;
    this.#consumer = new Consumer({
      ...deps.clientOptions,
      clientId: name,
      groupId: group,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      timeout: settings.requestTimeoutMs,
      autocommit: false,
    });
    this.#consumer.on('consumer:group:join', (payload: ConsumerGroupJoinPayload) => {
      if (this.#mode !== 'subscribed') return;
      const held = (payload.assignments ?? []).flatMap(({ topic, partitions }) =>
        partitions.map((partition) => ({ topic, partition })),
      );
      this.#positions.assign(held);
    });
    // As the Java consumer commits before it rejoins a rebalancing group, so that the next owner of a
    // partition starts after what this instance handed out rather than delivering it again.
    this.#consumer.on('consumer:group:rebalance', () => {
      if (this.settings.enableAutoCommit && this.#mode === 'subscribed') this.#autoCommit();
    });
    // Membership errors surface on the next request; the client would otherwise throw them unhandled.
    this.#consumer.on('error', (err: unknown) => deps.logger.warn({ err, group, name }, 'consumer error'));
  }

  subscribe(subscription: Subscription): Promise<void> {
    return this.#serially(async () => {
      if (this.#mode === 'assigned') throw new BridgeHttpError(409, MUTUALLY_EXCLUSIVE);
      if ('topics' in subscription && subscription.topics.length === 0) return this.#unsubscribe();
      this.#pattern = 'pattern' in subscription ? new RegExp(subscription.pattern) : undefined;
      const topics = 'topics' in subscription ? subscription.topics : await this.#matchingTopics();
      this.#mode = 'subscribed';
      this.#track(topics);
      this.#startJoin();
    });
  }

  unsubscribe(): Promise<void> {
    return this.#serially(() => this.#unsubscribe());
  }

  assign(partitions: TopicPartition[]): Promise<void> {
    return this.#serially(async () => {
      if (this.#mode === 'subscribed') throw new BridgeHttpError(409, MUTUALLY_EXCLUSIVE);
      if (partitions.length === 0) return this.#unsubscribe();
      this.#mode = 'assigned';
      this.#track([...new Set(partitions.map((p) => p.topic))]);
      this.#positions.assign(partitions);
    });
  }

  /** Whether a poll has anything to poll: a subscription or an assignment. */
  subscribedOrAssigned(): boolean {
    return this.#mode !== 'none';
  }

  /** The partitions held now, as Strimzi lists them (its KafkaConsumer's assignment). */
  assignment(): Promise<TopicPartition[]> {
    return this.#serially(async () => this.#positions.assigned());
  }

  poll(timeoutMs: number): Promise<FetchedRecord[]> {
    return this.#serially(async () => {
      if (this.#mode === 'none') throw new BridgeHttpError(500, NOT_SUBSCRIBED);
      const deadline = Date.now() + timeoutMs;
      if (this.settings.enableAutoCommit) this.#autoCommit();
      await this.#refreshPattern();
      if (this.#mode === 'subscribed') await this.#awaitJoin(deadline);
      do {
        if (this.#positions.hasBuffered()) break;
        await this.#resolvePositions();
        await this.#fetch(Math.max(0, Math.min(deadline - Date.now(), this.settings.fetchMaxWaitMs)));
      } while (!this.#positions.hasBuffered() && Date.now() < deadline);
      return this.#positions.take(this.settings.maxPollRecords);
    });
  }

  /** Commits `offsets`, or without them the position of every partition held (what was polled). */
  commit(offsets?: (TopicPartition & { offset: number })[]): Promise<void> {
    return this.#serially(async () => {
      const list = offsets?.map((o) => ({ ...o, offset: BigInt(o.offset) })) ?? this.#positions.consumed();
      await this.#commit(list);
    });
  }

  seek(offsets: (TopicPartition & { offset: number })[]): Promise<void> {
    return this.#serially(async () => {
      for (const { topic, partition, offset } of offsets) {
        this.#requireHeld(topic, partition);
        // The Java consumer's seek refuses this, and Strimzi answers that refusal as a 500.
        if (offset < 0) throw new BridgeHttpError(500, 'seek offset must not be a negative number');
      }
      for (const { topic, partition, offset } of offsets)
        this.#positions.seek(topic, partition, BigInt(offset));
    });
  }

  seekTo(where: 'beginning' | 'end', partitions: TopicPartition[]): Promise<void> {
    return this.#serially(async () => {
      for (const { topic, partition } of partitions) this.#requireHeld(topic, partition);
      const timestamp = where === 'beginning' ? ListOffsetTimestamps.EARLIEST : ListOffsetTimestamps.LATEST;
      for (const { topic, partition, offset } of await this.#listOffsets(partitions, timestamp)) {
        this.#positions.seek(topic, partition, offset);
      }
    });
  }

  /** Leaves the group and disconnects; with enable.auto.commit, commits what was polled first. */
  close(): Promise<void> {
    return this.#serially(async () => {
      if (this.settings.enableAutoCommit && this.#mode !== 'none') {
        await this.#commit(this.#positions.consumed()).catch((err: unknown) =>
          this.#deps.logger.warn({ err, group: this.group, name: this.name }, 'commit on close failed'),
        );
      }
      this.#mode = 'none';
      await this.#consumer.close(true);
    });
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #unsubscribe(): Promise<void> {
    const wasMember = this.#mode === 'subscribed' && this.#consumer.memberId !== null;
    this.#mode = 'none';
    this.#pattern = undefined;
    this.#track([]);
    this.#positions.assign([]);
    this.#join = undefined;
    if (wasMember) await this.#consumer.leaveGroup(true);
  }

  #requireHeld(topic: string, partition: number): void {
    if (!this.#positions.has(topic, partition)) {
      // Kafka's IllegalStateException, which Strimzi answers with 404 and its message.
      throw new BridgeHttpError(404, `No current assignment for partition ${topic}-${partition}`);
    }
  }

  /** Makes the client's topic list (its metadata and group subscription) exactly `topics`. */
  #track(topics: string[]): void {
    const current = this.#consumer.topics.current;
    this.#consumer.topics.untrackAll(...current.filter((t) => !topics.includes(t)));
    this.#consumer.topics.trackAll(...topics.filter((t) => !current.includes(t)));
  }

  /** Joins (or rejoins, after the topics changed) in the background; polls wait for it. */
  #startJoin(): void {
    const join = this.#consumer
      .joinGroup({
        sessionTimeout: this.settings.sessionTimeoutMs,
        heartbeatInterval: this.settings.heartbeatIntervalMs,
      })
      .then(
        () => undefined,
        (err: unknown) => {
          this.#deps.logger.warn({ err, group: this.group, name: this.name }, 'joining the group failed');
          if (this.#join === join) this.#join = undefined;
        },
      );
    this.#join = join;
  }

  async #awaitJoin(deadline: number): Promise<void> {
    if (this.#join === undefined) this.#startJoin();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    });
    await Promise.race([this.#join, timeout]);
    clearTimeout(timer);
  }

  async #matchingTopics(): Promise<string[]> {
    const pattern = this.#pattern;
    if (pattern === undefined) return [];
    this.#patternCheckedAt = Date.now();
    // Java's Pattern.matcher(topic).matches(): the whole name must match.
    return (await this.#deps.listTopics()).filter((topic) => {
      const match = pattern.exec(topic);
      return match !== null && match.index === 0 && match[0].length === topic.length;
    });
  }

  async #refreshPattern(): Promise<void> {
    if (this.#pattern === undefined || Date.now() - this.#patternCheckedAt < PATTERN_REFRESH_MS) return;
    const topics = await this.#matchingTopics();
    const current = this.#consumer.topics.current;
    if (topics.length === current.length && topics.every((t) => current.includes(t))) return;
    this.#track(topics);
    this.#startJoin();
  }

  /** Positions of newly held partitions: the group's committed offset, else auto.offset.reset. */
  async #resolvePositions(): Promise<void> {
    const unresolved = this.#positions.unresolved();
    if (unresolved.length === 0) return;
    const committed = await this.#consumer.listCommittedOffsets({ topics: byTopic(unresolved) });
    const missing: TopicPartition[] = [];
    for (const { topic, partition } of unresolved) {
      const offset = committed.get(topic)?.[partition];
      if (offset !== undefined && offset >= 0n) this.#positions.seek(topic, partition, offset);
      else missing.push({ topic, partition });
    }
    if (missing.length === 0) return;
    if (this.settings.autoOffsetReset === 'none') {
      const names = missing.map(({ topic, partition }) => `${topic}-${partition}`).join(', ');
      throw new BridgeHttpError(500, `Undefined offset with no reset policy for partitions: [${names}]`);
    }
    const timestamp =
      this.settings.autoOffsetReset === 'earliest'
        ? ListOffsetTimestamps.EARLIEST
        : ListOffsetTimestamps.LATEST;
    for (const { topic, partition, offset } of await this.#listOffsets(missing, timestamp)) {
      this.#positions.seek(topic, partition, offset);
    }
  }

  async #listOffsets(partitions: TopicPartition[], timestamp: bigint) {
    const grouped = byTopic(partitions);
    const offsets = await this.#consumer.listOffsets({
      topics: grouped.map((g) => g.topic),
      partitions: Object.fromEntries(grouped.map((g) => [g.topic, g.partitions])),
      timestamp,
      isolationLevel: this.#isolationLevel(),
    });
    return partitions.map(({ topic, partition }) => ({
      topic,
      partition,
      offset: offsets.get(topic)?.[partition] ?? 0n,
    }));
  }

  /** One fetch per partition leader, in parallel, each waiting at most `maxWaitMs` for data. */
  async #fetch(maxWaitMs: number): Promise<void> {
    const wanted = this.#positions.fetchOffsets();
    if (wanted.length === 0) {
      await sleepUntilChange(maxWaitMs);
      return;
    }
    const metadata = await this.#consumer.metadata({ topics: [...new Set(wanted.map((w) => w.topic))] });
    const byNode = new Map<number, typeof wanted>();
    for (const entry of wanted) {
      const leader = metadata.topics.get(entry.topic)?.partitions[entry.partition]?.leader;
      if (leader === undefined || leader < 0) continue;
      byNode.set(leader, [...(byNode.get(leader) ?? []), entry]);
    }
    await Promise.all(
      [...byNode].map(async ([node, entries]) => {
        const topicNames = new Map<string, string>();
        const request = byTopic(entries).map(({ topic }) => {
          const topicId = metadata.topics.get(topic)?.id ?? topic;
          topicNames.set(topicId, topic);
          return {
            topicId,
            partitions: entries
              .filter((e) => e.topic === topic)
              .map((e) => ({
                partition: e.partition,
                fetchOffset: e.offset,
                partitionMaxBytes: this.settings.maxPartitionFetchBytes,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
              })),
          };
        });
        let response: FetchResponse;
        try {
          response = await this.#consumer.fetch({
            node,
            topics: request,
            maxWaitTime: maxWaitMs,
            minBytes: this.settings.fetchMinBytes,
            maxBytes: this.settings.fetchMaxBytes,
            isolationLevel: this.#isolationLevel(),
          });
        } catch (err) {
          if (!isOffsetOutOfRange(err)) throw err;
          await this.#resetOutOfRange(entries);
          return;
        }
        for (const topicResponse of response.responses) {
          const topic = topicNames.get(topicResponse.topicId) ?? topicResponse.topicId;
          for (const partitionResponse of topicResponse.partitions) {
            const requested = entries.find(
              (e) => e.topic === topic && e.partition === partitionResponse.partitionIndex,
            );
            if (!requested || !partitionResponse.records) continue;
            const { records, nextFetchOffset } = recordsOfBatches(
              topic,
              requested.partition,
              requested.offset,
              partitionResponse.records,
            );
            this.#positions.fetched(topic, requested.partition, requested.offset, records, nextFetchOffset);
          }
        }
      }),
    );
  }

  /** A position outside the log: auto.offset.reset decides where to go, as in Kafka's consumer. */
  async #resetOutOfRange(entries: (TopicPartition & { offset: bigint })[]): Promise<void> {
    if (this.settings.autoOffsetReset === 'none') {
      throw new BridgeHttpError(500, 'Fetch position out of range, and auto.offset.reset is none');
    }
    const earliest = await this.#listOffsets(entries, ListOffsetTimestamps.EARLIEST);
    const latest = await this.#listOffsets(entries, ListOffsetTimestamps.LATEST);
    entries.forEach((entry, i) => {
      if (entry.offset >= earliest[i].offset && entry.offset <= latest[i].offset) return;
      const target = this.settings.autoOffsetReset === 'earliest' ? earliest[i] : latest[i];
      this.#positions.seek(entry.topic, entry.partition, target.offset);
    });
  }

  async #commit(offsets: (TopicPartition & { offset: bigint })[]): Promise<void> {
    if (offsets.length === 0) return;
    if (this.#mode !== 'subscribed') {
      // Not a group member (manual assignment): Kafka takes such commits with generation -1 and no
      // member id, as it does from the Java consumer after assign().
      this.#consumer.generationId = -1;
      this.#consumer.memberId = '';
    }
    await this.#consumer.commit({ offsets: offsets.map((o) => ({ ...o, leaderEpoch: -1 })) });
    this.#lastAutoCommit = commitKey(offsets);
  }

  /**
   * enable.auto.commit: at each poll, what the previous polls handed out is committed, without
   * making the poll wait for it (Kafka's consumer commits from poll() too).
   */
  #autoCommit(): void {
    const offsets = this.#positions.consumed();
    const key = commitKey(offsets);
    if (offsets.length === 0 || key === this.#lastAutoCommit) return;
    this.#lastAutoCommit = key;
    this.#consumer
      .commit({ offsets: offsets.map((o) => ({ ...o, leaderEpoch: -1 })) })
      .catch((err: unknown) =>
        this.#deps.logger.warn({ err, group: this.group, name: this.name }, 'auto commit failed'),
      );
  }

  #isolationLevel(): number {
    return this.settings.isolationLevel === 'read_committed'
      ? FetchIsolationLevels.READ_COMMITTED
      : FetchIsolationLevels.READ_UNCOMMITTED;
  }
}

function byTopic(partitions: TopicPartition[]): { topic: string; partitions: number[] }[] {
  const grouped = new Map<string, number[]>();
  for (const { topic, partition } of partitions)
    grouped.set(topic, [...(grouped.get(topic) ?? []), partition]);
  return [...grouped].map(([topic, list]) => ({ topic, partitions: list }));
}

function commitKey(offsets: (TopicPartition & { offset: bigint })[]): string {
  return offsets.map(({ topic, partition, offset }) => `${topic}:${partition}:${offset}`).join(',');
}

function isOffsetOutOfRange(err: unknown): boolean {
  return kafkaErrorName(err) === 'OFFSET_OUT_OF_RANGE';
}

/** Nothing to fetch yet (the group is still assigning): wait as a fetch would have waited. */
function sleepUntilChange(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

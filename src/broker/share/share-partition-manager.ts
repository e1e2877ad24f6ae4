// The broker's share-partitions (KIP-932): one SharePartitionState per (share group, topic-partition),
// created on first use at the offset share.auto.offset.reset picks, or restored from __share_group_state.
// This is the shell around the pure state: it reads the log for acquisitions, runs the acquisition-lock
// timers, writes a snapshot of a share-partition's state after each change, and wakes long-polling share
// fetches when records become available again.
import type { Logger } from 'pino';
import type { ErrorName } from '../../protocol/errors.ts';
import type { ShareAutoOffsetReset } from '../config/group-definitions.ts';
import { type Clock, type GroupTimers, SystemTimers } from '../groups/timers.ts';
import type { PartitionLog } from '../log/partition-log.ts';
import type { TopicInfo } from '../metadata/topics.ts';
import { partitionKey } from '../partition-manager.ts';
import { type AbortedTransactionRef, describeBatches, type LogBatch } from './fetched-batches.ts';
import {
  type AcknowledgementBatch,
  type AcquiredRange,
  SharePartitionState,
  type StateBatch,
} from './share-partition.ts';
import { ShareSessionCache } from './share-sessions.ts';
import { ShareStateLog, type ShareStateLogHost } from './share-state-log.ts';
import {
  applyShareUpdate,
  encodeShareKey,
  encodeShareSnapshotValue,
  type SharePartitionKey,
  type ShareStateRecord,
  type ShareStateValue,
} from './share-state-records.ts';

/** The group settings a share-partition follows (the share group coordinator resolves them). */
export interface SharePartitionSettings {
  autoOffsetReset: ShareAutoOffsetReset;
  isolationLevel: 'read_committed' | 'read_uncommitted';
  recordLockDurationMs: number;
  deliveryCountLimit: number;
  maxRecordLocks: number;
}

/** What the manager needs of the broker (the Broker class provides it). */
export interface SharePartitionsHost extends ShareStateLogHost {
  readonly partitions: {
    get(topic: string, partition: number): PartitionLog | undefined;
    notify(key: string): void;
  };
  readonly metadata: {
    topic(name: string): TopicInfo | undefined;
    topicById(id: string): TopicInfo | undefined;
  };
  readonly producers: {
    lastStableOffset(key: string, highWatermark: bigint): bigint;
    abortedTransactions(key: string, fromOffset: bigint, toOffset: bigint): AbortedTransactionRef[];
  };
}

export interface SharePartitionsOptions {
  settings: (groupId: string) => SharePartitionSettings;
  clock?: Clock;
  timers?: GroupTimers;
}

/** A share-partition's start offset (SPSO) and in-flight state, as DescribeShareGroupOffsets reports it. */
export interface ShareStartOffset {
  topicId: string;
  partition: number;
  startOffset: bigint;
  stateBatches: readonly StateBatch[];
}

export interface ShareFetchTarget {
  topicId: string;
  partition: number;
}

export interface ShareFetchLimits {
  maxRecords: number;
  maxBytes: number;
  /** Acquisition stops at the first partition that brings the acquired bytes to this. */
  minBytes: number;
}

export interface ShareFetchPartitionResult {
  error?: ErrorName;
  records: Buffer[];
  bytes: number;
  acquired: AcquiredRange[];
}

interface Entry {
  readonly key: SharePartitionKey;
  readonly topic: string;
  readonly state: SharePartitionState;
  readonly createTimestamp: bigint;
  snapshotEpoch: number;
}

type Resolved = { entry: Entry; log: PartitionLog } | { error: ErrorName };

export class SharePartitionManager {
  readonly sessions = new ShareSessionCache();
  readonly #host: SharePartitionsHost;
  readonly #logger: Logger;
  readonly #stateLog: ShareStateLog;
  readonly #settings: (groupId: string) => SharePartitionSettings;
  readonly #clock: Clock;
  readonly #timers: GroupTimers;
  readonly #entries = new Map<string, Entry>();
  readonly #opening = new Map<string, Promise<Entry>>();
  /** State read back from __share_group_state at start, taken when a share-partition is first used. */
  readonly #stored = new Map<string, ShareStateValue>();

  constructor(host: SharePartitionsHost, logger: Logger, options: SharePartitionsOptions) {
    this.#host = host;
    this.#logger = logger;
    this.#stateLog = new ShareStateLog(host, logger);
    this.#settings = options.settings;
    this.#clock = options.clock ?? Date.now;
    this.#timers = options.timers ?? new SystemTimers();
  }

  /** Reads __share_group_state back (snapshots, updates on top of them, tombstones). */
  async start(): Promise<void> {
    const count = await this.#stateLog.replay((record) => this.#replay(record));
    if (count > 0)
      this.#logger.info({ records: count, sharePartitions: this.#stored.size }, 'loaded share state');
  }

  stop(): void {
    this.#timers.cancelAll();
  }

  #replay(record: ShareStateRecord): void {
    const id = entryId(record.key);
    if (record.type === 'deleted') this.#stored.delete(id);
    else if (record.type === 'snapshot') this.#stored.set(id, record.value);
    else {
      const base = this.#stored.get(id);
      if (base) this.#stored.set(id, applyShareUpdate(base, record.value));
    }
  }

  /** The settings the group's share-partitions follow now. */
  settings(groupId: string): SharePartitionSettings {
    return this.#settings(groupId);
  }

  /** The share-partition, if it is in use (for tests and describing). */
  state(groupId: string, topicId: string, partition: number): SharePartitionState | undefined {
    return this.#entries.get(entryId({ groupId, topicId, partition }))?.state;
  }

  /**
   * Creates the state of share-partitions that do not have one yet, at the offset the group's
   * share.auto.offset.reset picks now. The share group coordinator does not call it on assignment:
   * Kafka 4.3.1 initializes share-group state then, but without a start offset, which its partition
   * leader picks at the first fetch (test/compat/share/share-group-ids.test.ts shows it); so does Nagare.
   */
  async initialize(groupId: string, targets: readonly ShareFetchTarget[]): Promise<void> {
    await Promise.all(targets.map((t) => this.#resolve(groupId, t)));
  }

  /**
   * Acquires records for `memberId` from the targets, in order, within the request's limits, until
   * minBytes are acquired (so with the usual minBytes of 1, from one partition per request, as Kafka
   * answers; callers take the partitions in turn). Each result carries the stored batches holding
   * acquired records and the acquired ranges.
   */
  async acquire(
    groupId: string,
    memberId: string,
    targets: readonly ShareFetchTarget[],
    limits: ShareFetchLimits,
  ): Promise<ShareFetchPartitionResult[]> {
    const settings = this.#settings(groupId);
    const results: ShareFetchPartitionResult[] = [];
    let recordsLeft = limits.maxRecords;
    let bytesLeft = limits.maxBytes;
    let total = 0;
    for (const target of targets) {
      const result: ShareFetchPartitionResult = { records: [], bytes: 0, acquired: [] };
      results.push(result);
      const resolved = await this.#resolve(groupId, target);
      if ('error' in resolved) {
        result.error = resolved.error;
        continue;
      }
      // A request for no bytes gets no records (the first batch is returned whole only within a limit).
      if (recordsLeft <= 0 || bytesLeft <= 0 || (total > 0 && total >= limits.minBytes)) continue;
      const batches = await this.#read(resolved, settings, bytesLeft, total === 0);
      if (batches.length === 0) continue;
      const { entry } = resolved;
      const before = { start: entry.state.startOffset, end: entry.state.endOffset };
      const acquired = entry.state.acquire(
        memberId,
        batches,
        {
          maxRecords: recordsLeft,
          maxRecordLocks: settings.maxRecordLocks,
          recordLockDurationMs: settings.recordLockDurationMs,
        },
        this.#clock(),
      );
      // Even with nothing acquired, batches that were not deliverable may have been archived. Nothing
      // became available, so no waiting fetch is woken.
      const moved = before.start !== entry.state.startOffset || before.end !== entry.state.endOffset;
      if (acquired.length > 0 || moved) await this.#changed(entry, false);
      if (acquired.length === 0) continue;
      const returned = batches.filter((b) =>
        acquired.some((r) => r.firstOffset <= b.lastOffset && r.lastOffset >= b.firstOffset),
      );
      result.acquired = acquired;
      result.records = returned.map((b) => b.bytes);
      result.bytes = returned.reduce((sum, b) => sum + b.bytes.length, 0);
      recordsLeft -= acquired.reduce((sum, r) => sum + Number(r.lastOffset - r.firstOffset) + 1, 0);
      bytesLeft -= result.bytes;
      total += result.bytes;
    }
    return results;
  }

  /** Applies one member's acknowledgements to one share-partition. */
  async acknowledge(
    groupId: string,
    memberId: string,
    target: ShareFetchTarget,
    batches: readonly AcknowledgementBatch[],
  ): Promise<ErrorName | undefined> {
    const resolved = await this.#resolve(groupId, target);
    if ('error' in resolved) return resolved.error;
    const settings = this.#settings(groupId);
    const error = resolved.entry.state.acknowledge(memberId, batches, settings.deliveryCountLimit);
    if (error) return error;
    await this.#changed(resolved.entry);
    return undefined;
  }

  /** Releases what `memberId` holds in the given share-partitions (its share session closed). */
  async releaseMember(
    groupId: string,
    memberId: string,
    targets?: readonly ShareFetchTarget[],
  ): Promise<void> {
    const settings = this.#settings(groupId);
    const wanted = targets?.map((t) => entryId({ groupId, ...t }));
    for (const [id, entry] of this.#entries) {
      if (entry.key.groupId !== groupId || (wanted && !wanted.includes(id))) continue;
      if (entry.state.releaseMember(memberId, settings.deliveryCountLimit)) await this.#changed(entry);
    }
  }

  /**
   * The member left the group or was fenced: its records become available at once, unless it still has
   * a share session. A consumer that closes leaves its group before it sends its last acknowledgements
   * and closes its session (which releases the rest); as in Kafka, where group membership and share
   * sessions are not tied, those acknowledgements must still succeed. A session left open by a consumer
   * that is gone holds its records until their acquisition locks run out.
   */
  async onMemberLeft(groupId: string, memberId: string): Promise<void> {
    if (this.sessions.get(groupId, memberId)) return;
    await this.releaseMember(groupId, memberId);
  }

  /** The group was deleted: its sessions, timers and durable state go. */
  async onGroupDeleted(groupId: string): Promise<void> {
    this.sessions.removeGroup(groupId);
    this.#timers.cancelGroup(groupId);
    const keys = new Map<string, SharePartitionKey>();
    for (const [id, entry] of this.#entries) if (entry.key.groupId === groupId) keys.set(id, entry.key);
    for (const id of this.#stored.keys()) {
      const key = parseEntryId(id);
      if (key.groupId === groupId) keys.set(id, key);
    }
    await this.#deleteStates(keys);
  }

  /**
   * The group's share-partitions that have a state, in use or stored (DescribeShareGroupOffsets): the
   * start offset and the durable state batches, from which the lag follows.
   */
  startOffsets(groupId: string): ShareStartOffset[] {
    const out: ShareStartOffset[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.key.groupId !== groupId) continue;
      const { topicId, partition } = entry.key;
      out.push({
        topicId,
        partition,
        startOffset: entry.state.startOffset,
        stateBatches: entry.state.stateBatches(),
      });
    }
    for (const [id, value] of this.#stored) {
      const { groupId: group, topicId, partition } = parseEntryId(id);
      if (group !== groupId || this.#entries.has(id)) continue;
      out.push({ topicId, partition, startOffset: value.startOffset, stateBatches: value.stateBatches });
    }
    return out;
  }

  /**
   * AlterShareGroupOffsets (on an empty group): the share-partition starts afresh at `startOffset`,
   * nothing in flight, and that is stored at once so that a restart keeps it.
   */
  async resetStartOffset(groupId: string, target: ShareFetchTarget, startOffset: bigint): Promise<void> {
    const key: SharePartitionKey = { groupId, ...target };
    const id = entryId(key);
    const topic = this.#host.metadata.topicById(target.topicId);
    if (!topic) return;
    const previous = this.#entries.get(id);
    const stored = this.#stored.get(id);
    this.#timers.cancel(groupId, timerName(key));
    this.#stored.delete(id);
    const entry: Entry = {
      key,
      topic: topic.name,
      state: new SharePartitionState(startOffset),
      createTimestamp: previous?.createTimestamp ?? stored?.createTimestamp ?? BigInt(this.#clock()),
      snapshotEpoch: previous?.snapshotEpoch ?? stored?.snapshotEpoch ?? -1,
    };
    this.#entries.set(id, entry);
    await this.#persist(entry);
  }

  /** DeleteShareGroupOffsets: the group's state for the topic goes (it starts afresh when next assigned). */
  async deleteTopicState(groupId: string, topicId: string): Promise<void> {
    const keys = new Map<string, SharePartitionKey>();
    for (const [id, entry] of this.#entries) {
      if (entry.key.groupId !== groupId || entry.key.topicId !== topicId) continue;
      keys.set(id, entry.key);
      this.#timers.cancel(groupId, timerName(entry.key));
    }
    for (const id of this.#stored.keys()) {
      const key = parseEntryId(id);
      if (key.groupId === groupId && key.topicId === topicId) keys.set(id, key);
    }
    await this.#deleteStates(keys);
  }

  /** The topic was deleted: a topic re-created under the same name gets a new id and starts afresh. */
  async onTopicDeleted(topicId: string): Promise<void> {
    this.sessions.removeTopic(topicId);
    const keys = new Map<string, SharePartitionKey>();
    for (const [id, entry] of this.#entries) {
      if (entry.key.topicId !== topicId) continue;
      keys.set(id, entry.key);
      this.#timers.cancel(entry.key.groupId, timerName(entry.key));
    }
    for (const id of this.#stored.keys()) {
      const key = parseEntryId(id);
      if (key.topicId === topicId) keys.set(id, key);
    }
    await this.#deleteStates(keys);
  }

  async #deleteStates(keys: Map<string, SharePartitionKey>): Promise<void> {
    for (const [id, key] of keys) {
      this.#entries.delete(id);
      this.#stored.delete(id);
      await this.#write(key, null);
    }
  }

  /** The log and share-partition of a target, created or restored on first use. */
  async #resolve(groupId: string, target: ShareFetchTarget): Promise<Resolved> {
    const topic = this.#host.metadata.topicById(target.topicId);
    if (!topic) return { error: 'UNKNOWN_TOPIC_ID' };
    const log = this.#host.partitions.get(topic.name, target.partition);
    if (!log) return { error: 'UNKNOWN_TOPIC_OR_PARTITION' };
    const key: SharePartitionKey = { groupId, topicId: target.topicId, partition: target.partition };
    const id = entryId(key);
    let entry = this.#entries.get(id);
    if (!entry) {
      let opening = this.#opening.get(id);
      if (!opening) {
        opening = this.#open(key, topic.name, log).finally(() => this.#opening.delete(id));
        this.#opening.set(id, opening);
      }
      entry = await opening;
    }
    // Retention or DeleteRecords may have moved the log start past records still in flight.
    if (entry.state.advanceTo(log.logStartOffset)) await this.#changed(entry);
    return { entry, log };
  }

  async #open(key: SharePartitionKey, topic: string, log: PartitionLog): Promise<Entry> {
    const id = entryId(key);
    const stored = this.#stored.get(id);
    let entry: Entry;
    if (stored) {
      entry = {
        key,
        topic,
        state: new SharePartitionState(stored.startOffset, stored.stateBatches),
        createTimestamp: stored.createTimestamp,
        snapshotEpoch: stored.snapshotEpoch,
      };
      this.#stored.delete(id);
      this.#entries.set(id, entry);
      return entry;
    }
    const startOffset = await this.#initialOffset(log, this.#settings(key.groupId).autoOffsetReset);
    entry = {
      key,
      topic,
      state: new SharePartitionState(startOffset),
      createTimestamp: BigInt(this.#clock()),
      snapshotEpoch: -1,
    };
    this.#entries.set(id, entry);
    // Stored at once, so that "latest" means the end of the log when the share-partition began.
    await this.#persist(entry);
    this.#logger.debug({ ...key, startOffset: startOffset.toString() }, 'initialized share-partition');
    return entry;
  }

  async #initialOffset(log: PartitionLog, reset: ShareAutoOffsetReset): Promise<bigint> {
    if (reset.type === 'earliest') return log.logStartOffset;
    if (reset.type === 'by_duration') {
      const found = await log.offsetForTimestamp(BigInt(this.#clock() - reset.durationMs));
      return found?.offset ?? log.highWatermark;
    }
    return log.highWatermark;
  }

  /** Reads from where the share-partition next acquires, up to the high watermark or (read_committed) the LSO. */
  async #read(
    resolved: { entry: Entry; log: PartitionLog },
    settings: SharePartitionSettings,
    maxBytes: number,
    minOneBatch: boolean,
  ): Promise<LogBatch[]> {
    const { entry, log } = resolved;
    if (!entry.state.canAcquire(settings.maxRecordLocks)) return [];
    const from = entry.state.nextFetchOffset();
    const key = partitionKey(entry.topic, entry.key.partition);
    const readCommitted = settings.isolationLevel === 'read_committed';
    const maxOffset = readCommitted
      ? this.#host.producers.lastStableOffset(key, log.highWatermark)
      : log.highWatermark;
    if (from >= maxOffset) return [];
    const read = await log.read(from, Math.max(maxBytes, 0), { minOneBatch, maxOffset });
    if ('error' in read || read.records.length === 0) return [];
    const aborted = readCommitted ? this.#host.producers.abortedTransactions(key, from, maxOffset) : [];
    return describeBatches(read.records, aborted);
  }

  /**
   * After a change: store the new state and re-arm the lock timer; when records may have become
   * available (released, expired, or room made in the in-flight window), wake share fetches that wait.
   */
  async #changed(entry: Entry, wake = true): Promise<void> {
    this.#armTimer(entry);
    if (wake) this.#host.partitions.notify(partitionKey(entry.topic, entry.key.partition));
    await this.#persist(entry);
  }

  #armTimer(entry: Entry): void {
    const name = timerName(entry.key);
    const next = entry.state.nextLockExpiry();
    if (next === undefined) {
      this.#timers.cancel(entry.key.groupId, name);
      return;
    }
    this.#timers.schedule(entry.key.groupId, name, Math.max(0, next - this.#clock()), () => {
      if (this.#entries.get(entryId(entry.key)) !== entry) return;
      const { deliveryCountLimit } = this.#settings(entry.key.groupId);
      if (entry.state.expireLocks(this.#clock(), deliveryCountLimit)) void this.#changed(entry);
      else this.#armTimer(entry);
    });
  }

  async #persist(entry: Entry): Promise<void> {
    entry.snapshotEpoch++;
    const now = this.#clock();
    const value = encodeShareSnapshotValue({
      snapshotEpoch: entry.snapshotEpoch,
      stateEpoch: 0,
      leaderEpoch: 0,
      startOffset: entry.state.startOffset,
      createTimestamp: entry.createTimestamp,
      writeTimestamp: BigInt(now),
      stateBatches: entry.state.stateBatches(),
    });
    await this.#write(entry.key, value);
  }

  async #write(key: SharePartitionKey, value: Buffer | null): Promise<void> {
    try {
      await this.#stateLog.append(key, { key: encodeShareKey(key), value }, this.#clock());
    } catch (err) {
      this.#logger.error({ err, ...key }, 'could not store share-partition state');
    }
  }
}

function entryId(key: SharePartitionKey): string {
  return `${key.groupId}\u0000${key.topicId}\u0000${key.partition}`;
}

function parseEntryId(id: string): SharePartitionKey {
  const [groupId, topicId, partition] = id.split('\u0000');
  return { groupId, topicId, partition: Number(partition) };
}

function timerName(key: SharePartitionKey): string {
  return `share-lock:${key.topicId}:${key.partition}`;
}

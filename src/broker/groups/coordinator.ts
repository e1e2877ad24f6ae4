// The group coordinator of the broker (Kafka's GroupCoordinator for a single node): classic groups
// (JoinGroup/SyncGroup), the committed offsets of every group, and their persistence in
// __consumer_offsets. Consumer-protocol groups (KIP-848) are kept by the consumer group coordinator
// (consumer/coordinator.ts); both share one namespace of group ids, one offset store and one
// __consumer_offsets: this coordinator uses it through the ConsumerGroups interface below and hands it,
// through `connect`, a store for its records and the ClassicGroups calls (classicGroupStatus,
// deleteEmptyClassicGroup).
import type { Logger } from 'pino';
import type { ErrorName } from '../../protocol/errors.ts';
import type { BrokerConfig } from '../config/broker-config.ts';
import { ClassicGroup } from './classic-group.ts';
import { type JoinResult, joinError, type SyncResult, syncError } from './classic-member.ts';
import {
  ClassicRebalance,
  type HeartbeatRequest,
  type JoinRequest,
  type LeaveResult,
  type LeavingMember,
  type SyncRequest,
} from './classic-rebalance.ts';
import type { ClassicGroups, ConsumerGroupPersistence } from './consumer/coordinator.ts';
import { recordTypeOf } from './coordinator-record-format.ts';
import {
  decodeGroupMetadataKey,
  decodeGroupMetadataValue,
  decodeOffsetCommitKey,
  decodeOffsetCommitValue,
  groupMetadataRecord,
  offsetCommitRecord,
  RECORD_TYPE,
} from './coordinator-records.ts';
import type {
  CommittedOffset,
  CoordinatorRecord,
  DescribedGroup,
  OffsetCommitIdentity,
  OffsetFetchIdentity,
} from './group.ts';
import { type GroupCoordinatorConfig, groupCoordinatorConfig } from './group-config.ts';
import { OffsetStore } from './offset-store.ts';
import { OffsetsLog, type OffsetsLogHost } from './offsets-log.ts';
import { type Clock, type GroupTimers, SystemTimers } from './timers.ts';

/** A consumer group operation's error, as the consumer group coordinator returns it. */
interface ConsumerGroupError {
  error: ErrorName;
}

/** The consumer-protocol groups, as this coordinator uses them (consumer/coordinator.ts provides it). */
export interface ConsumerGroups {
  groupType(groupId: string): 'consumer' | undefined;
  isEmpty(groupId: string): boolean;
  listGroups(): ListedGroup[];
  validateOffsetCommit(
    groupId: string,
    commit: {
      memberId: string;
      instanceId: string | null;
      memberEpoch: number;
      apiVersion: number;
      transactional: boolean;
    },
  ): ConsumerGroupError | undefined;
  validateOffsetFetch(
    groupId: string,
    memberId: string | null,
    memberEpoch: number,
  ): ConsumerGroupError | undefined;
  /** Deletes an empty consumer group (its own records); its offsets are this coordinator's to delete. */
  deleteGroup(groupId: string): Promise<ConsumerGroupError | undefined>;
  isSubscribedToTopic(groupId: string, topic: string): boolean;
  /** A __consumer_offsets record of a consumer group (key types 3+), at start-up. */
  replay(key: Buffer, value: Buffer | null): void;
  loaded(): void;
  connect(links: { persistence: ConsumerGroupPersistence; classicGroups: ClassicGroups }): void;
}

/** What the coordinator needs of the broker (the Broker class provides it). */
export interface CoordinatorHost extends OffsetsLogHost {
  readonly settings: BrokerConfig;
  readonly logger: Logger;
  readonly consumerGroups: ConsumerGroups;
}

export interface CoordinatorOptions {
  timers?: GroupTimers;
  clock?: Clock;
  /** Member ids for new members (tests make them predictable). */
  newMemberId?: (prefix: string) => string;
}

export interface PartitionCommit {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

export interface CommitRequest {
  groupId: string;
  identity: OffsetCommitIdentity;
  /** OffsetCommit v2–4: how long to keep these offsets; -1 for offsets.retention.minutes. */
  retentionTimeMs: number;
  offsets: readonly PartitionCommit[];
}

export interface RequestedTopic {
  name: string;
  partitions: readonly number[];
}

export interface FetchedOffset {
  topic: string;
  partition: number;
  /** Undefined when nothing is committed. */
  committed: CommittedOffset | undefined;
}

export interface PartitionError {
  topic: string;
  partition: number;
  error?: ErrorName;
}

/** A group as ListGroups lists it. */
export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: string;
}

/** The group-id rule of JoinGroup, SyncGroup, Heartbeat, LeaveGroup and OffsetDelete (not of commits). */
function isValidGroupId(groupId: string | null | undefined): groupId is string {
  return typeof groupId === 'string' && groupId !== '';
}

const DEAD_GROUP: DescribedGroup = { groupState: 'Dead', protocolType: '', protocolData: '', members: [] };

export class GroupCoordinator {
  readonly config: GroupCoordinatorConfig;
  readonly offsets = new OffsetStore();
  readonly timers: GroupTimers;
  readonly clock: Clock;
  readonly classic: ClassicRebalance;
  readonly #consumer: ConsumerGroups;
  readonly #log: OffsetsLog;
  readonly #logger: Logger;
  readonly #groups = new Map<string, ClassicGroup>();
  #expiryTimer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(host: CoordinatorHost, options: CoordinatorOptions = {}) {
    this.config = groupCoordinatorConfig(host.settings);
    this.#logger = host.logger.child({ component: 'group-coordinator' });
    this.timers = options.timers ?? new SystemTimers();
    this.clock = options.clock ?? Date.now;
    this.#log = new OffsetsLog(host, this.#logger);
    this.#consumer = host.consumerGroups;
    this.classic = new ClassicRebalance({
      settings: this.config.classic,
      timers: this.timers,
      clock: this.clock,
      logger: this.#logger,
      store: (group, assignment) => this.#storeClassicGroup(group, assignment),
      newMemberId: options.newMemberId,
    });
    this.#consumer.connect({
      persistence: { append: (groupId, records) => this.#log.append(groupId, records, this.clock()) },
      classicGroups: this,
    });
  }

  // ---- life cycle ----

  /** Restores offsets and groups from __consumer_offsets, then starts offset expiry. */
  async start(): Promise<void> {
    const records = await this.#log.replay((record) => this.#replay(record));
    // Offsets without a group record belong to groups made by OffsetCommit alone.
    for (const groupId of this.offsets.groupIds()) {
      if (!this.#groups.has(groupId) && !this.#consumer.groupType(groupId)) {
        this.#groups.set(groupId, new ClassicGroup(groupId, this.clock()));
      }
    }
    for (const group of this.#groups.values()) this.classic.onLoaded(group);
    this.#consumer.loaded();
    if (records > 0) {
      this.#logger.info({ records, classicGroups: this.#groups.size }, 'loaded groups and offsets');
    }
    this.#scheduleExpiry();
  }

  /** Cancels every timer; requests still waiting are answered NOT_COORDINATOR, as when Kafka moves a group. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
    this.#expiryTimer = null;
    this.timers.cancelAll();
    for (const group of this.#groups.values()) group.shutdown('NOT_COORDINATOR');
    this.#groups.clear();
  }

  /** Creates __consumer_offsets if needed (FindCoordinator does, as Kafka's does). */
  async ensureOffsetsTopic(): Promise<void> {
    await this.#log.ensureTopic();
  }

  /** A classic group, if there is one by this id. */
  group(groupId: string): ClassicGroup | undefined {
    return this.#groups.get(groupId);
  }

  // ---- for the consumer group coordinator ----

  classicGroupStatus(groupId: string): 'none' | 'empty' | 'active' {
    const group = this.#groups.get(groupId);
    if (!group || group.is('Dead')) return 'none';
    return group.is('Empty') ? 'empty' : 'active';
  }

  /** A consumer group takes over the id of an empty classic group (Kafka's online upgrade): offsets stay. */
  async deleteEmptyClassicGroup(groupId: string): Promise<void> {
    const group = this.#groups.get(groupId);
    if (!group?.is('Empty')) return;
    this.#removeGroup(group);
    await this.#log.append(groupId, group.deletionRecords(), this.clock());
  }

  #removeGroup(group: ClassicGroup): void {
    this.#groups.delete(group.groupId);
    this.timers.cancelGroup(group.groupId);
    group.shutdown('COORDINATOR_NOT_AVAILABLE');
  }

  // ---- classic protocol ----

  async joinGroup(groupId: string, request: JoinRequest): Promise<JoinResult> {
    if (!isValidGroupId(groupId)) return joinError('INVALID_GROUP_ID', request.memberId);
    if (!this.classic.validSessionTimeout(request.sessionTimeoutMs)) {
      return joinError('INVALID_SESSION_TIMEOUT', request.memberId);
    }
    if (this.#consumer.groupType(groupId)) {
      // Classic members inside a consumer group are not supported; an empty one gives way (Kafka's
      // online downgrade), keeping the offsets.
      if (!this.#consumer.isEmpty(groupId) || request.memberId !== '') {
        return joinError('INCONSISTENT_GROUP_PROTOCOL', request.memberId);
      }
      const failed = await this.#consumer.deleteGroup(groupId);
      if (failed) return joinError(failed.error, request.memberId);
    }
    const existing = this.#groups.get(groupId);
    if (existing) return this.classic.join(existing, request);
    if (request.memberId !== '') return joinError('UNKNOWN_MEMBER_ID', request.memberId);
    const group = new ClassicGroup(groupId, this.clock());
    this.#groups.set(groupId, group);
    const result = this.classic.join(group, request);
    // Kafka stores a group as soon as JoinGroup creates it, even before it has a member.
    if (group.is('Empty')) this.classic.storeNewGroup(group);
    return result;
  }

  /** The classic group a member's SyncGroup, Heartbeat or LeaveGroup is for, or why there is none. */
  #memberGroup(groupId: string): ClassicGroup | ErrorName {
    if (!isValidGroupId(groupId)) return 'INVALID_GROUP_ID';
    return this.#groups.get(groupId) ?? 'UNKNOWN_MEMBER_ID';
  }

  async syncGroup(groupId: string, request: SyncRequest): Promise<SyncResult> {
    const group = this.#memberGroup(groupId);
    if (typeof group === 'string') return syncError(group);
    return this.classic.sync(group, request);
  }

  heartbeat(groupId: string, request: HeartbeatRequest): ErrorName | undefined {
    const group = this.#memberGroup(groupId);
    if (typeof group === 'string') return group;
    return this.classic.heartbeat(group, request);
  }

  /** The top-level error, or each member's answer. */
  leaveGroup(
    groupId: string,
    members: readonly LeavingMember[],
  ): { error: ErrorName } | { members: LeaveResult[] } {
    const group = this.#memberGroup(groupId);
    if (typeof group === 'string') return { error: group };
    if (group.is('Dead')) return { error: 'COORDINATOR_NOT_AVAILABLE' };
    return { members: this.classic.leave(group, members) };
  }

  async #storeClassicGroup(group: ClassicGroup, assignment?: ReadonlyMap<string, Buffer>): Promise<void> {
    const record = groupMetadataRecord(group.groupId, group.toStored(assignment));
    await this.#log.append(group.groupId, [record], this.clock());
  }

  // ---- offsets ----

  /** Who may commit: the group checks; a commit outside group management may create a group. */
  #validateCommit(groupId: string, identity: OffsetCommitIdentity): ErrorName | undefined {
    if (this.#consumer.groupType(groupId)) {
      return this.#consumer.validateOffsetCommit(groupId, {
        memberId: identity.memberId,
        instanceId: identity.groupInstanceId,
        memberEpoch: identity.generationIdOrMemberEpoch,
        apiVersion: identity.apiVersion,
        transactional: false,
      })?.error;
    }
    let group = this.#groups.get(groupId);
    if (!group) {
      // A commit outside group management (generation -1) makes a "simple" group; otherwise the
      // member's group is gone: v9+ says so, older versions say the generation is stale.
      if (identity.generationIdOrMemberEpoch >= 0) {
        return identity.apiVersion >= 9 ? 'GROUP_ID_NOT_FOUND' : 'ILLEGAL_GENERATION';
      }
      group = new ClassicGroup(groupId, this.clock());
      this.#groups.set(groupId, group);
    }
    return group.validateOffsetCommit(identity);
  }

  /** Stores the offsets; resolves with each partition's error (aligned with the request), once durable. */
  async commitOffsets(request: CommitRequest): Promise<(ErrorName | undefined)[]> {
    const { groupId } = request;
    const groupError = this.#validateCommit(groupId, request.identity);
    if (groupError) return request.offsets.map(() => groupError);
    const now = this.clock();
    const expireTimestampMs = request.retentionTimeMs >= 0 ? now + request.retentionTimeMs : undefined;
    const errors: (ErrorName | undefined)[] = [];
    const accepted: { commit: PartitionCommit; committed: CommittedOffset }[] = [];
    for (const commit of request.offsets) {
      const metadata = commit.metadata ?? '';
      if (Buffer.byteLength(metadata) > this.config.offsetMetadataMaxBytes) {
        errors.push('OFFSET_METADATA_TOO_LARGE');
        continue;
      }
      errors.push(undefined);
      const committed: CommittedOffset = {
        offset: commit.offset,
        leaderEpoch: commit.leaderEpoch,
        metadata,
        commitTimestampMs: now,
      };
      if (expireTimestampMs !== undefined) committed.expireTimestampMs = expireTimestampMs;
      accepted.push({ commit, committed });
    }
    const records = accepted.map(({ commit, committed }) =>
      offsetCommitRecord({ group: groupId, topic: commit.topic, partition: commit.partition }, committed),
    );
    try {
      await this.#log.append(groupId, records, now);
    } catch (error) {
      this.#logger.warn({ groupId, err: error }, 'could not store committed offsets');
      return errors.map((e) => e ?? 'NOT_COORDINATOR');
    }
    for (const { commit, committed } of accepted) {
      this.offsets.set(groupId, commit.topic, commit.partition, committed);
    }
    return errors;
  }

  /** Committed offsets of the topics asked for (null: every topic the group has offsets for). */
  fetchOffsets(
    groupId: string,
    identity: OffsetFetchIdentity,
    topics: readonly RequestedTopic[] | null,
  ): { error: ErrorName } | { offsets: FetchedOffset[] } {
    const error = this.#consumer.groupType(groupId)
      ? this.#consumer.validateOffsetFetch(groupId, identity.memberId, identity.memberEpoch)?.error
      : this.#groups.get(groupId)?.validateOffsetFetch();
    if (error) return { error };
    if (topics === null) {
      return {
        offsets: [...this.offsets.offsetsOf(groupId)].map(({ topic, partition, offset }) => ({
          topic,
          partition,
          committed: offset,
        })),
      };
    }
    const offsets: FetchedOffset[] = [];
    for (const topic of topics) {
      for (const partition of topic.partitions) {
        offsets.push({
          topic: topic.name,
          partition,
          committed: this.offsets.get(groupId, topic.name, partition),
        });
      }
    }
    return { offsets };
  }

  #isSubscribed(groupId: string, topic: string): boolean {
    if (this.#consumer.groupType(groupId)) return this.#consumer.isSubscribedToTopic(groupId, topic);
    return this.#groups.get(groupId)?.isSubscribedToTopic(topic) ?? false;
  }

  /** OffsetDelete: the group's error, or each partition's; offsets of subscribed topics stay. */
  async deleteOffsets(
    groupId: string,
    topics: readonly RequestedTopic[],
  ): Promise<{ error: ErrorName } | { partitions: PartitionError[] }> {
    if (!isValidGroupId(groupId)) return { error: 'INVALID_GROUP_ID' };
    const classic = this.#groups.get(groupId);
    if (!classic && !this.#consumer.groupType(groupId)) return { error: 'GROUP_ID_NOT_FOUND' };
    const error = classic?.validateOffsetDelete();
    if (error) return { error };
    const partitions: PartitionError[] = [];
    const deleted: { topic: string; partition: number }[] = [];
    for (const topic of topics) {
      const subscribed = this.#isSubscribed(groupId, topic.name);
      for (const partition of topic.partitions) {
        if (subscribed) {
          partitions.push({ topic: topic.name, partition, error: 'GROUP_SUBSCRIBED_TO_TOPIC' });
          continue;
        }
        partitions.push({ topic: topic.name, partition });
        if (this.offsets.get(groupId, topic.name, partition)) deleted.push({ topic: topic.name, partition });
      }
    }
    try {
      await this.#removeOffsets(groupId, deleted);
    } catch (err) {
      this.#logger.warn({ groupId, err }, 'could not delete offsets');
      return { error: 'NOT_COORDINATOR' };
    }
    return { partitions };
  }

  /** Writes the tombstones of these offsets (and `extraRecords`), then forgets the offsets. */
  async #removeOffsets(
    groupId: string,
    offsets: readonly { topic: string; partition: number }[],
    extraRecords: readonly CoordinatorRecord[] = [],
  ): Promise<void> {
    const records = offsets.map(({ topic, partition }) =>
      offsetCommitRecord({ group: groupId, topic, partition }, null),
    );
    await this.#log.append(groupId, [...records, ...extraRecords], this.clock());
    for (const { topic, partition } of offsets) this.offsets.delete(groupId, topic, partition);
  }

  /** Kafka removes the offsets of a deleted topic from every group. */
  async onTopicDeleted(topic: string): Promise<void> {
    for (const groupId of this.offsets.groupsWithTopic(topic)) {
      const partitions = this.offsets.partitionsOf(groupId, topic).map((partition) => ({ topic, partition }));
      await this.#removeOffsets(groupId, partitions).catch((err: Error) =>
        this.#logger.warn({ groupId, topic, err }, 'could not delete the offsets of a deleted topic'),
      );
    }
  }

  // ---- admin ----

  /** ListGroups: classic and consumer groups, by state and type names (case-insensitive; empty = all). */
  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): ListedGroup[] {
    const states = new Set(statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(typesFilter.map((t) => t.toLowerCase()));
    const classic = [...this.#groups.values()]
      .filter((g) => !g.is('Dead'))
      .map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        groupState: g.state,
        groupType: 'classic',
      }));
    return [...classic, ...this.#consumer.listGroups()].filter(
      (g) =>
        (states.size === 0 || states.has(g.groupState.toLowerCase())) &&
        (types.size === 0 || types.has(g.groupType)),
    );
  }

  /**
   * DescribeGroups (up to v5): an unknown group is described as Dead, and so is a consumer group, which
   * this API cannot describe (Kafka answers both so before DescribeGroups v6).
   */
  describeGroup(groupId: string): DescribedGroup {
    return this.#groups.get(groupId)?.describe() ?? DEAD_GROUP;
  }

  /** DeleteGroups: each group's error; a deleted group loses its offsets. */
  async deleteGroups(groupIds: readonly string[]): Promise<(ErrorName | undefined)[]> {
    const results: (ErrorName | undefined)[] = [];
    for (const groupId of groupIds) {
      try {
        results.push(await this.#deleteGroup(groupId));
      } catch (err) {
        this.#logger.warn({ groupId, err }, 'could not delete group');
        results.push('NOT_COORDINATOR');
      }
    }
    return results;
  }

  async #deleteGroup(groupId: string): Promise<ErrorName | undefined> {
    const offsets = [...this.offsets.offsetsOf(groupId)];
    if (this.#consumer.groupType(groupId)) {
      const failed = await this.#consumer.deleteGroup(groupId);
      if (failed) return failed.error;
      await this.#removeOffsets(groupId, offsets);
    } else {
      const group = this.#groups.get(groupId);
      const error = group ? group.validateDeleteGroup() : 'GROUP_ID_NOT_FOUND';
      if (error || !group) return error;
      this.#removeGroup(group);
      await this.#removeOffsets(groupId, offsets, group.deletionRecords());
    }
    this.#logger.info({ groupId }, 'deleted group');
    return undefined;
  }

  // ---- expiry ----

  #scheduleExpiry(): void {
    if (this.#stopped) return;
    this.#expiryTimer = setTimeout(() => {
      this.expireOffsets()
        .catch((err: Error) => this.#logger.warn({ err }, 'offset expiry failed'))
        .finally(() => this.#scheduleExpiry());
    }, this.config.offsetsRetentionCheckIntervalMs);
    this.#expiryTimer.unref();
  }

  /**
   * When an offset's retention counts from, or undefined when the group's offsets may not expire now:
   * classic groups per ClassicGroup.offsetExpirationBase; a consumer group's offsets count from their
   * commit (those of subscribed topics are kept by the caller).
   */
  #expirationBase(groupId: string): ((offset: CommittedOffset) => number) | undefined {
    if (this.#consumer.groupType(groupId)) return (offset) => offset.commitTimestampMs;
    return this.#groups.get(groupId)?.offsetExpirationBase();
  }

  #isEmptyGroup(groupId: string): boolean {
    if (this.#consumer.groupType(groupId)) return this.#consumer.isEmpty(groupId);
    return this.#groups.get(groupId)?.is('Empty') ?? false;
  }

  /**
   * Kafka's offset expiry: offsets older than offsets.retention.minutes are removed from groups that
   * allow it (empty ones, counting from when they became empty; groups made by commits alone and
   * consumer groups, counting from the commit; stable classic consumer groups, for topics they no longer
   * subscribe to), never those of a subscribed topic; an empty group left without offsets is deleted.
   * Resolves with the number of offsets removed.
   */
  async expireOffsets(): Promise<number> {
    const now = this.clock();
    let expired = 0;
    const groupIds = new Set([...this.#groups.keys(), ...this.#consumer.listGroups().map((g) => g.groupId)]);
    for (const groupId of groupIds) {
      const base = this.#expirationBase(groupId);
      const all = [...this.offsets.offsetsOf(groupId)];
      const stale = base
        ? all.filter(
            ({ topic, offset }) =>
              !this.#isSubscribed(groupId, topic) && this.#isExpired(offset, base(offset), now),
          )
        : [];
      const deleteGroup = this.#isEmptyGroup(groupId) && stale.length === all.length;
      if (stale.length === 0 && !deleteGroup) continue;
      if (deleteGroup) await this.#deleteGroup(groupId);
      else await this.#removeOffsets(groupId, stale);
      expired += stale.length;
      this.#logger.info(
        { groupId, offsets: stale.length, groupDeleted: deleteGroup },
        'expired committed offsets',
      );
    }
    return expired;
  }

  #isExpired(offset: CommittedOffset, baseMs: number, now: number): boolean {
    if (offset.expireTimestampMs !== undefined) return now >= offset.expireTimestampMs;
    return now - baseMs >= this.config.offsetsRetentionMs;
  }

  // ---- replay ----

  #replay(record: CoordinatorRecord): void {
    switch (recordTypeOf(record.key)) {
      case RECORD_TYPE.legacyOffsetCommit:
      case RECORD_TYPE.offsetCommit: {
        const key = decodeOffsetCommitKey(record.key);
        if (record.value === null) this.offsets.delete(key.group, key.topic, key.partition);
        else this.offsets.set(key.group, key.topic, key.partition, decodeOffsetCommitValue(record.value));
        return;
      }
      case RECORD_TYPE.groupMetadata: {
        const groupId = decodeGroupMetadataKey(record.key);
        if (record.value === null) this.#groups.delete(groupId);
        else {
          const stored = decodeGroupMetadataValue(record.value);
          this.#groups.set(groupId, ClassicGroup.fromStored(groupId, stored, this.clock()));
        }
        return;
      }
      default:
        this.#consumer.replay(record.key, record.value);
    }
  }
}

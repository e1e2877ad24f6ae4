// The group coordinator of the broker (Kafka's GroupCoordinator for a single node): classic groups
// (JoinGroup/SyncGroup), the committed offsets of every group, and their persistence in
// __consumer_offsets. Consumer-protocol groups (KIP-848) are kept by the consumer group coordinator
// (consumer/coordinator.ts); both share one namespace of group ids, one offset store and one
// __consumer_offsets: this coordinator uses it through the ConsumerGroups interface below and hands it,
// through `connect`, a store for its records and the ClassicGroups calls (classicGroupStatus,
// deleteEmptyClassicGroup).
import type { Logger } from 'pino';
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';
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
import { OFFSETS_TOPIC, OffsetsLog, type OffsetsLogHost, type ReplayedRecord } from './offsets-log.ts';
import { type PendingOffset, PendingTxnOffsets } from './pending-txn-offsets.ts';
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

/** The transaction coordinator, as TxnOffsetCommit asks it whether the offsets belong to the transaction. */
export interface TransactionVerifier {
  /** undefined when the partition is in the producer's ongoing transaction. */
  verifyPartition(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    topic: string,
    partition: number,
  ): ErrorName | undefined;
}

/** The KIP-932 share groups, as this coordinator uses them (share/coordinator.ts provides it). */
export interface ShareGroups {
  groupType(groupId: string): 'share' | undefined;
  listGroups(): ListedGroup[];
  /** Deletes an empty share group (its records, and its share state through the share partitions). */
  deleteGroup(groupId: string): Promise<ConsumerGroupError | undefined>;
  /** A __consumer_offsets record of a share group (key types 10+), at start-up. */
  replay(key: Buffer, value: Buffer | null): void;
  loaded(): void;
  connect(links: {
    persistence: ConsumerGroupPersistence;
    otherGroups: { groupType(groupId: string): 'classic' | 'consumer' | undefined };
  }): void;
}

/** What the coordinator needs of the broker (the Broker class provides it). */
export interface CoordinatorHost extends OffsetsLogHost {
  readonly settings: BrokerConfig;
  readonly logger: Logger;
  readonly consumerGroups: ConsumerGroups;
  /** Absent in tests of the other group types alone. */
  readonly shareGroups?: ShareGroups;
  /** Absent where there is no transaction coordinator (tests of groups alone): nothing is verified. */
  readonly transactions?: TransactionVerifier;
}

/** A transaction's end as the transaction coordinator writes it into a __consumer_offsets partition. */
export interface TxnMarker {
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  commit: boolean;
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

/** TxnOffsetCommit: offsets stored for a transaction, visible once it commits. */
export interface TxnCommitRequest extends CommitRequest {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
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
  /** UNSTABLE_OFFSET_COMMIT when require_stable was asked and a transaction has an offset pending. */
  error?: ErrorName;
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
  readonly #pending = new PendingTxnOffsets();
  readonly timers: GroupTimers;
  readonly clock: Clock;
  readonly classic: ClassicRebalance;
  readonly #consumer: ConsumerGroups;
  readonly #share: ShareGroups | undefined;
  readonly #log: OffsetsLog;
  readonly #host: CoordinatorHost;
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
    this.#share = host.shareGroups;
    // The broker makes its transaction coordinator after this one: look it up when needed.
    this.#host = host;
    this.classic = new ClassicRebalance({
      settings: this.config.classic,
      timers: this.timers,
      clock: this.clock,
      logger: this.#logger,
      store: (group, assignment) => this.#storeClassicGroup(group, assignment),
      newMemberId: options.newMemberId,
    });
    this.#consumer.connect({
      persistence: {
        append: async (groupId, records) => {
          await this.#log.append(groupId, records, this.clock());
        },
      },
      classicGroups: this,
    });
    this.#share?.connect({
      persistence: {
        append: async (groupId, records) => {
          await this.#log.append(groupId, records, this.clock());
        },
      },
      otherGroups: {
        groupType: (groupId) =>
          this.classicGroupStatus(groupId) !== 'none'
            ? 'classic'
            : this.#consumer.groupType(groupId) && 'consumer',
      },
    });
  }

  // ---- life cycle ----

  /** Restores offsets and groups from __consumer_offsets, then starts offset expiry. */
  async start(): Promise<void> {
    const records = await this.#log.replay({
      record: (record) => this.#replay(record),
      marker: (partition, producerId, commit) => this.#endTransaction(partition, producerId, commit),
    });
    // Offsets without a group record belong to groups made by OffsetCommit alone.
    for (const groupId of new Set([...this.offsets.groupIds(), ...this.#pending.groupIds()])) {
      if (!this.#groups.has(groupId) && !this.#consumer.groupType(groupId)) {
        this.#groups.set(groupId, new ClassicGroup(groupId, this.clock()));
      }
    }
    for (const group of this.#groups.values()) this.classic.onLoaded(group);
    this.#consumer.loaded();
    this.#share?.loaded();
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

  /** The __consumer_offsets partition of a group, the topic created first if needed (for transactions). */
  async offsetsPartition(groupId: string): Promise<{ topic: string; partition: number }> {
    await this.#log.ensureTopic();
    return { topic: OFFSETS_TOPIC, partition: this.#log.partitionFor(groupId) };
  }

  /** A classic group, if there is one by this id. */
  group(groupId: string): ClassicGroup | undefined {
    return this.#groups.get(groupId);
  }

  // ---- for the consumer group coordinator ----

  classicGroupStatus(groupId: string): 'none' | 'empty' | 'active' {
    // A share group holds its id as an active group would: a consumer group cannot take it.
    if (this.#share?.groupType(groupId)) return 'active';
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
    if (this.#share?.groupType(groupId)) return joinError('INCONSISTENT_GROUP_PROTOCOL', request.memberId);
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
    // Kafka answers a leave of a share group's id member by member: none of them is a classic member.
    if (this.#share?.groupType(groupId)) {
      return {
        members: members.map(({ memberId, groupInstanceId }) => ({
          memberId,
          groupInstanceId,
          errorCode: ERRORS.UNKNOWN_MEMBER_ID.code,
        })),
      };
    }
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
    const transactional = identity.transactional ?? false;
    // Share groups keep no committed offsets: Kafka answers a commit to one as to no group at all.
    if (this.#share?.groupType(groupId)) return 'GROUP_ID_NOT_FOUND';
    if (this.#consumer.groupType(groupId)) {
      const error = this.#consumer.validateOffsetCommit(groupId, {
        memberId: identity.memberId,
        instanceId: identity.groupInstanceId,
        memberEpoch: identity.generationIdOrMemberEpoch,
        apiVersion: identity.apiVersion,
        transactional,
      })?.error;
      // TxnOffsetCommit knows generations only: Kafka answers a stale member epoch as one.
      return transactional && error === 'STALE_MEMBER_EPOCH' ? 'ILLEGAL_GENERATION' : error;
    }
    let group = this.#groups.get(groupId);
    if (!group) {
      // A commit outside group management (generation -1) makes a "simple" group; otherwise the
      // member's group is gone: OffsetCommit v9+ says so, older versions and TxnOffsetCommit say the
      // generation is stale.
      if (identity.generationIdOrMemberEpoch >= 0) {
        return identity.apiVersion >= 9 && !transactional ? 'GROUP_ID_NOT_FOUND' : 'ILLEGAL_GENERATION';
      }
      group = new ClassicGroup(groupId, this.clock());
      this.#groups.set(groupId, group);
    }
    return group.validateOffsetCommit(identity);
  }

  /** Stores the offsets; resolves with each partition's error (aligned with the request), once durable. */
  async commitOffsets(request: CommitRequest): Promise<(ErrorName | undefined)[]> {
    const groupError = this.#validateCommit(request.groupId, request.identity);
    if (groupError) return request.offsets.map(() => groupError);
    const now = this.clock();
    const expireTimestampMs = request.retentionTimeMs >= 0 ? now + request.retentionTimeMs : undefined;
    const { errors, accepted } = this.#acceptOffsets(request, now, expireTimestampMs);
    const stored = await this.#storeOffsets(request.groupId, accepted, now);
    if (!stored) return errors.map((e) => e ?? 'NOT_COORDINATOR');
    for (const pending of accepted) {
      this.offsets.set(pending.groupId, pending.topic, pending.partition, pending.offset);
    }
    return errors;
  }

  /**
   * TxnOffsetCommit: the group checks the member as for a commit (more leniently), the transaction
   * coordinator that __consumer_offsets is in the producer's transaction (AddOffsetsToTxn), then the
   * offsets are written as a transactional batch and stay pending until the transaction's marker.
   */
  async commitTransactionalOffsets(request: TxnCommitRequest): Promise<(ErrorName | undefined)[]> {
    const { groupId, producerId, producerEpoch } = request;
    const groupError =
      this.#validateProducer(request) ??
      this.#validateCommit(groupId, { ...request.identity, transactional: true });
    if (groupError) return request.offsets.map(() => groupError);
    const now = this.clock();
    const { errors, accepted } = this.#acceptOffsets(request, now, undefined);
    const stored = await this.#storeOffsets(groupId, accepted, now, { producerId, producerEpoch });
    if (!stored) return errors.map((e) => e ?? 'NOT_COORDINATOR');
    for (const pending of accepted) this.#pending.add(producerId, producerEpoch, pending);
    return errors;
  }

  /** The producer's right to add offsets to its transaction, as the log and Kafka's verification see it. */
  #validateProducer(request: TxnCommitRequest): ErrorName | undefined {
    const { producerId, producerEpoch } = request;
    // The partition's producer state refuses an older epoch than the one it has seen.
    const pendingEpoch = this.#pending.epochOf(producerId);
    if (pendingEpoch !== undefined && producerEpoch < pendingEpoch) return 'INVALID_PRODUCER_EPOCH';
    const error = this.#host.transactions?.verifyPartition(
      request.transactionalId,
      producerId,
      producerEpoch,
      OFFSETS_TOPIC,
      this.#log.partitionFor(request.groupId),
    );
    // Kafka's verification answers as it does to a Produce: a fenced producer sees an epoch error, and
    // clients before TxnOffsetCommit v4 an invalid state for a partition outside the transaction.
    if (error === 'PRODUCER_FENCED') return 'INVALID_PRODUCER_EPOCH';
    if (error === 'TRANSACTION_ABORTABLE' && request.identity.apiVersion < 4) return 'INVALID_TXN_STATE';
    return error;
  }

  /** Each offset's error (aligned with the request) and those accepted, stamped with the commit time. */
  #acceptOffsets(
    request: CommitRequest,
    now: number,
    expireTimestampMs: number | undefined,
  ): { errors: (ErrorName | undefined)[]; accepted: PendingOffset[] } {
    const errors: (ErrorName | undefined)[] = [];
    const accepted: PendingOffset[] = [];
    for (const commit of request.offsets) {
      const metadata = commit.metadata ?? '';
      if (Buffer.byteLength(metadata) > this.config.offsetMetadataMaxBytes) {
        errors.push('OFFSET_METADATA_TOO_LARGE');
        continue;
      }
      errors.push(undefined);
      const offset: CommittedOffset = {
        offset: commit.offset,
        leaderEpoch: commit.leaderEpoch,
        metadata,
        commitTimestampMs: now,
      };
      if (expireTimestampMs !== undefined) offset.expireTimestampMs = expireTimestampMs;
      accepted.push({ groupId: request.groupId, topic: commit.topic, partition: commit.partition, offset });
    }
    return { errors, accepted };
  }

  /** Writes the offsets' records as one batch and notes where each landed; false when that failed. */
  async #storeOffsets(
    groupId: string,
    accepted: readonly PendingOffset[],
    now: number,
    producer?: { producerId: bigint; producerEpoch: number },
  ): Promise<boolean> {
    const records = accepted.map(({ topic, partition, offset }) =>
      offsetCommitRecord({ group: groupId, topic, partition }, offset),
    );
    try {
      const baseOffset = await this.#log.append(groupId, records, now, producer);
      accepted.forEach(({ offset }, i) => {
        offset.recordOffset = baseOffset + BigInt(i);
      });
      return true;
    } catch (error) {
      this.#logger.warn({ groupId, err: error }, 'could not store committed offsets');
      return false;
    }
  }

  /**
   * A transaction's marker was written to __consumer_offsets partition `partition` (the transaction
   * coordinator's markers call this): a commit makes the producer's offsets pending in that partition's
   * groups committed, where no newer commit has replaced them; an abort drops them.
   */
  onTxnMarker(partition: number, marker: TxnMarker): void {
    this.#endTransaction(partition, marker.producerId, marker.commit);
  }

  #endTransaction(partition: number, producerId: bigint, commit: boolean): void {
    const ended = this.#pending.complete(
      producerId,
      (groupId) => this.#log.partitionFor(groupId) === partition,
    );
    if (!commit || ended.length === 0) return;
    for (const { groupId, topic, partition: p, offset } of ended) {
      const current = this.offsets.get(groupId, topic, p);
      const newer =
        current?.recordOffset !== undefined &&
        offset.recordOffset !== undefined &&
        current.recordOffset > offset.recordOffset;
      if (!newer) this.offsets.set(groupId, topic, p, offset);
    }
    this.#logger.debug(
      { producerId: producerId.toString(), offsets: ended.length },
      'committed transactional offsets',
    );
  }

  /** Committed offsets of the topics asked for (null: every topic the group has offsets for). */
  fetchOffsets(
    groupId: string,
    identity: OffsetFetchIdentity,
    topics: readonly RequestedTopic[] | null,
    requireStable = false,
  ): { error: ErrorName } | { offsets: FetchedOffset[] } {
    const error = this.#consumer.groupType(groupId)
      ? this.#consumer.validateOffsetFetch(groupId, identity.memberId, identity.memberEpoch)?.error
      : this.#groups.get(groupId)?.validateOffsetFetch();
    if (error) return { error };
    if (topics === null) {
      return {
        offsets: [...this.offsets.offsetsOf(groupId)].map(({ topic, partition, offset }) =>
          this.#fetched(groupId, topic, partition, offset, requireStable),
        ),
      };
    }
    const offsets: FetchedOffset[] = [];
    for (const topic of topics) {
      for (const partition of topic.partitions) {
        const committed = this.offsets.get(groupId, topic.name, partition);
        offsets.push(this.#fetched(groupId, topic.name, partition, committed, requireStable));
      }
    }
    return { offsets };
  }

  /** With require_stable, a partition a transaction has an offset pending for has none to give yet. */
  #fetched(
    groupId: string,
    topic: string,
    partition: number,
    committed: CommittedOffset | undefined,
    requireStable: boolean,
  ): FetchedOffset {
    if (requireStable && this.#pending.has(groupId, topic, partition)) {
      return { topic, partition, committed: undefined, error: 'UNSTABLE_OFFSET_COMMIT' };
    }
    return { topic, partition, committed };
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
        if (this.#hasAnyOffset(groupId, topic.name, partition))
          deleted.push({ topic: topic.name, partition });
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

  /** A committed offset, or one a transaction has pending: either needs a tombstone to go. */
  #hasAnyOffset(groupId: string, topic: string, partition: number): boolean {
    return (
      this.offsets.get(groupId, topic, partition) !== undefined ||
      this.#pending.has(groupId, topic, partition)
    );
  }

  /** Writes the tombstones of these offsets (and `extraRecords`), then forgets them, pending ones too. */
  async #removeOffsets(
    groupId: string,
    offsets: readonly { topic: string; partition: number }[],
    extraRecords: readonly CoordinatorRecord[] = [],
  ): Promise<void> {
    const records = offsets.map(({ topic, partition }) =>
      offsetCommitRecord({ group: groupId, topic, partition }, null),
    );
    await this.#log.append(groupId, [...records, ...extraRecords], this.clock());
    for (const { topic, partition } of offsets) {
      this.offsets.delete(groupId, topic, partition);
      this.#pending.delete(groupId, topic, partition);
    }
  }

  /** Kafka removes the offsets of a deleted topic from every group. */
  async onTopicDeleted(topic: string): Promise<void> {
    const groupIds = new Set([
      ...this.offsets.groupsWithTopic(topic),
      ...this.#pending.groupsWithTopic(topic),
    ]);
    for (const groupId of groupIds) {
      const partitions = this.#offsetPartitionsOf(groupId).filter((p) => p.topic === topic);
      await this.#removeOffsets(groupId, partitions).catch((err: Error) =>
        this.#logger.warn({ groupId, topic, err }, 'could not delete the offsets of a deleted topic'),
      );
    }
  }

  // ---- admin ----

  /** ListGroups: classic, consumer and share groups, by state and type names (case-insensitive; empty = all). */
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
    return [...classic, ...this.#consumer.listGroups(), ...(this.#share?.listGroups() ?? [])].filter(
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

  /** Every partition with a committed or a pending offset in the group, each once. */
  #offsetPartitionsOf(groupId: string): { topic: string; partition: number }[] {
    const committed = [...this.offsets.offsetsOf(groupId)].map(({ topic, partition }) => ({
      topic,
      partition,
    }));
    const pendingOnly = this.#pending
      .partitionsOf(groupId)
      .filter(({ topic, partition }) => !this.offsets.get(groupId, topic, partition));
    return [...committed, ...pendingOnly];
  }

  /** Deleting a group tombstones its offsets, those transactions have pending too (as Kafka). */
  async #deleteGroup(groupId: string): Promise<ErrorName | undefined> {
    const offsets = this.#offsetPartitionsOf(groupId);
    if (this.#share?.groupType(groupId)) {
      const failed = await this.#share.deleteGroup(groupId);
      if (failed) return failed.error;
    } else if (this.#consumer.groupType(groupId)) {
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
      // An offset a transaction has pending a new value for waits for the transaction to end.
      const stale = base
        ? all.filter(
            ({ topic, partition, offset }) =>
              !this.#isSubscribed(groupId, topic) &&
              this.#isExpired(offset, base(offset), now) &&
              !this.#pending.has(groupId, topic, partition),
          )
        : [];
      // A group with transactions still open stays, even without offsets.
      const deleteGroup =
        this.#isEmptyGroup(groupId) &&
        stale.length === all.length &&
        !this.#pending.hasOpenTransactions(groupId);
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

  #replay(record: ReplayedRecord): void {
    switch (recordTypeOf(record.key)) {
      case RECORD_TYPE.legacyOffsetCommit:
      case RECORD_TYPE.offsetCommit: {
        const key = decodeOffsetCommitKey(record.key);
        if (record.value === null) {
          this.offsets.delete(key.group, key.topic, key.partition);
          this.#pending.delete(key.group, key.topic, key.partition);
          return;
        }
        const offset = { ...decodeOffsetCommitValue(record.value), recordOffset: record.offset };
        const { producer } = record;
        if (!producer) this.offsets.set(key.group, key.topic, key.partition, offset);
        else {
          const pending = { groupId: key.group, topic: key.topic, partition: key.partition, offset };
          this.#pending.add(producer.producerId, producer.producerEpoch, pending);
        }
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
        this.#share?.replay(record.key, record.value);
    }
  }
}

// The consumer protocol's coordinator (KIP-848): the consumer groups, ConsumerGroupHeartbeat and
// ConsumerGroupDescribe on them, the timers that fence silent members, and the groups' records in
// __consumer_offsets. The decisions are made by the pure modules next to it (heartbeat, fencing,
// reconciliation, assignors); this shell feeds them the clock and the topics, hands what they emit to the
// group coordinator to store, and re-arms timers. Group ids are one namespace with classic groups: the
// group coordinator (../coordinator.ts) calls the methods under "For the group coordinator" and connects
// its store and classic groups through `connect`.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ERRORS } from '../../../protocol/errors.ts';
import type { BrokerConfig } from '../../config/broker-config.ts';
import { ALL_GROUP_OPERATIONS, type CoordinatorRecord } from '../group.ts';
import { type ConsumerGroupConfig, consumerGroupConfig } from './config.ts';
import { ConsumerGroup, type ConsumerGroupState, type OffsetCommitter } from './consumer-group.ts';
import { AUTHORIZED_OPERATIONS_OMITTED, type DescribedGroup, describeConsumerGroup } from './describe.ts';
import { expireMembers, type LeaveResponse, leaveGroup } from './fencing.ts';
import { GroupChanges, type OperationContext } from './group-changes.ts';
import { type GroupError, groupError, isGroupError } from './group-error.ts';
import { type HeartbeatResponse, heartbeat } from './heartbeat.ts';
import { type HeartbeatRequest, invalidHeartbeat, invalidRegex } from './heartbeat-request.ts';
import { LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH } from './member.ts';
import { decodeConsumerGroupRecord, encodeConsumerGroupRecord } from './record-codec.ts';
import type { ConsumerGroupRecord } from './records.ts';
import type { TopicCatalog } from './subscriptions.ts';

/** Where the groups' records are stored: the group's partition of __consumer_offsets. */
export interface ConsumerGroupPersistence {
  /** Resolves once the records are as durable as committed offsets. */
  append(groupId: string, records: CoordinatorRecord[]): Promise<void>;
}

/** The classic groups, which share the group id namespace. */
export interface ClassicGroups {
  classicGroupStatus(groupId: string): 'none' | 'empty' | 'active';
  /** Removes an empty classic group, keeping its committed offsets, for a consumer group to take its id. */
  deleteEmptyClassicGroup(groupId: string): Promise<void>;
}

export interface ConsumerGroupCoordinatorOptions {
  config: ConsumerGroupConfig;
  catalog: TopicCatalog;
  logger: Logger;
  /** The clock; tests move it by hand. */
  now?: () => number;
}

export interface RequestOrigin {
  clientId: string;
  /** The client's address as Kafka shows it (`/127.0.0.1`). */
  clientHost: string;
  apiVersion: number;
}

export interface ListedConsumerGroup {
  groupId: string;
  protocolType: 'consumer';
  groupState: ConsumerGroupState;
  groupType: 'consumer';
}

/** Kafka's Uuid.randomUuid().toString(): 16 random bytes in URL-safe base64, never starting with '-'. */
function randomMemberId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export class ConsumerGroupCoordinator {
  private readonly config: ConsumerGroupConfig;
  private readonly catalog: TopicCatalog;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private persistence: ConsumerGroupPersistence | undefined;
  private classicGroups: ClassicGroups | undefined;

  constructor(options: ConsumerGroupCoordinatorOptions) {
    this.config = options.config;
    this.catalog = options.catalog;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
  }

  /** The group coordinator connects its __consumer_offsets store and its classic groups. */
  connect(links: { persistence: ConsumerGroupPersistence; classicGroups: ClassicGroups }): void {
    this.persistence = links.persistence;
    this.classicGroups = links.classicGroups;
  }

  async heartbeat(
    request: HeartbeatRequest,
    origin: RequestOrigin,
  ): Promise<HeartbeatResponse | LeaveResponse | GroupError> {
    // Kafka still advertises the API when the consumer protocol is disabled, and refuses every request.
    if (!this.config.enabled) return groupError('UNSUPPORTED_VERSION');
    const invalid =
      invalidHeartbeat(request, origin.apiVersion, this.config.assignors) ??
      invalidRegex(request.subscribedTopicRegex);
    if (invalid) return invalid;
    const { groupId, memberEpoch } = request;
    const leaving =
      memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH;
    const group = await this.groupFor(groupId, leaving ? 'leave' : memberEpoch === 0 ? 'join' : 'heartbeat');
    if (isGroupError(group)) return group;
    const changes = new GroupChanges(group);
    const ctx = { ...this.context(), ...origin, newMemberId: randomMemberId };
    const result = leaving ? leaveGroup(changes, request, ctx) : heartbeat(changes, request, ctx);
    // A join that was refused leaves no group behind.
    if (changes.records.length > 0) this.groups.set(groupId, group);
    try {
      await this.settle(changes);
    } catch (err) {
      // The change holds in memory; the member retries, and its next heartbeat is stored.
      this.logger.warn({ err, groupId }, 'could not store consumer group records');
      return groupError('COORDINATOR_NOT_AVAILABLE', 'The consumer group records could not be stored.');
    }
    return result;
  }

  describe(groupIds: readonly string[], includeAuthorizedOperations: boolean): DescribedGroup[] {
    return groupIds.map((groupId) => {
      if (!this.config.enabled) return missingGroup(groupId, ERRORS.UNSUPPORTED_VERSION.code, null);
      if (!groupId) return missingGroup(groupId ?? '', ERRORS.INVALID_GROUP_ID.code, null);
      const group = this.groups.get(groupId);
      if (!group) {
        const classic = (this.classicGroups?.classicGroupStatus(groupId) ?? 'none') !== 'none';
        const message = classic ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.`;
        return missingGroup(groupId, ERRORS.GROUP_ID_NOT_FOUND.code, message);
      }
      const operations = includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED;
      return describeConsumerGroup(group, this.catalog, this.config.assignors, operations);
    });
  }

  // --- For the group coordinator ------------------------------------------------------------------------

  groupType(groupId: string): 'consumer' | undefined {
    return this.groups.has(groupId) ? 'consumer' : undefined;
  }

  isEmpty(groupId: string): boolean {
    return this.groups.get(groupId)?.isEmpty() ?? true;
  }

  /** ListGroups: states are Kafka's (Empty, Assigning, Reconciling, Stable). */
  listGroups(): ListedConsumerGroup[] {
    return [...this.groups.values()].map((group) => ({
      groupId: group.groupId,
      protocolType: 'consumer',
      groupState: group.state,
      groupType: 'consumer',
    }));
  }

  /** OffsetCommit / TxnOffsetCommit into a consumer group; undefined when accepted. */
  validateOffsetCommit(
    groupId: string,
    commit: OffsetCommitter & { instanceId: string | null },
  ): GroupError | undefined {
    return this.groups.get(groupId)?.validateOffsetCommit(commit);
  }

  /** OffsetFetch (v9+ names the member) from a consumer group; undefined when accepted. */
  validateOffsetFetch(groupId: string, memberId: string | null, memberEpoch: number): GroupError | undefined {
    return this.groups.get(groupId)?.validateOffsetFetch(memberId, memberEpoch);
  }

  /** DeleteGroups: an Empty consumer group is deleted (its records tombstoned); its offsets are not ours. */
  async deleteGroup(groupId: string): Promise<GroupError | undefined> {
    const group = this.groups.get(groupId);
    if (!group) return groupError('GROUP_ID_NOT_FOUND', `Group ${groupId} not found.`);
    if (!group.isEmpty()) return groupError('NON_EMPTY_GROUP', 'The group is not empty.');
    const changes = new GroupChanges(group);
    changes.emit(
      { kind: 'target-epoch', groupId, value: null },
      { kind: 'group-epoch', groupId, value: null },
    );
    this.groups.delete(groupId);
    await this.settle(changes);
    return undefined;
  }

  /** Whether a member subscribes to the topic (its committed offsets then stay). */
  isSubscribedToTopic(groupId: string, topic: string): boolean {
    return this.groups.get(groupId)?.isSubscribedToTopic(topic) ?? false;
  }

  /** One __consumer_offsets record at start-up; records of other kinds are ignored. */
  replay(key: Buffer, value: Buffer | null): void {
    const record = decodeConsumerGroupRecord(key, value);
    if (record) this.apply(record);
  }

  /** Every record replayed: sessions start now, as Kafka re-arms them when it loads groups. */
  loaded(): void {
    const now = this.now();
    for (const group of this.groups.values()) {
      for (const member of group.members.values()) {
        group.sessionDeadlines.set(member.memberId, now + this.config.sessionTimeoutMs);
        if (member.state === 'UNREVOKED_PARTITIONS') {
          group.rebalanceDeadlines.set(member.memberId, {
            epoch: member.memberEpoch,
            at: now + member.rebalanceTimeoutMs,
          });
        }
      }
      this.schedule(group);
    }
  }

  /** Cancels the timers (the broker is stopping). */
  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  // --- Internals -----------------------------------------------------------------------------------------

  private context(): OperationContext {
    return { now: this.now(), config: this.config, catalog: this.catalog };
  }

  private apply(record: ConsumerGroupRecord): void {
    let group = this.groups.get(record.groupId);
    if (!group) {
      group = new ConsumerGroup(record.groupId, this.catalog);
      this.groups.set(record.groupId, group);
    }
    group.replay(record);
    if (group.deleted) this.groups.delete(record.groupId);
  }

  /**
   * The consumer group a heartbeat is for. A joining member creates it, taking over the id of an empty
   * classic group (whose offsets stay); an active classic group keeps its id. The messages are Kafka's.
   */
  private async groupFor(
    groupId: string,
    purpose: 'join' | 'heartbeat' | 'leave',
  ): Promise<ConsumerGroup | GroupError> {
    const existing = this.groups.get(groupId);
    if (existing) return existing;
    const classic = this.classicGroups?.classicGroupStatus(groupId) ?? 'none';
    if (classic === 'active' || (classic === 'empty' && purpose !== 'join')) {
      return groupError('GROUP_ID_NOT_FOUND', `Group ${groupId} is not a consumer group.`);
    }
    if (purpose === 'leave') return groupError('GROUP_ID_NOT_FOUND', `Group ${groupId} not found.`);
    if (purpose === 'heartbeat')
      return groupError('GROUP_ID_NOT_FOUND', `Consumer group ${groupId} not found.`);
    if (classic === 'empty') await this.classicGroups!.deleteEmptyClassicGroup(groupId);
    // Another heartbeat may have created it while the classic group was being removed.
    return this.groups.get(groupId) ?? new ConsumerGroup(groupId, this.catalog);
  }

  /** Stores what an operation emitted and re-arms the group's timer. */
  private async settle(changes: GroupChanges): Promise<void> {
    const { group, records } = changes;
    this.schedule(group);
    if (records.length > 0 && this.persistence) {
      await this.persistence.append(group.groupId, records.map(encodeConsumerGroupRecord));
    }
  }

  /** One timer per group, for its earliest session or rebalance deadline. */
  private schedule(group: ConsumerGroup): void {
    clearTimeout(this.timers.get(group.groupId));
    this.timers.delete(group.groupId);
    const next = this.groups.get(group.groupId) === group ? group.nextDeadline() : undefined;
    if (next === undefined) return;
    const timer = setTimeout(() => this.expire(group), Math.max(0, next - this.now()));
    timer.unref();
    this.timers.set(group.groupId, timer);
  }

  private expire(group: ConsumerGroup): void {
    this.timers.delete(group.groupId);
    if (this.groups.get(group.groupId) !== group) return;
    const changes = new GroupChanges(group);
    for (const [memberId, reason] of expireMembers(changes, this.context())) {
      this.logger.info(
        { groupId: group.groupId, memberId },
        `member fenced from the consumer group: ${reason}`,
      );
    }
    this.settle(changes).catch((err: Error) => {
      this.logger.error(
        { err, groupId: group.groupId },
        'could not store the fencing of consumer group members',
      );
    });
  }
}

/** A described group that could not be: an empty id (INVALID_GROUP_ID) or one that is not a consumer group. */
function missingGroup(groupId: string, errorCode: number, message: string | null): DescribedGroup {
  return {
    errorCode,
    errorMessage: message,
    groupId,
    groupState: '',
    groupEpoch: 0,
    assignmentEpoch: 0,
    assignorName: '',
    members: [],
    authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

/** The coordinator of a broker: its group.consumer.* settings, its topics, a child logger. */
export function createConsumerGroupCoordinator(
  settings: BrokerConfig,
  catalog: TopicCatalog,
  logger: Logger,
): ConsumerGroupCoordinator {
  return new ConsumerGroupCoordinator({
    config: consumerGroupConfig(settings),
    catalog,
    logger: logger.child({ component: 'consumer-groups' }),
  });
}

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
import type { CoordinatorRecord } from '../group.ts';
import { describeGroups, undescribedGroup } from '../group-description.ts';
import { ServerGroupStore } from '../server-group-store.ts';
import { type ConsumerGroupConfig, consumerGroupConfig } from './config.ts';
import { ConsumerGroup, type ConsumerGroupState, type OffsetCommitter } from './consumer-group.ts';
import { type DescribedGroup, describeConsumerGroup } from './describe.ts';
import { expireMembers, type LeaveResponse, leaveGroup } from './fencing.ts';
import { GroupChanges, type OperationContext } from './group-changes.ts';
import { type GroupError, groupError, isGroupError } from './group-error.ts';
import { type HeartbeatResponse, heartbeat } from './heartbeat.ts';
import { type HeartbeatRequest, invalidHeartbeat, invalidRegex } from './heartbeat-request.ts';
import {
  LEAVE_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  type MemberAssignmentState,
  type MemberSubscription,
} from './member.ts';
import { decodeConsumerGroupRecord, encodeConsumerGroupRecord } from './record-codec.ts';
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
  private readonly groups: ServerGroupStore<MemberSubscription, MemberAssignmentState, ConsumerGroup>;
  private classicGroups: ClassicGroups | undefined;

  constructor(options: ConsumerGroupCoordinatorOptions) {
    this.config = options.config;
    this.catalog = options.catalog;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.groups = new ServerGroupStore({
      now: this.now,
      create: (groupId) => new ConsumerGroup(groupId, this.catalog),
      encode: encodeConsumerGroupRecord,
      decode: decodeConsumerGroupRecord,
      expire: (group) => this.expire(group),
    });
  }

  /** The group coordinator connects its __consumer_offsets store and its classic groups. */
  connect(links: { persistence: ConsumerGroupPersistence; classicGroups: ClassicGroups }): void {
    this.groups.persistence = links.persistence;
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
      await this.groups.settle(changes);
    } catch (err) {
      // The change holds in memory; the member retries, and its next heartbeat is stored.
      this.logger.warn({ err, groupId }, 'could not store consumer group records');
      return groupError('COORDINATOR_NOT_AVAILABLE', 'The consumer group records could not be stored.');
    }
    return result;
  }

  describe(groupIds: readonly string[], includeAuthorizedOperations: boolean): DescribedGroup[] {
    if (!this.config.enabled) {
      return groupIds.map((groupId) => undescribedGroup(groupId, ERRORS.UNSUPPORTED_VERSION.code, null));
    }
    const groups = {
      type: 'consumer',
      find: (groupId: string) => this.groups.get(groupId),
      isOtherType: (groupId: string) =>
        (this.classicGroups?.classicGroupStatus(groupId) ?? 'none') !== 'none',
    };
    return describeGroups(groupIds, includeAuthorizedOperations, groups, (group, operations) =>
      describeConsumerGroup(group, this.catalog, this.config.assignors, operations),
    );
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
  deleteGroup(groupId: string): Promise<GroupError | undefined> {
    return this.groups.deleteEmpty(groupId);
  }

  /** Whether a member subscribes to the topic (its committed offsets then stay). */
  isSubscribedToTopic(groupId: string, topic: string): boolean {
    return this.groups.get(groupId)?.isSubscribedToTopic(topic) ?? false;
  }

  /** One __consumer_offsets record at start-up; records of other kinds are ignored. */
  replay(key: Buffer, value: Buffer | null): void {
    this.groups.replay(key, value);
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
      this.groups.schedule(group);
    }
  }

  /** Cancels the timers (the broker is stopping). */
  stop(): void {
    this.groups.stop();
  }

  // --- Internals -----------------------------------------------------------------------------------------

  private context(): OperationContext {
    return { now: this.now(), config: this.config, catalog: this.catalog };
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

  /** Fences the members whose session or rebalance deadline passed. */
  private expire(group: ConsumerGroup): void {
    const changes = new GroupChanges(group);
    for (const [memberId, reason] of expireMembers(changes, this.context())) {
      this.logger.info(
        { groupId: group.groupId, memberId },
        `member fenced from the consumer group: ${reason}`,
      );
    }
    this.groups.settle(changes).catch((err: Error) => {
      this.logger.error(
        { err, groupId: group.groupId },
        'could not store the fencing of consumer group members',
      );
    });
  }
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

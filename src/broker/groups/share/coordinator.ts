// The share group coordinator (KIP-932): the share groups, ShareGroupHeartbeat and ShareGroupDescribe on
// them, the timers that remove silent members, and the groups' records in __consumer_offsets. The
// decisions are made by the pure modules next to it (heartbeat, simple-assignor); this shell feeds them
// the clock, the topics and each group's settings, hands what they emit to the group coordinator to
// store, re-arms timers, and tells the share partitions (src/broker/share) when a member or a group goes.
// Group ids are one namespace with classic and consumer groups: the group coordinator (../coordinator.ts)
// calls the methods under "For the group coordinator" and connects its store through `connect`.
import type { Logger } from 'pino';
import type { BrokerConfig } from '../../config/broker-config.ts';
import type { ConsumerGroupPersistence, RequestOrigin } from '../consumer/coordinator.ts';
import { type GroupError, groupError, isGroupError } from '../consumer/group-error.ts';
import type { TopicCatalog } from '../consumer/subscriptions.ts';
import { describeGroups } from '../group-description.ts';
import { ServerGroupStore } from '../server-group-store.ts';
import { ShareGroupChanges } from './changes.ts';
import { type DescribedShareGroup, describeShareGroup } from './describe.ts';
import {
  invalidShareHeartbeat,
  LEAVE_GROUP_MEMBER_EPOCH,
  leaveShareGroup,
  removeShareMember,
  type ShareHeartbeatRequest,
  type ShareHeartbeatResponse,
  shareHeartbeat,
} from './heartbeat.ts';
import { decodeShareGroupRecord, encodeShareGroupRecord } from './record-codec.ts';
import type { ShareMemberAssignment, ShareMemberSubscription } from './records.ts';
import { type ShareGroupSettings, shareGroupMaxSize, shareGroupSettings } from './settings.ts';
import { ShareGroup, type ShareGroupState } from './share-group.ts';

/** What the share partitions want to hear about (broker.sharePartitions, when there is one). */
export interface SharePartitionHooks {
  /** A member left or was removed: its acquired records go back to the others. */
  onMemberLeft?(groupId: string, memberId: string): void;
  /** The group was deleted: its share state goes too. */
  onGroupDeleted?(groupId: string): void | Promise<void>;
}

/** The other group types, which share the group id namespace (the group coordinator provides it). */
export interface OtherGroups {
  /** The type of a classic or consumer group by this id, if there is one. */
  groupType(groupId: string): 'classic' | 'consumer' | undefined;
}

export interface ShareGroupCoordinatorOptions {
  /** The broker's live settings (group.share.*), read at each use. */
  settings: BrokerConfig;
  catalog: TopicCatalog;
  /** The GROUP config overrides of a group (metadata store). */
  groupConfigs(groupId: string): Record<string, string>;
  /** Where broker.sharePartitions lives; read at each use, since it may come after this coordinator. */
  partitions: { readonly sharePartitions?: SharePartitionHooks };
  logger: Logger;
  /** The clock; tests move it by hand. */
  now?: () => number;
}

export interface ListedShareGroup {
  groupId: string;
  protocolType: 'share';
  groupState: ShareGroupState;
  groupType: 'share';
}

/** A partition assigned to a share group member, for the share partitions. */
export interface AssignedSharePartition {
  topicId: string;
  topic: string;
  partition: number;
}

export class ShareGroupCoordinator {
  private readonly options: ShareGroupCoordinatorOptions;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly groups: ServerGroupStore<ShareMemberSubscription, ShareMemberAssignment, ShareGroup>;
  private otherGroups: OtherGroups | undefined;

  constructor(options: ShareGroupCoordinatorOptions) {
    this.options = options;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.groups = new ServerGroupStore({
      now: this.now,
      create: (groupId) => new ShareGroup(groupId),
      encode: encodeShareGroupRecord,
      decode: decodeShareGroupRecord,
      expire: (group) => this.expire(group),
    });
  }

  /** The group coordinator connects its __consumer_offsets store and the other group types. */
  connect(links: { persistence: ConsumerGroupPersistence; otherGroups: OtherGroups }): void {
    this.groups.persistence = links.persistence;
    this.otherGroups = links.otherGroups;
  }

  // --- The share group APIs -----------------------------------------------------------------------------

  async heartbeat(
    request: ShareHeartbeatRequest,
    origin: RequestOrigin,
  ): Promise<ShareHeartbeatResponse | GroupError> {
    const invalid = invalidShareHeartbeat(request);
    if (invalid) return invalid;
    const { groupId, memberId, memberEpoch } = request;
    const leaving = memberEpoch === LEAVE_GROUP_MEMBER_EPOCH;
    const group = this.groupFor(groupId, memberEpoch === 0);
    if (isGroupError(group)) return group;
    const changes = new ShareGroupChanges(group);
    const { catalog } = this.options;
    const settings = this.groupConfig(groupId);
    const result = leaving
      ? leaveShareGroup(changes, request, catalog)
      : shareHeartbeat(changes, request, {
          now: this.now(),
          catalog,
          clientId: origin.clientId,
          clientHost: origin.clientHost,
          maxSize: shareGroupMaxSize(this.options.settings),
          sessionTimeoutMs: settings.sessionTimeoutMs,
          heartbeatIntervalMs: settings.heartbeatIntervalMs,
        });
    // A join that was refused leaves no group behind.
    if (changes.records.length > 0) this.groups.set(groupId, group);
    if (leaving && !isGroupError(result)) this.memberLeft(groupId, memberId, 'left the share group');
    try {
      await this.groups.settle(changes);
    } catch (err) {
      this.logger.warn({ err, groupId }, 'could not store share group records');
      return groupError('COORDINATOR_NOT_AVAILABLE', 'The share group records could not be stored.');
    }
    return result;
  }

  describe(groupIds: readonly string[], includeAuthorizedOperations: boolean): DescribedShareGroup[] {
    const groups = {
      type: 'share',
      find: (groupId: string) => this.groups.get(groupId),
      isOtherType: (groupId: string) => this.otherGroups?.groupType(groupId) !== undefined,
    };
    return describeGroups(groupIds, includeAuthorizedOperations, groups, (group, operations) =>
      describeShareGroup(group, this.options.catalog, operations),
    );
  }

  // --- For the share partitions (broker.shareGroups) ----------------------------------------------------

  /** A member's epoch and assigned partitions, or undefined when it is not a member of that share group. */
  memberAssignment(
    groupId: string,
    memberId: string,
  ): { epoch: number; partitions: AssignedSharePartition[] } | undefined {
    const member = this.groups.get(groupId)?.members.get(memberId);
    if (!member) return undefined;
    const partitions: AssignedSharePartition[] = [];
    for (const [topicId, set] of member.assignedPartitions) {
      const topic = this.options.catalog.topicById(topicId);
      if (!topic) continue;
      for (const partition of [...set].sort((a, b) => a - b)) {
        partitions.push({ topicId, topic: topic.name, partition });
      }
    }
    return { epoch: member.memberEpoch, partitions };
  }

  /** A share group's settings: its group configs over the broker's defaults (any group id). */
  groupConfig(groupId: string): ShareGroupSettings {
    return shareGroupSettings(this.options.groupConfigs(groupId), this.options.settings);
  }

  // --- For the group coordinator ------------------------------------------------------------------------

  groupType(groupId: string): 'share' | undefined {
    return this.groups.has(groupId) ? 'share' : undefined;
  }

  isEmpty(groupId: string): boolean {
    return this.groups.get(groupId)?.isEmpty() ?? true;
  }

  /** ListGroups: states are Kafka's (Empty, Stable). */
  listGroups(): ListedShareGroup[] {
    return [...this.groups.values()].map((group) => ({
      groupId: group.groupId,
      protocolType: 'share',
      groupState: group.state,
      groupType: 'share',
    }));
  }

  /** DeleteGroups: an Empty share group is deleted (its records tombstoned), and its share state with it. */
  async deleteGroup(groupId: string): Promise<GroupError | undefined> {
    const error = await this.groups.deleteEmpty(groupId);
    if (error) return error;
    await this.options.partitions.sharePartitions?.onGroupDeleted?.(groupId);
    return undefined;
  }

  /**
   * AlterShareGroupOffsets of an unknown group id: as in Kafka, an empty share group is created (and
   * stored) to hold the offsets; an id of another group type is GROUP_ID_NOT_FOUND.
   */
  async createEmptyGroup(groupId: string): Promise<GroupError | undefined> {
    if (this.groups.has(groupId)) return undefined;
    const group = this.groupFor(groupId, true);
    if (isGroupError(group)) return group;
    const changes = new ShareGroupChanges(group);
    changes.emit({ kind: 'group-epoch', groupId, value: { epoch: 0, metadataHash: 0n } });
    this.groups.set(groupId, group);
    await this.groups.settle(changes);
    return undefined;
  }

  /** One __consumer_offsets record at start-up; records of other kinds are ignored. */
  replay(key: Buffer, value: Buffer | null): void {
    this.groups.replay(key, value);
  }

  /** Every record replayed: sessions start now, as Kafka re-arms them when it loads groups. */
  loaded(): void {
    const now = this.now();
    for (const group of this.groups.values()) {
      const { sessionTimeoutMs } = this.groupConfig(group.groupId);
      for (const memberId of group.members.keys())
        group.sessionDeadlines.set(memberId, now + sessionTimeoutMs);
      this.groups.schedule(group);
    }
  }

  /** Cancels the timers (the broker is stopping). */
  stop(): void {
    this.groups.stop();
  }

  // --- Internals -----------------------------------------------------------------------------------------

  /** The share group a heartbeat is for; a joining member creates it unless the id is another type's. */
  private groupFor(groupId: string, joining: boolean): ShareGroup | GroupError {
    const existing = this.groups.get(groupId);
    if (existing) return existing;
    if (this.otherGroups?.groupType(groupId)) {
      return groupError('GROUP_ID_NOT_FOUND', `Group ${groupId} is not a share group.`);
    }
    if (!joining) return groupError('GROUP_ID_NOT_FOUND', `Share group ${groupId} not found.`);
    return new ShareGroup(groupId);
  }

  private memberLeft(groupId: string, memberId: string, why: string): void {
    this.logger.info({ groupId, memberId }, `member ${why}`);
    try {
      this.options.partitions.sharePartitions?.onMemberLeft?.(groupId, memberId);
    } catch (err) {
      this.logger.error({ err, groupId, memberId }, 'share partitions failed to release a member');
    }
  }

  /** Removes the members whose session expired (Kafka fences them the same way as a leave). */
  private expire(group: ShareGroup): void {
    const now = this.now();
    const changes = new ShareGroupChanges(group);
    const expired = [...group.sessionDeadlines].filter(([, at]) => at <= now).map(([memberId]) => memberId);
    for (const memberId of expired) {
      removeShareMember(changes, memberId, this.options.catalog);
      this.memberLeft(group.groupId, memberId, 'removed from the share group: its session expired');
    }
    this.groups.settle(changes).catch((err: Error) => {
      this.logger.error(
        { err, groupId: group.groupId },
        'could not store the removal of share group members',
      );
    });
  }
}

/** The coordinator of a broker: its settings, topics and group configs, a child logger. */
export function createShareGroupCoordinator(
  settings: BrokerConfig,
  metadata: TopicCatalog & { groupConfigs(groupId: string): Record<string, string> },
  partitions: ShareGroupCoordinatorOptions['partitions'],
  logger: Logger,
): ShareGroupCoordinator {
  return new ShareGroupCoordinator({
    settings,
    catalog: metadata,
    groupConfigs: (groupId) => metadata.groupConfigs(groupId),
    partitions,
    logger: logger.child({ component: 'share-groups' }),
  });
}

// Drives one consumer group through the pure operations with a hand-moved clock and a topic catalog the
// test edits: what the coordinator does for a heartbeat or a timer, without sockets or timers.
import { createHash } from 'node:crypto';
import { parseBrokerConfig } from '../../../../src/broker/config/broker-config.ts';
import {
  type ConsumerGroupConfig,
  consumerGroupConfig,
} from '../../../../src/broker/groups/consumer/config.ts';
import { ConsumerGroup } from '../../../../src/broker/groups/consumer/consumer-group.ts';
import {
  expireMembers,
  type LeaveResponse,
  leaveGroup,
} from '../../../../src/broker/groups/consumer/fencing.ts';
import { GroupChanges } from '../../../../src/broker/groups/consumer/group-changes.ts';
import type { GroupError } from '../../../../src/broker/groups/consumer/group-error.ts';
import { type HeartbeatResponse, heartbeat } from '../../../../src/broker/groups/consumer/heartbeat.ts';
import {
  type HeartbeatRequest,
  invalidHeartbeat,
  invalidRegex,
} from '../../../../src/broker/groups/consumer/heartbeat-request.ts';
import type { ConsumerGroupRecord } from '../../../../src/broker/groups/consumer/records.ts';
import type { TopicCatalog, TopicRef } from '../../../../src/broker/groups/consumer/subscriptions.ts';
import type { TopicPartitionList } from '../../../../src/broker/groups/consumer/topic-partitions.ts';
import { UNCHANGED_HEARTBEAT_FIELDS } from './consumer-protocol-requests.ts';

/** What a broker with Kafka's defaults gives its consumer groups. */
const DEFAULT_CONFIG = consumerGroupConfig(parseBrokerConfig({}).config);

const namesById = new Map<string, string>();

/** A topic id for a name: 16 bytes, as the broker's ids, the same in every test. */
export function topicIdOf(name: string): string {
  const id = createHash('md5').update(name).digest('base64url');
  namesById.set(id, name);
  return id;
}

export class FakeCatalog implements TopicCatalog {
  private readonly byName = new Map<string, TopicRef>();

  constructor(topics: Record<string, number> = {}) {
    for (const [name, partitions] of Object.entries(topics)) this.create(name, partitions);
  }

  create(name: string, partitions: number): TopicRef {
    const topic = { name, id: topicIdOf(name), partitions };
    this.byName.set(name, topic);
    return topic;
  }

  setPartitions(name: string, partitions: number): void {
    this.byName.get(name)!.partitions = partitions;
  }

  delete(name: string): void {
    this.byName.delete(name);
  }

  topic(name: string): TopicRef | undefined {
    return this.byName.get(name);
  }

  topicById(id: string): TopicRef | undefined {
    return [...this.byName.values()].find((topic) => topic.id === id);
  }

  topics(): Iterable<TopicRef> {
    return this.byName.values();
  }
}

export type Answer = HeartbeatResponse | LeaveResponse | GroupError;

export class GroupHarness {
  readonly catalog: FakeCatalog;
  readonly config: ConsumerGroupConfig;
  readonly group: ConsumerGroup;
  /** Every record emitted, in order, as the coordinator would store them. */
  readonly records: ConsumerGroupRecord[] = [];
  now = 1_000_000;
  apiVersion = 1;
  private nextId = 0;

  constructor(catalog: FakeCatalog, config: Partial<ConsumerGroupConfig> = {}) {
    this.catalog = catalog;
    this.config = { ...DEFAULT_CONFIG, ...config };
    this.group = new ConsumerGroup('group', catalog);
  }

  send(request: Partial<HeartbeatRequest> & { memberId: string; memberEpoch: number }): Answer {
    const full: HeartbeatRequest = { groupId: 'group', ...UNCHANGED_HEARTBEAT_FIELDS, ...request };
    const invalid =
      invalidHeartbeat(full, this.apiVersion, this.config.assignors) ??
      invalidRegex(full.subscribedTopicRegex);
    if (invalid) return invalid;
    const changes = new GroupChanges(this.group);
    const ctx = {
      now: this.now,
      config: this.config,
      catalog: this.catalog,
      clientId: 'client',
      clientHost: '/127.0.0.1',
      newMemberId: () => `generated-${this.nextId++}`,
    };
    const answer = full.memberEpoch < 0 ? leaveGroup(changes, full, ctx) : heartbeat(changes, full, ctx);
    this.records.push(...changes.records);
    return answer;
  }

  /** A member's first heartbeat, as clients send it. */
  join(memberId: string, topics: string[] | null, extra: Partial<HeartbeatRequest> = {}): Answer {
    return this.send({
      memberId,
      memberEpoch: 0,
      rebalanceTimeoutMs: 300_000,
      subscribedTopicNames: topics,
      topicPartitions: [],
      ...extra,
    });
  }

  /** Moves the clock and runs the timers that are due. */
  advance(ms: number): Map<string, string> {
    this.now += ms;
    const changes = new GroupChanges(this.group);
    const fenced = expireMembers(changes, { now: this.now, config: this.config, catalog: this.catalog });
    this.records.push(...changes.records);
    return fenced;
  }
}

/** "topic-partition" labels of an answer's assignment, for readable assertions. */
export function labels(list: readonly TopicPartitionList[] | null | undefined): string[] {
  return (list ?? [])
    .flatMap(({ topicId, partitions }) => partitions.map((p) => `${namesById.get(topicId) ?? topicId}-${p}`))
    .sort();
}

export function ok(answer: Answer): HeartbeatResponse {
  if ('error' in answer)
    throw new Error(`expected a successful heartbeat, got ${answer.error}: ${answer.message}`);
  return answer as HeartbeatResponse;
}

// The broker's view of its topics (and of its dynamic broker configs), rebuilt by applying metadata records
// in order. Pure: no I/O here.
import { randomBytes } from 'node:crypto';

export interface TopicInfo {
  name: string;
  /** Kafka topic id: 16 random bytes, written as URL-safe base64 like Kafka's Uuid.toString(). */
  id: string;
  partitions: number;
  /** Topic-level config overrides (DYNAMIC_TOPIC_CONFIG), as strings like Kafka keeps them. */
  configs: Record<string, string>;
}

export type MetadataRecord =
  | { type: 'topic'; name: string; id: string; partitions: number; configs: Record<string, string> }
  | { type: 'partitions'; name: string; partitions: number }
  | { type: 'configs'; name: string; configs: Record<string, string> }
  | { type: 'delete'; name: string }
  | { type: 'producer-ids'; next: string }
  /** The whole set of dynamic configs of a broker resource: '' is the cluster default, else a node id. */
  | { type: 'broker-configs'; resource: string; configs: Record<string, string> }
  /** The whole set of configs of a group (the GROUP config resource); an empty set removes it. */
  | { type: 'group-configs'; group: string; configs: Record<string, string> };

export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

/** Kafka's topic name rules; returns the reason a name is invalid, or undefined when it is fine. */
export function invalidTopicNameReason(name: string | null | undefined): string | undefined {
  if (!name) return "Topic name is illegal, it can't be empty";
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
  }
  if (!LEGAL_TOPIC_NAME.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return undefined;
}

/** '.' and '_' collide in metric names, so Kafka refuses a topic whose name differs from another only so. */
function collisionKey(name: string): string {
  return name.replaceAll('.', '_');
}

export function newTopicId(): string {
  let id: Buffer;
  do id = randomBytes(16);
  while (id.every((b) => b === 0));
  return id.toString('base64url');
}

export class TopicImage {
  readonly byName = new Map<string, TopicInfo>();
  readonly byId = new Map<string, TopicInfo>();
  private readonly byCollisionKey = new Map<string, string>();
  /** Dynamic broker configs by resource name ('' = cluster default), as AlterConfigs stored them. */
  readonly brokerConfigs = new Map<string, Record<string, string>>();
  /** Group config overrides by group id, as AlterConfigs stored them. */
  readonly groupConfigs = new Map<string, Record<string, string>>();
  nextProducerId = 0n;

  apply(record: MetadataRecord): void {
    switch (record.type) {
      case 'topic': {
        const topic: TopicInfo = {
          name: record.name,
          id: record.id,
          partitions: record.partitions,
          configs: { ...record.configs },
        };
        this.byName.set(topic.name, topic);
        this.byId.set(topic.id, topic);
        this.byCollisionKey.set(collisionKey(topic.name), topic.name);
        break;
      }
      case 'partitions':
        this.require(record.name).partitions = record.partitions;
        break;
      case 'configs':
        this.require(record.name).configs = { ...record.configs };
        break;
      case 'delete': {
        const topic = this.require(record.name);
        this.byName.delete(topic.name);
        this.byId.delete(topic.id);
        this.byCollisionKey.delete(collisionKey(topic.name));
        break;
      }
      case 'producer-ids':
        this.nextProducerId = BigInt(record.next);
        break;
      case 'broker-configs':
        this.brokerConfigs.set(record.resource, { ...record.configs });
        break;
      case 'group-configs':
        if (Object.keys(record.configs).length === 0) this.groupConfigs.delete(record.group);
        else this.groupConfigs.set(record.group, { ...record.configs });
        break;
    }
  }

  /** The existing topic whose name collides with `name` ('.' vs '_'), if any. */
  collidingTopic(name: string): string | undefined {
    const other = this.byCollisionKey.get(collisionKey(name));
    return other !== undefined && other !== name ? other : undefined;
  }

  /** The records that rebuild this image from nothing (used to compact the metadata file). */
  snapshot(): MetadataRecord[] {
    const records: MetadataRecord[] = [...this.byName.values()].map((t) => ({
      type: 'topic',
      name: t.name,
      id: t.id,
      partitions: t.partitions,
      configs: t.configs,
    }));
    for (const [resource, configs] of this.brokerConfigs) {
      records.push({ type: 'broker-configs', resource, configs });
    }
    for (const [group, configs] of this.groupConfigs) records.push({ type: 'group-configs', group, configs });
    records.push({ type: 'producer-ids', next: this.nextProducerId.toString() });
    return records;
  }

  private require(name: string): TopicInfo {
    const topic = this.byName.get(name);
    if (!topic) throw new Error(`metadata record for unknown topic ${name}`);
    return topic;
  }
}

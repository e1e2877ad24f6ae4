// From what members subscribe to (topic names, a regex) to what the group is assigned: the existing
// topics they name, and a hash of those topics' metadata whose change means "assign again" (a topic
// created, deleted or recreated, partitions added).
import { createHash } from 'node:crypto';
import { compileTopicRegex } from './topic-regex.ts';

export interface TopicRef {
  name: string;
  /** Kafka topic id, as the codec writes uuids. */
  id: string;
  partitions: number;
}

/** The broker's topics as the group coordinator reads them (the metadata store has this shape). */
export interface TopicCatalog {
  topic(name: string): TopicRef | undefined;
  topicById(id: string): TopicRef | undefined;
  topics(): Iterable<TopicRef>;
}

/** Compiled regexes by pattern; patterns reaching here were validated when a member sent them. */
const compiled = new Map<string, RegExp | null>();
const MAX_COMPILED = 1000;

function regexOf(pattern: string): RegExp | null {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    try {
      regex = compileTopicRegex(pattern);
    } catch {
      regex = null;
    }
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex;
}

/** The names of the existing topics a regex matches (every topic, internal ones included, as Kafka). */
function topicsMatching(pattern: string, catalog: TopicCatalog): string[] {
  const regex = regexOf(pattern);
  if (!regex) return [];
  const names: string[] = [];
  for (const topic of catalog.topics()) if (regex.test(topic.name)) names.push(topic.name);
  return names;
}

/** What a member subscribes to; share group members have no regex. */
export interface Subscription {
  readonly subscribedTopicNames: readonly string[];
  readonly subscribedTopicRegex?: string | null;
}

/** The existing topics a member subscribes to, by name or through its regex. */
export function subscribedTopics(member: Subscription, catalog: TopicCatalog): TopicRef[] {
  const names = new Set(member.subscribedTopicNames);
  if (member.subscribedTopicRegex)
    for (const name of topicsMatching(member.subscribedTopicRegex, catalog)) names.add(name);
  const topics: TopicRef[] = [];
  for (const name of names) {
    const topic = catalog.topic(name);
    if (topic) topics.push(topic);
  }
  return topics;
}

export function subscribedTopicIds(member: Subscription, catalog: TopicCatalog): Set<string> {
  return new Set(subscribedTopics(member, catalog).map((topic) => topic.id));
}

/** The existing topics any member subscribes to. */
export function groupTopics(members: Iterable<Subscription>, catalog: TopicCatalog): Map<string, TopicRef> {
  const topics = new Map<string, TopicRef>();
  for (const member of members)
    for (const topic of subscribedTopics(member, catalog)) topics.set(topic.id, topic);
  return topics;
}

/** A 64-bit hash of the subscribed topics' names, ids and partition counts (0 for none). */
export function metadataHash(topics: Iterable<TopicRef>): bigint {
  const lines = [...topics].map((t) => `${t.name}\u0000${t.id}\u0000${t.partitions}`).sort();
  if (lines.length === 0) return 0n;
  return createHash('sha256').update(lines.join('\n')).digest().readBigInt64BE(0);
}

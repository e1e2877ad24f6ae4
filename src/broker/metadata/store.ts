// The durable metadata of a single-node broker: the cluster identity (meta.properties, as in Kafka's log
// directory), the topics and the dynamic broker configs, kept as a replayed file of metadata records
// (record-file.ts).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { parseProperties } from '../../common/java-properties.ts';
import { RecordFile } from './record-file.ts';
import { type MetadataRecord, newTopicId, TopicImage, type TopicInfo } from './topics.ts';

const METADATA_DIR = '__nagare_metadata';
/** Rewrite the record file once it holds this many more records than the topics it describes. */
const COMPACT_SLACK = 1000;
/** Producer ids are reserved in blocks so that allocating one rarely writes to disk. */
const PRODUCER_ID_BLOCK = 1000n;

export class MetadataStore {
  readonly clusterId: string;
  readonly image: TopicImage;
  private readonly file: RecordFile<MetadataRecord>;
  private producerIdsReservedUpTo: bigint;

  private constructor(clusterId: string, image: TopicImage, file: RecordFile<MetadataRecord>) {
    this.clusterId = clusterId;
    this.image = image;
    this.file = file;
    this.producerIdsReservedUpTo = image.nextProducerId;
  }

  static async open(logDir: string, nodeId: number, logger: Logger): Promise<MetadataStore> {
    await mkdir(join(logDir, METADATA_DIR), { recursive: true });
    const clusterId = await loadOrCreateIdentity(logDir, nodeId);
    const { file, records } = await RecordFile.open<MetadataRecord>(
      join(logDir, METADATA_DIR, 'metadata.log'),
      logger,
    );
    const image = new TopicImage();
    for (const record of records) image.apply(record);
    return new MetadataStore(clusterId, image, file);
  }

  topic(name: string): TopicInfo | undefined {
    return this.image.byName.get(name);
  }

  topicById(id: string): TopicInfo | undefined {
    return this.image.byId.get(id);
  }

  topics(): IterableIterator<TopicInfo> {
    return this.image.byName.values();
  }

  async createTopic(name: string, partitions: number, configs: Record<string, string>): Promise<TopicInfo> {
    await this.record({ type: 'topic', name, id: newTopicId(), partitions, configs });
    return this.topic(name)!;
  }

  async setPartitionCount(name: string, partitions: number): Promise<void> {
    await this.record({ type: 'partitions', name, partitions });
  }

  async setConfigs(name: string, configs: Record<string, string>): Promise<void> {
    await this.record({ type: 'configs', name, configs });
  }

  async deleteTopic(name: string): Promise<void> {
    await this.record({ type: 'delete', name });
  }

  /** Whether dynamic configs were ever stored for this broker resource ('' = cluster default). */
  hasBrokerConfigs(resource: string): boolean {
    return this.image.brokerConfigs.has(resource);
  }

  /** The dynamic configs of a broker resource ('' = cluster default, else a node id); empty when none. */
  brokerConfigs(resource: string): Record<string, string> {
    return { ...this.image.brokerConfigs.get(resource) };
  }

  /** The config overrides of a group (the GROUP config resource); empty when none. */
  groupConfigs(groupId: string): Record<string, string> {
    return { ...this.image.groupConfigs.get(groupId) };
  }

  /** Replaces the whole set of config overrides of a group (empty: back to the broker defaults). */
  async setGroupConfigs(groupId: string, configs: Record<string, string>): Promise<void> {
    await this.record({ type: 'group-configs', group: groupId, configs });
  }

  /** Replaces the whole set of dynamic configs of a broker resource. */
  async setBrokerConfigs(resource: string, configs: Record<string, string>): Promise<void> {
    await this.record({ type: 'broker-configs', resource, configs });
  }

  /** A fresh producer id; ids are never reused, even across restarts. */
  async allocateProducerId(): Promise<bigint> {
    const id = this.image.nextProducerId;
    if (id >= this.producerIdsReservedUpTo) {
      this.producerIdsReservedUpTo = id + PRODUCER_ID_BLOCK;
      await this.file.append({ type: 'producer-ids', next: this.producerIdsReservedUpTo.toString() });
    }
    this.image.nextProducerId = id + 1n;
    return id;
  }

  /** Applies the record in memory first (so a concurrent request sees it), then makes it durable. */
  private async record(record: MetadataRecord): Promise<void> {
    this.image.apply(record);
    await this.file.append(record);
    const live = this.image.byName.size + this.image.brokerConfigs.size + this.image.groupConfigs.size;
    if (this.file.recordCount > live + COMPACT_SLACK) await this.compact();
  }

  private async compact(): Promise<void> {
    const snapshot = this.image.snapshot();
    snapshot.push({ type: 'producer-ids', next: this.producerIdsReservedUpTo.toString() });
    await this.file.rewrite(snapshot);
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

/** Kafka's meta.properties: the cluster id is made once and must match the node id on later starts. */
async function loadOrCreateIdentity(logDir: string, nodeId: number): Promise<string> {
  const path = join(logDir, 'meta.properties');
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== undefined) {
    const props = parseProperties(text, path);
    const stored = Number(props['node.id']);
    if (stored !== nodeId) {
      throw new Error(
        `${path} belongs to node.id ${stored} but this broker is node.id ${nodeId}: set node.id=${stored} or use another log.dirs`,
      );
    }
    return props['cluster.id'];
  }
  const clusterId = randomBytes(16).toString('base64url');
  const tmp = `${path}.tmp`;
  await writeFile(tmp, `# written by nagare\nversion=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\n`);
  await rename(tmp, path);
  return clusterId;
}

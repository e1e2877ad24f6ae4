// The single-node broker: metadata, partition logs and listeners put together. `startBroker` is the one
// entry point for the CLI and for tests (in-process, port 0, a temp log dir).
import { mkdir } from 'node:fs/promises';
import pino, { type Logger } from 'pino';
import { addOffsetsToTxnApi } from './apis/add-offsets-to-txn.ts';
import { addPartitionsToTxnApi } from './apis/add-partitions-to-txn.ts';
import { alterConfigsApi, incrementalAlterConfigsApi } from './apis/alter-configs.ts';
import { alterPartitionReassignmentsApi } from './apis/alter-partition-reassignments.ts';
import { alterShareGroupOffsetsApi } from './apis/alter-share-group-offsets.ts';
import type { ApiDefinition } from './apis/api.ts';
import { apiVersionsApi } from './apis/api-versions.ts';
import { consumerGroupDescribeApi } from './apis/consumer-group-describe.ts';
import { consumerGroupHeartbeatApi } from './apis/consumer-group-heartbeat.ts';
import { createAclsApi } from './apis/create-acls.ts';
import { createPartitionsApi } from './apis/create-partitions.ts';
import { createTopicsApi } from './apis/create-topics.ts';
import { deleteAclsApi } from './apis/delete-acls.ts';
import { deleteGroupsApi } from './apis/delete-groups.ts';
import { deleteRecordsApi } from './apis/delete-records.ts';
import { deleteShareGroupOffsetsApi } from './apis/delete-share-group-offsets.ts';
import { deleteTopicsApi } from './apis/delete-topics.ts';
import { describeAclsApi } from './apis/describe-acls.ts';
import { describeClientQuotasApi } from './apis/describe-client-quotas.ts';
import { describeClusterApi } from './apis/describe-cluster.ts';
import { describeConfigsApi } from './apis/describe-configs.ts';
import { describeGroupsApi } from './apis/describe-groups.ts';
import { describeLogDirsApi } from './apis/describe-log-dirs.ts';
import { describeProducersApi } from './apis/describe-producers.ts';
import { describeShareGroupOffsetsApi } from './apis/describe-share-group-offsets.ts';
import { describeTopicPartitionsApi } from './apis/describe-topic-partitions.ts';
import { describeTransactionsApi } from './apis/describe-transactions.ts';
import { createDispatcher } from './apis/dispatch.ts';
import { electLeadersApi } from './apis/elect-leaders.ts';
import { endTxnApi } from './apis/end-txn.ts';
import { fetchApi } from './apis/fetch.ts';
import { FetchSessionCache } from './apis/fetch-sessions.ts';
import { findCoordinatorApi } from './apis/find-coordinator.ts';
import { heartbeatApi } from './apis/heartbeat.ts';
import { initProducerIdApi } from './apis/init-producer-id.ts';
import { joinGroupApi } from './apis/join-group.ts';
import { leaveGroupApi } from './apis/leave-group.ts';
import { listGroupsApi } from './apis/list-groups.ts';
import { listOffsetsApi } from './apis/list-offsets.ts';
import { listPartitionReassignmentsApi } from './apis/list-partition-reassignments.ts';
import { listTransactionsApi } from './apis/list-transactions.ts';
import { metadataApi } from './apis/metadata.ts';
import { offsetCommitApi } from './apis/offset-commit.ts';
import { offsetDeleteApi } from './apis/offset-delete.ts';
import { offsetFetchApi } from './apis/offset-fetch.ts';
import { produceApi } from './apis/produce.ts';
import { shareAcknowledgeApi } from './apis/share-acknowledge.ts';
import { shareFetchApi } from './apis/share-fetch.ts';
import { shareGroupDescribeApi } from './apis/share-group-describe.ts';
import { shareGroupHeartbeatApi } from './apis/share-group-heartbeat.ts';
import { syncGroupApi } from './apis/sync-group.ts';
import { txnOffsetCommitApi } from './apis/txn-offset-commit.ts';
import { type BrokerConfig, parseBrokerConfig } from './config/broker-config.ts';
import {
  type BrokerConfigLevel,
  liveBrokerConfig,
  withDynamicConfigs,
  withStoredDynamicConfigs,
} from './config/dynamic-broker-config.ts';
import { effectiveTopicConfig, type TopicConfig } from './config/topic-config.ts';
import {
  type ConsumerGroupCoordinator,
  createConsumerGroupCoordinator,
} from './groups/consumer/coordinator.ts';
import { GroupCoordinator } from './groups/coordinator.ts';
import { createShareGroupCoordinator, type ShareGroupCoordinator } from './groups/share/coordinator.ts';
import type { LogConfig } from './log/log-config.ts';
import { LogMaintenance, partitionLogs } from './log/log-maintenance.ts';
import { type DirLock, lockLogDir } from './metadata/dir-lock.ts';
import { MetadataStore } from './metadata/store.ts';
import type { TopicInfo } from './metadata/topics.ts';
import { PartitionManager } from './partition-manager.ts';
import { Listener } from './server/listener.ts';
import { SharePartitionManager } from './share/share-partition-manager.ts';
import { createTransactionCoordinator } from './txn/broker-transactions.ts';
import { ProducerStateManager } from './txn/producer-state.ts';
import type { TransactionCoordinator } from './txn/transaction-coordinator.ts';

export class Broker {
  readonly settings: BrokerConfig;
  readonly logger: Logger;
  readonly metadata: MetadataStore;
  readonly partitions: PartitionManager;
  readonly fetchSessions = new FetchSessionCache();
  readonly producers = new ProducerStateManager((key) => this.partitions.getByKey(key));
  readonly listeners: Listener[] = [];
  /** Retention and the log cleaner, running in the background while the broker runs. */
  readonly logMaintenance: LogMaintenance;
  readonly groups: GroupCoordinator;
  readonly consumerGroups: ConsumerGroupCoordinator;
  readonly shareGroups: ShareGroupCoordinator;
  readonly sharePartitions: SharePartitionManager;
  readonly transactions: TransactionCoordinator;
  stopping = false;
  private readonly topicSettingsCache = new Map<string, TopicConfig>();
  private readonly dirLock: DirLock;

  private constructor(
    settings: BrokerConfig,
    logger: Logger,
    dirLock: DirLock,
    metadata: MetadataStore,
    partitions: PartitionManager,
  ) {
    this.settings = settings;
    this.dirLock = dirLock;
    this.logger = logger;
    this.metadata = metadata;
    this.partitions = partitions;
    const logs = () => partitionLogs(metadata.topics(), (topic, p) => partitions.get(topic, p));
    this.logMaintenance = new LogMaintenance(logs, settings, logger);
    this.consumerGroups = createConsumerGroupCoordinator(settings, metadata, logger);
    this.shareGroups = createShareGroupCoordinator(settings, metadata, this, logger);
    this.groups = new GroupCoordinator(this);
    this.transactions = createTransactionCoordinator(this);
    this.sharePartitions = new SharePartitionManager(this, logger, {
      settings: (groupId) => this.shareGroups.groupConfig(groupId),
    });
  }

  get nodeId(): number {
    return this.settings.nodeId;
  }

  get clusterId(): string {
    return this.metadata.clusterId;
  }

  static async open(settings: BrokerConfig, logger: Logger): Promise<Broker> {
    const logDir = settings.logDirs[0];
    await mkdir(logDir, { recursive: true });
    const dirLock = await lockLogDir(logDir);
    let metadata: MetadataStore | undefined;
    const partitions = new PartitionManager(logDir, logger);
    try {
      metadata = await MetadataStore.open(logDir, settings.nodeId, logger);
      settings = await Broker.withDynamicConfigs(settings, metadata, logger);
      const broker = new Broker(settings, logger, dirLock, metadata, partitions);
      for (const topic of metadata.topics()) {
        await partitions.open(topic.name, 0, topic.partitions, broker.logConfig(topic));
      }
      await broker.groups.start();
      await broker.transactions.start();
      await broker.sharePartitions.start();
      broker.logMaintenance.start();
      return broker;
    } catch (err) {
      // Leave the directory as usable as it was found: close what was opened, release the lock.
      await partitions.closeAll();
      await metadata?.close();
      await dirLock.release();
      throw err;
    }
  }

  /**
   * The dynamic broker configs kept in the metadata store over the static ones. A new store first keeps
   * the cluster defaults given at start, as Kafka's storage format writes them into its metadata log.
   */
  private static async withDynamicConfigs(
    settings: BrokerConfig,
    metadata: MetadataStore,
    logger: Logger,
  ): Promise<BrokerConfig> {
    if (!metadata.hasBrokerConfigs('')) await metadata.setBrokerConfigs('', settings.layers.dynamicDefault);
    const stored = {
      default: metadata.brokerConfigs(''),
      broker: metadata.brokerConfigs(String(settings.nodeId)),
    };
    return withStoredDynamicConfigs(settings, stored, (message) => logger.warn(message));
  }

  /**
   * Replaces the dynamic configs of one level (validated by the caller with withDynamicConfigs), stores
   * them and applies them at once, as Kafka does: topic defaults, logs and every reader of `settings`.
   */
  async setDynamicBrokerConfigs(level: BrokerConfigLevel, configs: Record<string, string>): Promise<void> {
    const next = withDynamicConfigs(this.settings, level, configs);
    Object.assign(this.settings, liveBrokerConfig(this.settings, next));
    this.topicSettingsCache.clear();
    for (const topic of this.metadata.topics()) {
      this.partitions.updateConfig(topic.name, topic.partitions, this.logConfig(topic));
    }
    await this.metadata.setBrokerConfigs(level === 'default' ? '' : String(this.nodeId), configs);
    this.logger.info({ level, configs }, 'altered dynamic broker configs');
  }

  /** Effective settings of a topic: its overrides over the broker's defaults. */
  topicSettings(topic: TopicInfo): TopicConfig {
    let cached = this.topicSettingsCache.get(topic.name);
    if (!cached) {
      cached = effectiveTopicConfig(topic.configs, this.settings);
      this.topicSettingsCache.set(topic.name, cached);
    }
    return cached;
  }

  private logConfig(topic: TopicInfo): Partial<LogConfig> {
    const c = this.topicSettings(topic);
    return {
      segmentBytes: c.segmentBytes,
      segmentMs: c.segmentMs,
      indexIntervalBytes: c.indexIntervalBytes,
      segmentIndexBytes: c.segmentIndexBytes,
      flushMessages: c.flushMessages,
      flushMs: c.flushMs,
      fsyncOnAppend: c.fsyncOnAppend,
      cleanupPolicy: c.cleanupPolicy,
      retentionMs: c.retentionMs,
      retentionBytes: c.retentionBytes,
      fileDeleteDelayMs: c.fileDeleteDelayMs,
      deleteRetentionMs: c.deleteRetentionMs,
      minCompactionLagMs: c.minCompactionLagMs,
      maxCompactionLagMs: c.maxCompactionLagMs,
      minCleanableDirtyRatio: c.minCleanableDirtyRatio,
    };
  }

  async createTopic(name: string, partitions: number, configs: Record<string, string>): Promise<TopicInfo> {
    const topic = await this.metadata.createTopic(name, partitions, configs);
    this.topicSettingsCache.delete(name);
    await this.partitions.open(name, 0, partitions, this.logConfig(topic));
    this.logger.info({ topic: name, partitions }, 'created topic');
    return topic;
  }

  /** Creates a topic on first use (Metadata with auto.create.topics.enable); concurrent callers share it. */
  private readonly autoCreating = new Map<string, Promise<TopicInfo | undefined>>();
  autoCreateTopic(name: string): Promise<TopicInfo | undefined> {
    let pending = this.autoCreating.get(name);
    if (!pending) {
      pending = (async () => {
        const existing = this.metadata.topic(name);
        if (existing) return existing;
        if (this.metadata.image.collidingTopic(name)) return undefined;
        return this.createTopic(name, this.settings.numPartitions, {});
      })().finally(() => this.autoCreating.delete(name));
      this.autoCreating.set(name, pending);
    }
    return pending;
  }

  async addPartitions(topic: TopicInfo, count: number): Promise<void> {
    const from = topic.partitions;
    await this.partitions.open(topic.name, from, count, this.logConfig(topic));
    await this.metadata.setPartitionCount(topic.name, count);
    this.logger.info({ topic: topic.name, from, to: count }, 'added partitions');
  }

  /** Replaces a topic's config overrides (already validated) and applies them to its open logs. */
  async setTopicConfigs(topic: TopicInfo, configs: Record<string, string>): Promise<void> {
    await this.metadata.setConfigs(topic.name, configs);
    this.topicSettingsCache.delete(topic.name);
    this.partitions.updateConfig(topic.name, topic.partitions, this.logConfig(topic));
    this.logger.info({ topic: topic.name, configs }, 'altered topic configs');
  }

  async deleteTopic(topic: TopicInfo): Promise<void> {
    await this.metadata.deleteTopic(topic.name);
    this.topicSettingsCache.delete(topic.name);
    await this.partitions.delete(topic.name, topic.partitions);
    await this.groups.onTopicDeleted(topic.name);
    await this.sharePartitions.onTopicDeleted(topic.id);
    this.logger.info({ topic: topic.name }, 'deleted topic');
  }

  advertisedFor(listenerName: string): { host: string; port: number } {
    const listener = this.listeners.find((l) => l.name === listenerName) ?? this.listeners[0];
    const advertised = this.settings.advertisedListeners.find((l) => l.name === listener.name);
    const host = advertised?.host || listener.host || '127.0.0.1';
    // An advertised port of 0 (or none) means "the port we actually bound".
    const port = advertised?.port || listener.port;
    return { host, port };
  }

  async serve(): Promise<void> {
    const served = this.servedApis();
    const handler = createDispatcher(this, served, this.logger);
    for (const l of this.settings.listeners) {
      const listener = new Listener({
        name: l.name,
        host: l.host,
        port: l.port,
        maxFrameBytes: this.settings.socketRequestMaxBytes,
        handler,
        logger: this.logger,
      });
      await listener.start();
      this.listeners.push(listener);
    }
  }

  private servedApis(): ApiDefinition[] {
    const apis: ApiDefinition[] = [
      produceApi,
      fetchApi,
      listOffsetsApi,
      metadataApi,
      createTopicsApi,
      deleteTopicsApi,
      deleteRecordsApi,
      initProducerIdApi,
      describeConfigsApi,
      alterConfigsApi,
      createPartitionsApi,
      incrementalAlterConfigsApi,
      describeClusterApi,
      describeTopicPartitionsApi,
      describeLogDirsApi,
      listPartitionReassignmentsApi,
      alterPartitionReassignmentsApi,
      electLeadersApi,
      describeProducersApi,
      describeAclsApi,
      createAclsApi,
      deleteAclsApi,
      describeClientQuotasApi,
      consumerGroupHeartbeatApi,
      consumerGroupDescribeApi,
      findCoordinatorApi,
      joinGroupApi,
      syncGroupApi,
      heartbeatApi,
      leaveGroupApi,
      offsetCommitApi,
      offsetFetchApi,
      offsetDeleteApi,
      describeGroupsApi,
      listGroupsApi,
      deleteGroupsApi,
      shareGroupHeartbeatApi,
      shareGroupDescribeApi,
      shareFetchApi,
      shareAcknowledgeApi,
      describeShareGroupOffsetsApi,
      alterShareGroupOffsetsApi,
      deleteShareGroupOffsetsApi,
      txnOffsetCommitApi,
      addPartitionsToTxnApi,
      addOffsetsToTxnApi,
      endTxnApi,
      describeTransactionsApi,
      listTransactionsApi,
    ];
    apis.push(apiVersionsApi(() => apis));
    return apis;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.transactions.stop();
    this.consumerGroups.stop();
    this.shareGroups.stop();
    await this.groups.stop();
    this.sharePartitions.stop();
    await Promise.all(this.listeners.map((l) => l.stop()));
    await this.logMaintenance.stop();
    await this.partitions.closeAll();
    await this.metadata.close();
    await this.dirLock.release();
  }
}

export interface RunningBroker {
  broker: Broker;
  /** host:port of the first listener, as clients should use it. */
  bootstrap: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts a broker from Kafka-style properties (`listeners`, `log.dirs`, …). */
export async function startBroker(props: Record<string, string>, logger?: Logger): Promise<RunningBroker> {
  const log = logger ?? pino({ level: 'info' });
  // Kafka 4's storage format writes min.insync.replicas as a cluster-wide dynamic default (for eligible
  // leader replicas, KIP-966), so DescribeConfigs reports it as DYNAMIC_DEFAULT_BROKER_CONFIG; do the same.
  const clusterDefaults = { 'min.insync.replicas': props['min.insync.replicas'] ?? '1' };
  const { config: settings, warnings } = parseBrokerConfig(props, { default: clusterDefaults });
  for (const warning of warnings) log.warn(warning);
  const broker = await Broker.open(settings, log);
  try {
    await broker.serve();
  } catch (err) {
    // A listener that cannot bind (port in use): close what was opened, then report.
    await broker.stop();
    throw err;
  }
  const { host, port } = broker.advertisedFor(broker.listeners[0].name);
  log.info(
    { bootstrap: `${host}:${port}`, logDirs: settings.logDirs, clusterId: broker.clusterId },
    'broker started',
  );
  return { broker, bootstrap: `${host}:${port}`, port: broker.listeners[0].port, stop: () => broker.stop() };
}

// A GroupCoordinator without a broker or sockets: its __consumer_offsets partitions are real partition
// logs in a temp dir, time is a ManualTimers clock, and there are no consumer-protocol groups. Reopening
// on the same dir replays what the previous coordinator wrote, as a broker restart does.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseBrokerConfig } from '../../../src/broker/config/broker-config.ts';
import {
  type ConsumerGroups,
  type CoordinatorHost,
  GroupCoordinator,
} from '../../../src/broker/groups/coordinator.ts';
import { OFFSETS_TOPIC } from '../../../src/broker/groups/offsets-log.ts';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import type { TopicInfo } from '../../../src/broker/metadata/topics.ts';
import { ManualTimers } from './manual-timers.ts';

const noConsumerGroups: ConsumerGroups = {
  groupType: () => undefined,
  isEmpty: () => false,
  listGroups: () => [],
  validateOffsetCommit: () => undefined,
  validateOffsetFetch: () => undefined,
  deleteGroup: async () => ({ error: 'GROUP_ID_NOT_FOUND' }),
  isSubscribedToTopic: () => false,
  replay: () => {},
  loaded: () => {},
  connect: () => {},
};

export interface CoordinatorUnderTest {
  coordinator: GroupCoordinator;
  timers: ManualTimers;
  /** A partition of __consumer_offsets (tests append transaction markers there, as the broker does). */
  offsetsLog(partition: number): PartitionLog | undefined;
  /** Stops the coordinator and closes its logs (the dir stays). */
  close(): Promise<void>;
}

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'nagare-groups-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A started coordinator over the logs in `dir`; `props` are broker properties (group.*, offsets.*). */
export async function openCoordinator(
  dir: string,
  props: Record<string, string> = {},
  timers = new ManualTimers(),
): Promise<CoordinatorUnderTest> {
  const { config } = parseBrokerConfig({
    'log.dirs': dir,
    'offsets.topic.num.partitions': '2',
    'group.initial.rebalance.delay.ms': '0',
    ...props,
  });
  const logger = pino({ level: 'silent' });
  const topics = new Map<string, TopicInfo>();
  const logs = new Map<string, PartitionLog>();
  const openTopic = async (name: string, partitions: number) => {
    for (let p = 0; p < partitions; p++)
      logs.set(`${name}-${p}`, await PartitionLog.open(join(dir, `${name}-${p}`), {}, logger));
    const topic: TopicInfo = { name, id: name, partitions, configs: {} };
    topics.set(name, topic);
    return topic;
  };
  // A previous coordinator's topic is there again after a "restart".
  if (existsSync(join(dir, `${OFFSETS_TOPIC}-0`)))
    await openTopic(OFFSETS_TOPIC, config.offsetsTopicNumPartitions);
  const host: CoordinatorHost = {
    settings: config,
    logger,
    consumerGroups: noConsumerGroups,
    metadata: { topic: (name) => topics.get(name) },
    partitions: { get: (topic, partition) => logs.get(`${topic}-${partition}`) },
    createTopic: (name, partitions) => openTopic(name, partitions),
  };
  const coordinator = new GroupCoordinator(host, { timers, clock: timers.clock });
  await coordinator.start();
  return {
    coordinator,
    timers,
    offsetsLog: (partition) => logs.get(`${OFFSETS_TOPIC}-${partition}`),
    async close() {
      await coordinator.stop();
      await Promise.all([...logs.values()].map((log) => log.close()));
    },
  };
}

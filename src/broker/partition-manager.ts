// Owns the open partition logs of the broker (Kafka's ReplicaManager and LogManager, for one node):
// opens them at start-up, creates and deletes them with their topics, and wakes long-polling fetches
// when data arrives.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type LogConfig, PartitionLog } from './log/partition-log.ts';

type LogSettings = Partial<LogConfig>;

export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

type Waiter = () => void;

export class PartitionManager {
  private readonly logDir: string;
  private readonly logger: Logger;
  private readonly logs = new Map<string, PartitionLog>();
  private readonly waiters = new Map<string, Set<Waiter>>();

  constructor(logDir: string, logger: Logger) {
    this.logDir = logDir;
    this.logger = logger;
  }

  get(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(partitionKey(topic, partition));
  }

  /** The log of a partition by its key (`topic-partition`, see partitionKey). */
  getByKey(key: string): PartitionLog | undefined {
    return this.logs.get(key);
  }

  /** Opens (creating when absent) partitions [from, to) of a topic. */
  async open(topic: string, from: number, to: number, config: LogSettings): Promise<void> {
    const opened = await Promise.all(
      Array.from({ length: to - from }, (_, i) => {
        const key = partitionKey(topic, from + i);
        return PartitionLog.open(join(this.logDir, key), config, this.logger.child({ partition: key }));
      }),
    );
    for (const [i, log] of opened.entries()) this.logs.set(partitionKey(topic, from + i), log);
  }

  updateConfig(topic: string, partitions: number, config: LogSettings): void {
    for (let p = 0; p < partitions; p++) this.get(topic, p)?.updateConfig(config);
  }

  async delete(topic: string, partitions: number): Promise<void> {
    await Promise.all(
      Array.from({ length: partitions }, async (_, p) => {
        const key = partitionKey(topic, p);
        const log = this.logs.get(key);
        this.logs.delete(key);
        if (log) await log.delete();
        else await rm(join(this.logDir, key), { recursive: true, force: true });
        this.notify(key);
      }),
    );
  }

  /** Partitions that long-polling fetches are waiting on (an observable for metrics and tests). */
  get watchedPartitions(): number {
    return this.waiters.size;
  }

  /** Tells fetches waiting on this partition that something changed. */
  notify(key: string): void {
    const waiting = this.waiters.get(key);
    if (!waiting) return;
    this.waiters.delete(key);
    for (const wake of waiting) wake();
  }

  /** Resolves when any of the partitions gets new data, or after timeoutMs. */
  waitForData(keys: string[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        for (const key of keys) this.waiters.get(key)?.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      for (const key of keys) {
        let set = this.waiters.get(key);
        if (!set) {
          set = new Set();
          this.waiters.set(key, set);
        }
        set.add(wake);
      }
    });
  }

  async closeAll(): Promise<void> {
    // Long-polling fetches answer now rather than wait out max.wait.ms on a stopping broker.
    for (const key of [...this.waiters.keys()]) this.notify(key);
    await Promise.all([...this.logs.values()].map((log) => log.close()));
    this.logs.clear();
  }
}

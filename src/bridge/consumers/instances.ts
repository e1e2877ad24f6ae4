// The consumer instances this bridge holds, by (group, name): creation with the name checks (here and,
// with a directory, across the replicas of the deployment), lookup that restarts an instance's idle
// clock, deletion, and the periodic closing of instances idle longer than http.timeoutSeconds.
import type { Logger } from 'pino';
import { BridgeHttpError } from '../errors.ts';
import type { InstanceDirectory } from '../replicas/instance-directory.ts';
import { type Clock, IdleInstances } from './idle-instances.ts';
import { ConsumerInstance, type InstanceDependencies } from './instance.ts';
import type { ConsumerSettings } from './settings.ts';

export const NAME_IN_USE = 'A consumer instance with the specified name already exists in the Kafka Bridge.';
export const INSTANCE_NOT_FOUND = 'The specified consumer instance was not found.';

export interface InstancesOptions<T extends ConsumerLike> {
  timeoutSeconds: number;
  logger: Logger;
  directory?: InstanceDirectory;
  clock?: Clock;
  /** Builds an instance: kafkaInstanceFactory's talk to Kafka, tests pass their own. */
  create(group: string, name: string, settings: ConsumerSettings): T;
}

/** What the registry needs of an instance. */
export interface ConsumerLike {
  close(): Promise<void>;
}

export function kafkaInstanceFactory(deps: InstanceDependencies) {
  return (group: string, name: string, settings: ConsumerSettings) =>
    new ConsumerInstance(group, name, settings, deps);
}

export class ConsumerInstances<T extends ConsumerLike> {
  readonly #options: InstancesOptions<T>;
  readonly #instances = new Map<string, T>();
  readonly #idle: IdleInstances<string>;
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(options: InstancesOptions<T>) {
    this.#options = options;
    this.#idle = new IdleInstances(options.timeoutSeconds, options.clock);
    const interval = this.#idle.checkIntervalMs;
    if (interval !== undefined) {
      this.#timer = setInterval(() => void this.closeIdle(), interval);
      this.#timer.unref();
    }
  }

  /** A name is taken when this bridge holds it or, with a directory, another replica does. */
  async create(group: string, name: string, settings: () => ConsumerSettings): Promise<T> {
    const id = instanceId(group, name);
    if (this.#instances.has(id)) throw new BridgeHttpError(409, NAME_IN_USE);
    // Settings are checked after the name, as Strimzi checks them (an invalid one is a 422).
    const resolved = settings();
    const directory = this.#options.directory;
    if (directory && !(await directory.claim(group, name))) throw new BridgeHttpError(409, NAME_IN_USE);
    // A concurrent create of the same name may have won while the directory answered.
    if (this.#instances.has(id)) throw new BridgeHttpError(409, NAME_IN_USE);
    let instance: T;
    try {
      instance = this.#options.create(group, name, resolved);
    } catch (err) {
      await directory?.release(group, name);
      throw err;
    }
    this.#instances.set(id, instance);
    this.#idle.touch(id);
    this.#options.logger.info({ group, name }, 'created consumer instance');
    return instance;
  }

  /** The instance, its idle clock restarted; undefined when this bridge does not hold it. */
  get(group: string, name: string): T | undefined {
    const id = instanceId(group, name);
    const instance = this.#instances.get(id);
    if (instance) this.#idle.touch(id);
    return instance;
  }

  /** Closes and forgets the instance; false when this bridge does not hold it. */
  async delete(group: string, name: string): Promise<boolean> {
    const id = instanceId(group, name);
    const instance = this.#instances.get(id);
    if (!instance) return false;
    this.#instances.delete(id);
    this.#idle.forget(id);
    try {
      await instance.close();
    } finally {
      await this.#options.directory?.release(group, name);
    }
    this.#options.logger.info({ group, name }, 'deleted consumer instance');
    return true;
  }

  /** Deletes the instances idle longer than the timeout; says which. */
  async closeIdle(): Promise<string[][]> {
    const closed: string[][] = [];
    for (const id of this.#idle.idle()) {
      const [group, name] = JSON.parse(id) as [string, string];
      this.#options.logger.warn({ group, name }, 'deleting consumer instance after inactivity timeout');
      await this.delete(group, name).catch((err: unknown) =>
        this.#options.logger.warn({ err, group, name }, 'closing an idle consumer instance failed'),
      );
      closed.push([group, name]);
    }
    return closed;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    for (const id of [...this.#instances.keys()]) {
      const [group, name] = JSON.parse(id) as [string, string];
      await this.delete(group, name).catch((err: unknown) =>
        this.#options.logger.warn({ err, group, name }, 'closing a consumer instance failed'),
      );
    }
  }
}

function instanceId(group: string, name: string): string {
  return JSON.stringify([group, name]);
}

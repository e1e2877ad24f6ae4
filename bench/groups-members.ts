// The group benchmark's client: one JVM running test/compat/java/GroupMembers (several KafkaConsumers
// of one group, each on its own thread), told on stdin to make members leave or join, reporting every
// rebalance callback with a timestamp from the JVM's own monotonic clock. Times measured from its
// events (a leave to the last assignment it caused) are free of this process's scheduling.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** What kafka-run-class.sh gives a client JVM (as bench/support/java-client.ts does). */
const clientJvmArgs = ['-Xmx512M', '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20'];

export interface GroupMembersOptions {
  /** From javaCompatClasspath() (test/compat/groups/group-clients.ts). */
  classpath: string;
  bootstrap: string;
  group: string;
  topic: string;
  members: number;
  protocol: 'classic' | 'consumer';
  /** Extra GroupMembers options, e.g. ['--report', 'count', '--expect', '1000']. */
  options?: string[];
  consumerProps?: Record<string, string>;
}

/** One line GroupMembers printed. */
export interface MembersEvent {
  event: string;
  member?: number;
  /** ms since the JVM started, its monotonic clock. */
  t?: number;
  partitions?: number[];
  [field: string]: unknown;
}

export class GroupMembersProcess {
  readonly events: MembersEvent[] = [];
  readonly pid: number;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  readonly #stderr: string[] = [];
  readonly #waiters = new Set<() => void>();
  #exitCode: number | null | undefined;

  constructor(options: GroupMembersOptions) {
    const args = [...clientJvmArgs, '-cp', options.classpath, 'GroupMembers'];
    args.push('--bootstrap', options.bootstrap, '--group', options.group, '--topic', options.topic);
    args.push(
      '--members',
      String(options.members),
      '--protocol',
      options.protocol,
      ...(options.options ?? []),
    );
    for (const [name, value] of Object.entries(options.consumerProps ?? {})) args.push(`${name}=${value}`);
    this.#child = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.pid = this.#child.pid ?? -1;
    createInterface({ input: this.#child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      this.events.push(JSON.parse(line) as MembersEvent);
      this.#wake();
    });
    createInterface({ input: this.#child.stderr! }).on('line', (line) => {
      this.#stderr.push(line);
      this.#stderr.splice(0, this.#stderr.length - 30);
    });
    this.#exited = new Promise((resolve) => {
      this.#child.once('close', (code) => {
        this.#exitCode = code;
        this.#wake();
        resolve(code);
      });
    });
  }

  send(command: string): void {
    this.#child.stdin!.write(`${command}\n`);
  }

  /** Resolves with `condition`'s first non-undefined result, checked on every event. */
  waitFor<T>(what: string, timeoutMs: number, condition: () => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const result = condition();
        if (result !== undefined) {
          finish();
          resolve(result);
        } else if (this.#exitCode !== undefined) {
          finish();
          reject(
            new Error(`GroupMembers exited (${this.#exitCode}) while waiting for ${what}\n${this.#tail()}`),
          );
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.#tail()}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /**
   * Waits until the members that have not left own every partition exactly once and no assignment
   * changed for `quietMs` (a rebalance may move partitions in several steps); resolves with the JVM
   * time of the last assignment change.
   */
  async waitStable(partitions: number, quietMs: number, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const settledAt = await this.waitFor('every partition owned once', deadline - performance.now(), () =>
        completeAssignment(this.events, partitions),
      );
      if (!(await this.#assignmentChangeWithin(quietMs))) return settledAt;
      if (performance.now() > deadline) throw new Error(`no stable assignment within ${timeoutMs} ms`);
    }
  }

  #assignmentChangeWithin(ms: number): Promise<boolean> {
    const from = this.events.length;
    return new Promise((resolve) => {
      const check = () => {
        if (this.events.slice(from).some(isAssignmentChange)) done(true);
      };
      const timer = setTimeout(() => done(false), ms);
      const done = (changed: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(changed);
      };
      this.#waiters.add(check);
    });
  }

  /** Ends the members (end of stdin: each closes, commits and leaves) and waits for the JVM to exit. */
  async close(): Promise<void> {
    this.#child.stdin!.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 60_000);
    await this.#exited;
    clearTimeout(timer);
  }

  /** Waits for the JVM to end by itself (GroupMembers --expect). */
  async exited(): Promise<number | null> {
    return this.#exited;
  }

  #wake(): void {
    for (const waiter of this.#waiters) waiter();
  }

  #tail(): string {
    return this.#stderr.join('\n');
  }
}

/** A rebalance callback that moved partitions (the Java client also calls them with none). */
function isAssignmentChange(event: MembersEvent): boolean {
  const callback = event.event === 'assigned' || event.event === 'revoked' || event.event === 'lost';
  return callback && (event.partitions?.length ?? 0) > 0;
}

function lastChangeAt(events: readonly MembersEvent[]): number | undefined {
  return events.findLast(isAssignmentChange)?.t;
}

/**
 * The JVM time of the last assignment change, when the members still in the group (not `leaving`)
 * own every partition exactly once; undefined otherwise.
 */
export function completeAssignment(events: readonly MembersEvent[], partitions: number): number | undefined {
  const owned = new Map<number, Set<number>>();
  const left = new Set<number>();
  for (const event of events) {
    const member = event.member;
    if (member === undefined || left.has(member)) continue;
    const current = owned.get(member) ?? new Set<number>();
    if (event.event === 'leaving') {
      left.add(member);
      owned.delete(member);
    } else if (event.event === 'assigned')
      owned.set(member, new Set([...current, ...(event.partitions ?? [])]));
    else if (event.event === 'revoked' || event.event === 'lost') {
      owned.set(member, new Set([...current].filter((partition) => !event.partitions?.includes(partition))));
    }
  }
  const counts = new Array<number>(partitions).fill(0);
  for (const set of owned.values()) for (const partition of set) counts[partition]++;
  if (!counts.every((count) => count === 1)) return undefined;
  return lastChangeAt(events);
}

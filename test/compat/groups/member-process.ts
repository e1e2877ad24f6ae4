// Group members as OS processes, whatever the client: spawned from a driver's command line, their
// output turned into MemberEvents (member-events.ts), killed with SIGKILL to crash them or stopped
// with SIGTERM to close them cleanly. A MemberGroup waits on conditions over all its members.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { MemberLog } from './group-delivery.ts';
import { type MemberEvent, nextAssignment, type TimedEvent } from './member-events.ts';

/** How a client's member is started and how its output reads. */
export interface MemberCommand {
  file: string;
  args: string[];
  /** Turns one line of output into an event, or undefined for anything else (kept for diagnostics). */
  parse(line: string, stream: 'stdout' | 'stderr'): MemberEvent | undefined;
  /**
   * How a clean close shows: the driver's `closed` event, or (kcat, which prints nothing then) exit
   * status 0 after SIGTERM.
   */
  closeShows: 'closed-event' | 'exit-0';
}

const KEPT_LINES = 40;

export class MemberProcess {
  readonly name: string;
  readonly events: TimedEvent[] = [];
  assignment = new Set<number>();
  /** Set once the process has exited. */
  exit: string | undefined;
  /** Killed or told to stop by the test: its exit is expected. */
  ending = false;
  readonly #child: ChildProcess;
  readonly #closeShows: MemberCommand['closeShows'];
  readonly #exited: Promise<void>;
  readonly #otherOutput: string[] = [];

  constructor(name: string, command: MemberCommand, onChange: () => void) {
    this.name = name;
    this.#closeShows = command.closeShows;
    // stdin stays open: the Java driver takes the end of its input as the order to close.
    this.#child = spawn(command.file, command.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: this.#child[stream]! }).on('line', (line) => {
        let event: MemberEvent | undefined;
        try {
          event = command.parse(line, stream);
        } catch (error) {
          event = { kind: 'error', message: `unreadable output (${(error as Error).message}): ${line}` };
        }
        if (event) {
          this.events.push({ event, at: performance.now() });
          this.assignment = nextAssignment(this.assignment, event);
        } else {
          this.#otherOutput.push(`${stream}: ${line}`);
          this.#otherOutput.splice(0, this.#otherOutput.length - KEPT_LINES);
        }
        onChange();
      });
    }
    this.#exited = new Promise((resolve) => {
      this.#child.once('error', (error) => {
        this.exit = `could not start: ${error.message}`;
        onChange();
        resolve();
      });
      this.#child.once('close', (code, signal) => {
        this.exit = `exited with ${signal ?? `code ${code}`}`;
        onChange();
        resolve();
      });
    });
  }

  get log(): MemberLog {
    return { member: this.name, events: this.events };
  }

  /** Records reported so far. */
  get recordCount(): number {
    return this.events.filter(({ event }) => event.kind === 'record').length;
  }

  /** The crash: SIGKILL, no commit, no LeaveGroup; the coordinator must notice by the session timeout. */
  async kill(): Promise<void> {
    this.ending = true;
    this.assignment = new Set();
    this.#child.kill('SIGKILL');
    await this.#exited;
  }

  /** A clean close (commit, leave the group); fails when it does not end with `closed` in time. */
  async stop(timeoutMs: number): Promise<void> {
    this.ending = true;
    if (this.exit === undefined) this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    await this.#exited;
    clearTimeout(timer);
    const closed =
      this.#closeShows === 'exit-0'
        ? this.exit === 'exited with code 0'
        : this.events.some(({ event }) => event.kind === 'closed');
    if (!closed)
      throw new Error(`${this.name} did not close cleanly within ${timeoutMs} ms\n${this.describe()}`);
  }

  /** Ends the process whatever its state (cleanup after a failure). */
  async destroy(): Promise<void> {
    this.ending = true;
    if (this.exit === undefined) this.#child.kill('SIGKILL');
    await this.#exited;
  }

  describe(): string {
    const errors = this.events.flatMap(({ event }) => (event.kind === 'error' ? [event.message] : []));
    return [
      `${this.name}: ${this.exit ?? 'running'}, assignment [${[...this.assignment].sort((a, b) => a - b)}], ${this.recordCount} records`,
      ...errors.slice(-10).map((message) => `  reported error: ${message}`),
      ...this.#otherOutput.map((line) => `  ${line}`),
    ].join('\n');
  }
}

/** The members of one group, with waits on conditions over all of them. */
export class MemberGroup {
  readonly members: MemberProcess[] = [];
  readonly #waiters = new Set<() => void>();

  start(name: string, command: MemberCommand): MemberProcess {
    const member = new MemberProcess(name, command, () => {
      for (const waiter of this.#waiters) waiter();
    });
    this.members.push(member);
    return member;
  }

  get running(): MemberProcess[] {
    return this.members.filter((member) => !member.ending);
  }

  /**
   * Resolves once `condition` holds (checked on every event), failing after `timeoutMs` or as soon as
   * a member the test did not end exits, with every member's state in the message.
   */
  waitFor(what: string, timeoutMs: number, condition: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        finish();
        reject(new Error(`${why} while waiting for ${what}\n${this.describe()}`));
      };
      const check = () => {
        const died = this.members.find((member) => member.exit !== undefined && !member.ending);
        if (died) fail(`${died.name} ${died.exit}`);
        else if (condition()) {
          finish();
          resolve();
        }
      };
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Wakes the waits up when the condition depends on something outside the members (the producer). */
  poke(): void {
    for (const waiter of this.#waiters) waiter();
  }

  async destroy(): Promise<void> {
    await Promise.all(this.members.map((member) => member.destroy()));
  }

  describe(): string {
    return this.members.map((member) => member.describe()).join('\n');
  }
}

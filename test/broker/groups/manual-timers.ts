// GroupTimers driven by hand: time moves only when a test calls advance(), and due timers then run in
// time order. For the group state machines' tests (classic and consumer protocol alike).
import type { GroupTimers } from '../../../src/broker/groups/timers.ts';

interface Scheduled {
  at: number;
  seq: number;
  task: () => void;
}

export class ManualTimers implements GroupTimers {
  now: number;
  readonly #tasks = new Map<string, Scheduled>();
  #seq = 0;

  constructor(start = 1_000_000) {
    this.now = start;
  }

  /** The clock to hand to the code under test. */
  readonly clock = (): number => this.now;

  schedule(groupId: string, name: string, delayMs: number, task: () => void): void {
    this.#tasks.set(key(groupId, name), { at: this.now + delayMs, seq: this.#seq++, task });
  }

  cancel(groupId: string, name: string): void {
    this.#tasks.delete(key(groupId, name));
  }

  cancelGroup(groupId: string): void {
    for (const k of [...this.#tasks.keys()]) if (k.startsWith(`${groupId}\u0000`)) this.#tasks.delete(k);
  }

  cancelAll(): void {
    this.#tasks.clear();
  }

  /** Moves the clock forward by `ms`, running every timer that falls due, earliest first. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      let next: [string, Scheduled] | undefined;
      for (const entry of this.#tasks) {
        const [, s] = entry;
        if (s.at <= target && (!next || s.at < next[1].at || (s.at === next[1].at && s.seq < next[1].seq))) {
          next = entry;
        }
      }
      if (!next) break;
      this.#tasks.delete(next[0]);
      this.now = Math.max(this.now, next[1].at);
      next[1].task();
    }
    this.now = target;
  }
}

function key(groupId: string, name: string): string {
  return `${groupId}\u0000${name}`;
}

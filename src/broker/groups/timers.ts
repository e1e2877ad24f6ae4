// Timers of the group coordinator, keyed by group and purpose (a member's session, a group's rebalance),
// so that rescheduling replaces the earlier timer and a deleted group loses all of its timers at once.
// The state machines take this interface, so tests drive time by hand instead of sleeping.

export interface GroupTimers {
  /** Runs `task` after `delayMs`, replacing any timer of the same group and name. */
  schedule(groupId: string, name: string, delayMs: number, task: () => void): void;
  cancel(groupId: string, name: string): void;
  /** Cancels every timer of the group. */
  cancelGroup(groupId: string): void;
  /** Cancels everything (the coordinator is stopping). */
  cancelAll(): void;
}

/** Wall-clock milliseconds since the epoch; injected next to the timers. */
export type Clock = () => number;

/** GroupTimers on Node's setTimeout; timers are unref'ed so that they never keep a process alive. */
export class SystemTimers implements GroupTimers {
  readonly #byGroup = new Map<string, Map<string, NodeJS.Timeout>>();

  schedule(groupId: string, name: string, delayMs: number, task: () => void): void {
    this.cancel(groupId, name);
    let timers = this.#byGroup.get(groupId);
    if (!timers) {
      timers = new Map();
      this.#byGroup.set(groupId, timers);
    }
    const handle = setTimeout(() => {
      this.#forget(groupId, name, handle);
      task();
    }, delayMs);
    handle.unref();
    timers.set(name, handle);
  }

  cancel(groupId: string, name: string): void {
    const handle = this.#byGroup.get(groupId)?.get(name);
    if (handle) {
      clearTimeout(handle);
      this.#forget(groupId, name, handle);
    }
  }

  cancelGroup(groupId: string): void {
    const timers = this.#byGroup.get(groupId);
    if (!timers) return;
    for (const handle of timers.values()) clearTimeout(handle);
    this.#byGroup.delete(groupId);
  }

  cancelAll(): void {
    for (const groupId of [...this.#byGroup.keys()]) this.cancelGroup(groupId);
  }

  #forget(groupId: string, name: string, handle: NodeJS.Timeout): void {
    const timers = this.#byGroup.get(groupId);
    if (timers?.get(name) !== handle) return;
    timers.delete(name);
    if (timers.size === 0) this.#byGroup.delete(groupId);
  }
}

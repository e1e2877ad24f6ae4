// The timers of the consumer and share group coordinators: one per group, for the earliest deadline of its
// members (session, rebalance), re-armed after every change. They are unref'd so that a silent group never
// keeps the process alive, and all cancelled when the broker stops.
export class GroupDeadlineTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  /** Re-arms a group's timer for the deadline, or only cancels it when there is none. */
  arm(groupId: string, deadline: number | undefined, expire: () => void): void {
    clearTimeout(this.timers.get(groupId));
    this.timers.delete(groupId);
    if (deadline === undefined) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(groupId);
        expire();
      },
      Math.max(0, deadline - this.now()),
    );
    timer.unref();
    this.timers.set(groupId, timer);
  }

  /** Cancels every timer (the broker is stopping). */
  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

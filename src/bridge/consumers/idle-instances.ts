// Which consumer instances have been idle too long (http.timeoutSeconds; -1 = never). As in Strimzi, an
// instance's clock restarts on every request addressed to it, and the bridge looks for idle ones every
// half timeout. The clock is injected, so the rule is tested without waiting.

export type Clock = () => number;

const MIN_CHECK_INTERVAL_MS = 100;

export class IdleInstances<Id> {
  readonly #timeoutMs: number;
  readonly #now: Clock;
  readonly #lastUse = new Map<Id, number>();

  /** `timeoutSeconds` < 0: nothing ever counts as idle. */
  constructor(timeoutSeconds: number, now: Clock = Date.now) {
    this.#timeoutMs = timeoutSeconds < 0 ? -1 : timeoutSeconds * 1000;
    this.#now = now;
  }

  /** How often to look for idle instances, or undefined when they are kept forever. */
  get checkIntervalMs(): number | undefined {
    // A floor, so that http.timeoutSeconds=0 (close at the next look) does not spin the event loop.
    return this.#timeoutMs < 0 ? undefined : Math.max(this.#timeoutMs / 2, MIN_CHECK_INTERVAL_MS);
  }

  touch(id: Id): void {
    this.#lastUse.set(id, this.#now());
  }

  forget(id: Id): void {
    this.#lastUse.delete(id);
  }

  /** The instances unused for longer than the timeout. */
  idle(): Id[] {
    if (this.#timeoutMs < 0) return [];
    const now = this.#now();
    return [...this.#lastUse].filter(([, last]) => last + this.#timeoutMs < now).map(([id]) => id);
  }
}

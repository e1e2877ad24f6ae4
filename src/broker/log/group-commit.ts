// Group commit: callers wait until the log is durable up to an offset; one fsync round serves everyone
// whose bytes were written before it started, and callers arriving while it runs share the next one.
// So N concurrent durable appends cost about two fsync rounds, not N.

/** Performs one fsync round and returns the end offset (exclusive) it made durable. */
export type SyncRound = () => Promise<bigint>;

export class GroupCommit {
  #durableEnd: bigint;
  #inFlight: Promise<void> | null = null;
  #rounds = 0;
  #failure: Error | null = null;
  readonly #sync: SyncRound;

  constructor(sync: SyncRound, durableEnd: bigint) {
    this.#sync = sync;
    this.#durableEnd = durableEnd;
  }

  /** Offsets below this are on stable storage. */
  get durableEnd(): bigint {
    return this.#durableEnd;
  }

  /** Number of fsync rounds run so far. */
  get rounds(): number {
    return this.#rounds;
  }

  get inFlight(): Promise<void> | null {
    return this.#inFlight;
  }

  /** Resolves once offsets below `end` are durable; rejects for good after a failed fsync. */
  async waitDurable(end: bigint): Promise<void> {
    while (this.#durableEnd < end) {
      if (this.#failure) throw this.#failure;
      // A round already running may have started before our bytes were written: wait for it, then
      // start (or join) the next one.
      this.#inFlight ??= this.#runRound();
      await this.#inFlight;
    }
  }

  async #runRound(): Promise<void> {
    try {
      const covered = await this.#sync();
      this.#rounds++;
      if (covered > this.#durableEnd) this.#durableEnd = covered;
    } catch (error) {
      // After a failed fsync the kernel may have dropped the dirty pages: nothing written since the
      // last good round can be vouched for, so the log stops accepting durability promises.
      this.#failure = error as Error;
    } finally {
      this.#inFlight = null;
    }
  }
}

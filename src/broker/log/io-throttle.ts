// log.cleaner.io.max.bytes.per.second (Kafka's Throttler): the cleaner reports the bytes it reads and
// writes, and sleeps whenever its rate over the current period would exceed the limit.
import { setTimeout as sleep } from 'node:timers/promises';

const PERIOD_MS = 300;

export class IoThrottle {
  readonly #bytesPerMs: number;
  readonly #clock: () => number;
  #periodStart: number;
  #bytes = 0;

  constructor(bytesPerSecond: number, clock: () => number = Date.now) {
    this.#bytesPerMs = bytesPerSecond / 1000;
    this.#clock = clock;
    this.#periodStart = clock();
  }

  /** Counts `bytes` and waits as long as needed to stay under the rate. */
  async maybeThrottle(bytes: number): Promise<void> {
    if (!Number.isFinite(this.#bytesPerMs) || this.#bytesPerMs >= Number.MAX_VALUE / 1000) return;
    this.#bytes += bytes;
    const elapsed = this.#clock() - this.#periodStart;
    if (elapsed < PERIOD_MS && this.#bytes / Math.max(elapsed, 1) <= this.#bytesPerMs) return;
    const wait = this.#bytes / this.#bytesPerMs - elapsed;
    if (wait > 0) await sleep(wait);
    this.#periodStart = this.#clock();
    this.#bytes = 0;
  }
}

// Segments taken out of a log by retention, DeleteRecords or compaction, as Kafka retires them: their
// files are renamed `.deleted` at once (so that a crash leaves them for recovery to remove, never as
// part of the log) and removed file.delete.delay.ms later. Until then the open file handle stays valid,
// so a fetch that started on the old segment list finishes reading consistent bytes.
import type { Logger } from 'pino';
import type { Segment } from './segment.ts';
import { DELETED_SUFFIX } from './segment-files.ts';

export class RetiredSegments {
  readonly #logger: Logger;
  readonly #pending = new Map<Segment, NodeJS.Timeout>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Segments waiting for their delayed removal. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Renames the segments' files to `.deleted`. They must then leave the log's segment list before
   * scheduleRemoval, so that no new reader finds them.
   */
  async markDeleted(segments: readonly Segment[]): Promise<void> {
    for (const segment of segments) await segment.changeFileSuffix(DELETED_SUFFIX);
  }

  /** Closes and removes the segments' files after `delayMs`, once their readers are done. */
  scheduleRemoval(segments: readonly Segment[], delayMs: number): void {
    for (const segment of segments) {
      const timer = setTimeout(() => {
        this.#remove(segment)
          .catch((error: unknown) =>
            this.#logger.error(
              { err: error, segment: segment.logPath },
              'could not delete a retired segment',
            ),
          )
          .finally(() => this.#pending.delete(segment));
      }, delayMs);
      timer.unref();
      this.#pending.set(segment, timer);
    }
  }

  /** Removes every pending segment now (the log is closing), once its readers are done. */
  async removeAll(): Promise<void> {
    const segments = [...this.#pending.keys()];
    for (const timer of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
    await Promise.all(segments.map((segment) => this.#remove(segment)));
  }

  async #remove(segment: Segment): Promise<void> {
    await segment.destroy();
    this.#logger.debug({ segment: segment.logPath }, 'deleted retired log segment files');
  }
}

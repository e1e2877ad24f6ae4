// Reads text lines and hands them over in batches, in order, one batch at a time: big batches when lines
// pour in from a file, a batch per line within a few milliseconds when someone types. Reading pauses while
// too many lines wait, so memory stays bounded whatever the input size.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface LineBatchOptions {
  /** Largest batch. */
  maxLines: number;
  /** How long a partial batch waits for more lines. */
  lingerMs: number;
  /** Ends the input early (e.g. on Ctrl-C): the lines read so far are still handled. */
  signal?: AbortSignal;
}

/**
 * Calls `handle` with consecutive batches of lines (and the 1-based number of each batch's first line).
 * Stops reading at the first error, from the input or from `handle`, and rejects with it.
 */
export async function forEachLineBatch(
  input: Readable,
  options: LineBatchOptions,
  handle: (lines: string[], firstLineNumber: number) => Promise<void>,
): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let pending: string[] = [];
  let nextLineNumber = 1;
  let queuedLines = 0;
  let failure: { error: unknown } | undefined;
  let chain = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  lines.once('close', () => {
    closed = true;
  });

  const fail = (error: unknown) => {
    failure ??= { error };
    if (!closed) lines.close();
  };
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0 || failure) return;
    const batch = pending;
    const first = nextLineNumber;
    pending = [];
    nextLineNumber += batch.length;
    queuedLines += batch.length;
    if (queuedLines >= options.maxLines * 4 && !closed) lines.pause();
    chain = chain
      .then(() => (failure ? undefined : handle(batch, first)))
      .catch(fail)
      .finally(() => {
        queuedLines -= batch.length;
        if (queuedLines < options.maxLines * 2 && !closed) lines.resume();
      });
  };

  const endEarly = () => {
    if (!closed) lines.close();
  };
  options.signal?.addEventListener('abort', endEarly, { once: true });
  input.once('error', fail);
  lines.on('line', (line) => {
    if (failure) return;
    pending.push(line);
    if (pending.length >= options.maxLines) flush();
    else timer ??= setTimeout(flush, options.lingerMs);
  });
  await once(lines, 'close');
  flush();
  await chain;
  input.off('error', fail);
  options.signal?.removeEventListener('abort', endEarly);
  if (failure) throw failure.error;
}

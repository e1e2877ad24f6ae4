// Ctrl-C and SIGTERM as a request to finish cleanly, for commands that run until told to stop.

/**
 * Runs `work` with a signal that the first SIGINT or SIGTERM aborts; `work` then winds down (sends what
 * it read, stops its server) and returns. A second signal exits at once, for when winding down hangs.
 */
export async function untilStopSignal<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(stop.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

// Waiting in tests that drive a broker: poll a condition until it gives a value, with a deadline, rather
// than sleeping a fixed time.

/** The first value `attempt` gives (not undefined), polled every 50 ms; throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

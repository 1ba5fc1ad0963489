// Polling for tests that watch another process (Prometheus, Alertmanager, a browser page): the
// error says what was last seen, so a timeout explains itself.

/** Polls read until ok accepts its value, every intervalMs, for at most timeoutMs. */
export async function waitFor<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${what} not seen within ${timeoutMs} ms; last: ${JSON.stringify(last)?.slice(0, 2000)} ${lastError ? String(lastError) : ''}`);
}

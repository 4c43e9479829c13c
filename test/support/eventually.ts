/**
 * Polls `read` until `done(value)` holds or `timeoutMs` passes, for waits outside a test body (hooks),
 * where `expect.poll` is not allowed. Made for the real server's eventually consistent visibility.
 * Resolves to the last value; throws with `what` and the last value on timeout.
 */
export async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The one polling helper of every tier: wait for something to become true, never for time to pass.
// To show that something did NOT happen, wait for a counter that proves the moment has passed
// (the emulators' stats, a workflow's history) and then assert the count, instead of sleeping.

/**
 * Polls `check` until it returns a value other than `undefined` or `false`, and returns it; fails
 * with "timed out waiting for <what>" after `timeoutMs`.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

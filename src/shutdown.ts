/** The signals that ask a long-running command (emulator, receiver, sandbox) to stop. */
export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/**
 * Calls `handler` on every SIGINT or SIGTERM until the returned function is called (for a command
 * that reacts to a second Ctrl-C differently from the first). While subscribed, these signals no
 * longer end the process by themselves.
 */
export function onShutdownSignal(handler: (signal: ShutdownSignal) => void): () => void {
  const listeners = SHUTDOWN_SIGNALS.map((signal) => {
    const listener = () => handler(signal);
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
}

/**
 * Resolves with the first SIGINT or SIGTERM this process receives (from then on they again end the
 * process, as by default). `signal` aborting stops waiting and resolves with undefined.
 */
export function waitForShutdownSignal(signal?: AbortSignal): Promise<ShutdownSignal | undefined> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(undefined);
    const done = (which: ShutdownSignal | undefined) => {
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      resolve(which);
    };
    const onAbort = () => done(undefined);
    const unsubscribe = onShutdownSignal(done);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

import type { ChildProcess } from 'node:child_process';

/**
 * Asks a local server process to stop with `signal`, and SIGKILLs it if it is still there after
 * `graceMs`. Resolves once it has exited (at once if it already had). Used for the servers the
 * project starts itself: the Temporal dev server and PostgreSQL.
 */
export function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 5000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}

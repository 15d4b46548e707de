import { setMaxListeners } from 'node:events';

/**
 * Runs `fn` with a signal of its own, linked to the activity's and unlinked afterwards. The SDK
 * leaves an abort listener on the signal of every call it makes; an operation of many calls
 * (serving: look-ups, a deployment, polls, a probe) would pile them onto the activity's signal
 * for as long as the activity runs. They pile onto this one instead, dropped when `fn` ends.
 */
export async function withScopedSignal<T>(
  outer: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const local = new AbortController();
  setMaxListeners(0, local.signal); // bounded by this one operation, released with it
  const forward = () => local.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  try {
    return await fn(local.signal);
  } finally {
    outer?.removeEventListener('abort', forward);
  }
}

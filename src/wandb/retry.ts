// When and how long to wait before re-sending a W&B request. Mirrors wandb-core's
// "retry most failures" policy, with shorter defaults because Temporal retries the activity too.

export interface RetryPolicy {
  /** Total sends, first one included. 1 = never retry. */
  maxAttempts: number;
  /** Delay before the first re-send; doubles each time. */
  initialDelayMs: number;
  /** Cap on the computed delay. */
  maxDelayMs: number;
  /** Cap on a server's Retry-After; a longer wait is better left to the caller (e.g. Temporal). */
  maxRetryAfterMs: number;
  /** Random extra delay as a fraction of the computed one (0.25 = up to +25 %), to spread load. */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 7,
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  jitter: 0.25,
};

// wandb-core retries every 4xx/5xx except these: they mean the request itself is wrong.
const NEVER_RETRIED = new Set([400, 401, 403, 404, 409, 410, 413, 422, 501]);

/** `retryConflict`: upsertBucket treats 409 as a race worth retrying (as wandb-core does). */
export function isRetryableStatus(status: number, retryConflict = false): boolean {
  if (status < 400) return false;
  if (status === 409) return retryConflict;
  return !NEVER_RETRIED.has(status);
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date. Undefined when absent/bad. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Delay before re-send number `retry` (1 = first re-send). A server-provided Retry-After wins over
 * the computed back-off (capped by `maxRetryAfterMs`).
 */
export function retryDelayMs(
  retry: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const base = Math.min(policy.initialDelayMs * 2 ** (retry - 1), policy.maxDelayMs);
  return Math.round(base * (1 + policy.jitter * random()));
}

/** Sleep that wakes early (rejecting) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

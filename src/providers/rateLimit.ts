// One token bucket per worker, in front of every provider HTTP request (the `openai` client's
// `fetch`), so however many jobs wait at once, the worker never exceeds its share of the account's
// rate limit. A 429's `retry-after` pauses the whole bucket: every call backs off, not just one.

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Requests per second a worker sends its provider when FINETUNE_PROVIDER_MAX_RPS is not set. */
export const DEFAULT_PROVIDER_MAX_RPS = 50;

export interface RateLimiterOptions {
  /** Sustained requests per second. */
  ratePerSec: number;
  /** Requests allowed back to back after a quiet spell (default: one second's worth). */
  burst?: number;
  /** Monotonic milliseconds and a timer; tests pass a fake clock. */
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * A token bucket kept as its "theoretical arrival time" (GCRA). Requests wait in one FIFO queue and
 * a token is taken only when a request actually goes, against the clock at that moment, so a
 * stalled event loop that fires late timers together still cannot send more than `burst` plus
 * the rate over any window.
 */
export class RateLimiter {
  readonly ratePerSec: number;
  readonly burst: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => void;
  private readonly waiting: Waiter[] = [];
  private timerArmed = false;
  private tat = -Infinity;
  private pausedUntil = -Infinity;

  constructor(o: RateLimiterOptions) {
    if (!(o.ratePerSec > 0) || !Number.isFinite(o.ratePerSec))
      throw new RangeError(`ratePerSec must be a positive number (got ${o.ratePerSec})`);
    this.ratePerSec = o.ratePerSec;
    this.burst = Math.max(1, Math.floor(o.burst ?? Math.max(1, o.ratePerSec)));
    this.intervalMs = 1000 / o.ratePerSec;
    this.now = o.now ?? (() => performance.now());
    this.setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, Math.ceil(ms)));
  }

  /** Resolves when this request may go (first come, first served). */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = this.waiting.indexOf(w);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal.reason as Error);
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.waiting.push(w);
      this.pump();
    });
  }

  /** The provider said "retry after": nothing more goes out until then. */
  pauseFor(ms: number): void {
    if (ms > 0) this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  private pump(): void {
    if (this.timerArmed) return;
    for (let head = this.waiting[0]; head; head = this.waiting[0]) {
      const now = this.now();
      // Up to `burst` tokens may be taken ahead of the steady rate; a pause holds every one.
      const wait = Math.max(
        Math.max(this.tat, now) - now - (this.burst - 1) * this.intervalMs,
        this.pausedUntil - now,
      );
      if (wait > 0) {
        this.timerArmed = true;
        this.setTimer(() => {
          this.timerArmed = false;
          this.pump();
        }, wait);
        return;
      }
      this.tat = Math.max(this.tat, now) + this.intervalMs;
      this.waiting.shift();
      if (head.onAbort) head.signal?.removeEventListener('abort', head.onAbort);
      head.resolve();
    }
  }
}

/** `fetch` that waits for the limiter first, and pauses it when the provider answers 429. */
export function rateLimitedFetch(limiter: RateLimiter, inner: Fetch = globalThis.fetch): Fetch {
  return async (input, init) => {
    await limiter.acquire(init?.signal ?? undefined);
    const res = await inner(input, init);
    if (res.status === 429) limiter.pauseFor(retryAfterMs(res.headers) ?? 0);
    return res;
  };
}

/** `retry-after-ms`, or `retry-after` in seconds or as an HTTP date; capped at ten minutes. */
export function retryAfterMs(headers: Headers | undefined, nowMs = Date.now()): number | undefined {
  const cap = (ms: number) => Math.min(Math.max(0, ms), 10 * 60_000);
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return cap(Number(ms));
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  if (Number.isFinite(Number(raw))) return cap(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : cap(at - nowMs);
}

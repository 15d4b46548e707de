import { describe, expect, it } from 'vitest';
import { RateLimiter, rateLimitedFetch, retryAfterMs } from '../../../src/providers/rateLimit.js';

/** A clock that only moves when the limiter's timer fires: release times are exact. */
function fakeClock() {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    set: (t: number) => (now = t),
    setTimer: (fn: () => void, ms: number) => timers.push({ at: now + ms, fn }),
    /** Fires timers in time order until none is left (letting resolved requests run between). */
    async run() {
      for (;;) {
        await new Promise((r) => setImmediate(r));
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift();
        if (!next) return;
        now = Math.max(now, next.at);
        next.fn();
      }
    },
  };
}

/** The most requests that fell in any window of `windowMs` (times sorted). */
function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('RateLimiter', () => {
  it('holds 1 000 simultaneous requests to the rate, after one burst', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ ratePerSec: 10, burst: 5, ...clock });
    const starts: number[] = [];
    const all = Promise.all(
      Array.from({ length: 1000 }, () => limiter.acquire().then(() => starts.push(clock.now()))),
    );
    await clock.run();
    await all;
    expect(starts).toHaveLength(1000);
    // Any second: at most the burst plus one second of rate.
    expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(5 + 10);
    // Any ten seconds: no more than the rate allows (plus the burst).
    expect(maxInWindow(starts, 10_000)).toBeLessThanOrEqual(5 + 100);
    // And it does not stall: the last goes out when the rate says, not later.
    expect(Math.max(...starts)).toBeCloseTo(((1000 - 5) / 10) * 1000, -1);
  });

  it('refills while idle, but never beyond the burst', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ ratePerSec: 2, burst: 3, ...clock });
    clock.set(60_000); // a long quiet spell
    const starts: number[] = [];
    const all = Promise.all(
      Array.from({ length: 4 }, () => limiter.acquire().then(() => starts.push(clock.now()))),
    );
    await clock.run();
    await all;
    // Three went at once; the fourth waited one interval.
    expect(starts).toEqual([60_000, 60_000, 60_000, 60_500]);
  });

  it('a pause (retry-after) holds every request until it ends', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ ratePerSec: 100, ...clock });
    limiter.pauseFor(3_000);
    const starts: number[] = [];
    const all = Promise.all(
      Array.from({ length: 2 }, () => limiter.acquire().then(() => starts.push(clock.now()))),
    );
    await clock.run();
    await all;
    expect(starts).toEqual([3_000, 3_000]);
  });

  it('rejects a rate that is not a positive number', () => {
    expect(() => new RateLimiter({ ratePerSec: 0 })).toThrow(RangeError);
    expect(() => new RateLimiter({ ratePerSec: Number.NaN })).toThrow(RangeError);
  });
});

describe('rateLimitedFetch (real timers)', () => {
  it('sends no more than the rate, and a 429 with retry-after pauses the rest', async () => {
    const sent: number[] = [];
    let answer429 = true;
    const inner = (): Promise<Response> => {
      sent.push(performance.now());
      if (answer429) {
        answer429 = false;
        return Promise.resolve(
          new Response('{}', { status: 429, headers: { 'retry-after-ms': '300' } }),
        );
      }
      return Promise.resolve(new Response('{}', { status: 200 }));
    };
    const limiter = new RateLimiter({ ratePerSec: 50, burst: 2 });
    const limited = rateLimitedFetch(limiter, inner);
    const first = await limited('http://provider.test/v1/x');
    expect(first.status).toBe(429);
    await Promise.all(Array.from({ length: 20 }, () => limited('http://provider.test/v1/x')));
    expect(sent).toHaveLength(21);
    // Nothing went out during the 300 ms pause after the 429.
    expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(290);
    // A slow machine only spreads requests further apart: the bound holds regardless.
    expect(maxInWindow(sent.slice(1), 200)).toBeLessThanOrEqual(2 + 10);
    expect(sent[20]! - sent[1]!).toBeGreaterThanOrEqual(((20 - 2) / 50) * 1000 - 20);
  });

  it('an aborted request stops waiting', async () => {
    const limiter = new RateLimiter({ ratePerSec: 1, burst: 1 });
    const limited = rateLimitedFetch(limiter, () => Promise.resolve(new Response('{}')));
    await limited('http://provider.test/a');
    const ac = new AbortController();
    const waiting = limited('http://provider.test/b', { signal: ac.signal });
    ac.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
  });
});

describe('retryAfterMs', () => {
  it('reads retry-after-ms, seconds and HTTP dates, capped at ten minutes', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '1500' }))).toBe(1500);
    expect(retryAfterMs(new Headers({ 'retry-after': '7' }))).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after': '99999' }))).toBe(600_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(
      5000,
    );
    expect(retryAfterMs(new Headers({}))).toBeUndefined();
  });
});

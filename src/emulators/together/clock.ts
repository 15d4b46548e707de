import type { Timers } from '../openai/timers.js';

/**
 * The emulator's compressed time. Durations are given in provider time and run `scale` times
 * faster; what the API shows stays wall-clock (ISO timestamps, seconds remaining), so a client
 * polls as it would against the real service. Serving bills are counted in provider time.
 */
export class EmulatorClock {
  constructor(
    readonly scale: number,
    private readonly timers: Timers,
  ) {
    if (!(scale > 0) || !Number.isFinite(scale))
      throw new Error('timeScale must be a positive number');
  }

  /** Real milliseconds a provider-time span takes here. */
  realMs(providerMs: number): number {
    return providerMs / this.scale;
  }

  /** Provider-time milliseconds a real span stands for. */
  providerMs(realMs: number): number {
    return realMs * this.scale;
  }

  /** Runs `fn` after a provider-time span. */
  after(providerMs: number, fn: () => void): NodeJS.Timeout | undefined {
    return this.timers.after(this.realMs(providerMs), fn);
  }

  cancel(handle: NodeJS.Timeout | undefined): void {
    this.timers.cancel(handle);
  }
}

/** ISO 8601 with milliseconds, as Together's job timestamps are. */
export const isoNow = (ms: number = Date.now()): string => new Date(ms).toISOString();

/** Unix seconds, as file `created_at` is (an integer, unlike the jobs' ISO strings). */
export const unixSeconds = (ms: number = Date.now()): number => Math.floor(ms / 1000);

import type { ApiError } from './errors.js';
import type { FaultOptions } from './options.js';
import type { Random } from './random.js';

export type FaultOutcome =
  { kind: 'pass' } | { kind: 'error'; error: ApiError } | { kind: 'reset' };

/** The provider's own wording of the injected errors. */
export interface FaultErrors {
  rateLimited(retryAfterSeconds: number): ApiError;
  serverError(): ApiError;
}

/**
 * Decides, per request, whether to answer with an injected fault. One random draw per matching
 * request, so a seeded run injects the same faults into the same requests.
 */
export class FaultInjector {
  private injected = 0;

  constructor(
    private readonly current: () => FaultOptions | undefined,
    private readonly random: Random,
    private readonly errors: FaultErrors,
  ) {}

  /** Starts `maxFaults` counting again (new fault settings). */
  reset(): void {
    this.injected = 0;
  }

  latencyMs(path: string): number {
    const f = this.current();
    return f && this.applies(f, path) ? (f.latencyMs ?? 0) : 0;
  }

  decide(path: string): FaultOutcome {
    const f = this.current();
    if (!f || !this.applies(f, path)) return { kind: 'pass' };
    if (f.maxFaults !== undefined && this.injected >= f.maxFaults) return { kind: 'pass' };
    const r = this.random();
    const p429 = f.rate429 ?? 0;
    const p5xx = f.rate5xx ?? 0;
    const pReset = f.rateReset ?? 0;
    let outcome: FaultOutcome = { kind: 'pass' };
    if (r < p429)
      outcome = { kind: 'error', error: this.errors.rateLimited(f.retryAfterSeconds ?? 1) };
    else if (r < p429 + p5xx) outcome = { kind: 'error', error: this.errors.serverError() };
    else if (r < p429 + p5xx + pReset) outcome = { kind: 'reset' };
    if (outcome.kind !== 'pass') this.injected++;
    return outcome;
  }

  private applies(f: FaultOptions, path: string): boolean {
    if (!f.onlyPaths) return true;
    f.onlyPaths.lastIndex = 0; // a /g or /y pattern must not carry state between requests
    return f.onlyPaths.test(path);
  }
}

import type { ApiError } from './errors.js';
import type { FaultOptions } from './options.js';
import type { Random } from './random.js';

export type FaultOutcome =
  | { kind: 'pass' }
  | { kind: 'error'; error: ApiError }
  | { kind: 'reset' }
  | { kind: 'lose-answer' };

/** The provider's own wording of the injected errors. */
export interface FaultErrors {
  rateLimited(retryAfterSeconds: number): ApiError;
  serverError(): ApiError;
}

/**
 * Decides, per request, whether to answer with an injected fault. One random draw per matching
 * request, so a seeded run injects the same faults into the same requests.
 */
/** One injected fault: when (real clock), on which request, and what. */
export interface InjectedFault {
  atMs: number;
  method: string;
  path: string;
  kind: Exclude<FaultOutcome['kind'], 'pass'>;
  status?: number;
}

export class FaultInjector {
  private injected = 0;
  /** The latest injected faults (bounded), so a test can check how a client spaced its retries. */
  readonly log: InjectedFault[] = [];

  constructor(
    private readonly current: () => FaultOptions | undefined,
    private readonly random: Random,
    private readonly errors: FaultErrors,
  ) {}

  /** Starts `maxFaults` counting again (new fault settings). */
  reset(): void {
    this.injected = 0;
  }

  latencyMs(path: string, method = 'GET'): number {
    const f = this.current();
    return f && this.applies(f, path, method) ? (f.latencyMs ?? 0) : 0;
  }

  decide(path: string, method = 'GET'): FaultOutcome {
    const f = this.current();
    if (!f || !this.applies(f, path, method)) return { kind: 'pass' };
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
    else if (r < p429 + p5xx + pReset + (f.rateLoseAnswer ?? 0)) outcome = { kind: 'lose-answer' };
    if (outcome.kind !== 'pass') {
      this.injected++;
      this.log.push({
        atMs: Date.now(),
        method: method.toUpperCase(),
        path,
        kind: outcome.kind,
        ...(outcome.kind === 'error' ? { status: outcome.error.status } : {}),
      });
      if (this.log.length > 1000) this.log.shift();
    }
    return outcome;
  }

  private applies(f: FaultOptions, path: string, method: string): boolean {
    if (f.onlyMethods && !f.onlyMethods.includes(method.toUpperCase())) return false;
    if (!f.onlyPaths) return true;
    f.onlyPaths.lastIndex = 0; // a /g or /y pattern must not carry state between requests
    return f.onlyPaths.test(path);
  }
}

import { Context } from '@temporalio/activity';
import type { CallContext } from '../providers/types.js';

/**
 * Heartbeats on a timer while an activity works, re-sending the latest checkpoint each time.
 * A killed worker then shows as a missed heartbeat within the activity's heartbeatTimeout, and the
 * retry starts in seconds instead of after the whole startToCloseTimeout. Cancellation also reaches
 * the activity through these heartbeats.
 */
export class Pulse<D = unknown> {
  private details: D | undefined;

  constructor(private readonly ctx: Context) {}

  /** What the previous attempt checkpointed (its heartbeat details), if any. */
  get resumeFrom(): D | undefined {
    return this.ctx.info.heartbeatDetails as D | undefined;
  }

  /** Records a checkpoint (what a retried attempt resumes from) and heartbeats it at once. */
  checkpoint(details: D): void {
    this.details = details;
    this.beat();
  }

  beat(): void {
    this.ctx.heartbeat(this.details);
  }
}

export const PULSE_INTERVAL_MS = 5_000;

/** Runs `fn` with a Pulse that beats every PULSE_INTERVAL_MS until `fn` settles. */
export async function withPulse<T, D = unknown>(
  fn: (pulse: Pulse<D>) => Promise<T>,
  intervalMs = PULSE_INTERVAL_MS,
): Promise<T> {
  const ctx = Context.current();
  const pulse = new Pulse<D>(ctx);
  const resumeFrom = ctx.info.heartbeatDetails as D | undefined;
  if (resumeFrom !== undefined) pulse.checkpoint(resumeFrom);
  const timer = setInterval(() => pulse.beat(), intervalMs);
  try {
    return await fn(pulse);
  } finally {
    clearInterval(timer);
  }
}

/**
 * Wraps a short activity so it heartbeats while it runs (for activities with no checkpoint of
 * their own): with a heartbeat timeout set, a killed worker's attempt is retried in seconds.
 */
export function pulsed<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return (...args: A) => withPulse(() => fn(...args));
}

/** The running activity as a provider call sees it: its cancellation, heartbeat and log. */
export function activityCall(pulse?: Pulse): CallContext {
  const ctx = Context.current();
  return {
    signal: ctx.cancellationSignal,
    heartbeat: (details?: unknown) => {
      if (pulse) pulse.beat();
      else ctx.heartbeat(details);
    },
    log: (message, meta) => {
      ctx.log.info(message, meta);
    },
  };
}

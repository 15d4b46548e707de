import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../shared/errorTypes.js';
import type { JobSnapshot, WaitPolicy } from '../shared/types.js';

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * How long to sleep before the next safety-net poll. Pure, so it is unit-tested and deterministic.
 *
 * adaptive: while running with an `estimated_finish`, halve the remaining time each poll, so polls
 * close in on the estimate geometrically (a two-hour job costs ~10 polls, not 120); once the estimate
 * has passed, or when there is none, back off from minPollMs by doubling. A webhook (signal) cuts any
 * sleep short, so these delays only bound the latency when a webhook is lost.
 */
export function nextPollDelay(
  policy: WaitPolicy,
  job: JobSnapshot | undefined,
  nowMs: number,
  pollsSinceChange: number,
): number {
  if (policy.mode === 'fixed') return policy.fixedIntervalMs ?? policy.minPollMs;
  const backoff = clamp(
    policy.minPollMs * 2 ** pollsSinceChange,
    policy.minPollMs,
    policy.maxPollMs,
  );
  let delay = backoff;
  if (job?.status === 'running' && job.estimatedFinish !== null) {
    const remaining = job.estimatedFinish * 1000 - nowMs;
    if (remaining > 0) delay = clamp(remaining / 2, policy.minPollMs, policy.maxPollMs);
  }
  if (job?.status === 'running' && policy.progressPollMs !== undefined) {
    delay = Math.min(delay, Math.max(policy.progressPollMs, policy.minPollMs));
  }
  return Math.round(delay);
}

export function resolveWaitPolicy(
  base: WaitPolicy,
  override: Partial<WaitPolicy> | undefined,
): WaitPolicy {
  const p = { ...base, ...override };
  const problem = waitPolicyProblem(p);
  // A typed, non-retryable failure fails the workflow with the reason; a plain Error would fail
  // the workflow task, which Temporal retries forever.
  if (problem)
    throw ApplicationFailure.nonRetryable(
      `invalid wait policy: ${problem}`,
      ErrorType.InvalidWaitPolicy,
    );
  return p;
}

/** Why a wait policy is unusable, or undefined; the client checks the same before starting. */
export function waitPolicyProblem(p: WaitPolicy): string | undefined {
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (p.mode !== 'adaptive' && p.mode !== 'fixed')
    return `mode must be "adaptive" or "fixed", not ${JSON.stringify(p.mode)}`;
  if (!finite(p.minPollMs) || p.minPollMs <= 0)
    return `minPollMs must be a positive number of ms (got ${String(p.minPollMs)})`;
  if (!finite(p.maxPollMs) || p.maxPollMs < p.minPollMs)
    return `maxPollMs must be at least minPollMs (got ${String(p.maxPollMs)} < ${p.minPollMs})`;
  if (p.fixedIntervalMs !== undefined && (!finite(p.fixedIntervalMs) || p.fixedIntervalMs <= 0))
    return `fixedIntervalMs must be a positive number of ms`;
  if (p.progressPollMs !== undefined && (!finite(p.progressPollMs) || p.progressPollMs <= 0))
    return `progressPollMs must be a positive number of ms`;
  return undefined;
}

/**
 * Counts consecutive polls that had no estimate ahead of them; the backoff grows with it. It
 * restarts when the status changes or while a future estimated_finish guides the polls.
 */
export function nextUnguidedStreak(
  streak: number,
  previous: JobSnapshot | undefined,
  current: JobSnapshot,
  nowMs: number,
): number {
  if (previous && previous.status !== current.status) return 0;
  const guided =
    current.status === 'running' &&
    current.estimatedFinish !== null &&
    current.estimatedFinish * 1000 > nowMs;
  return guided ? 0 : streak + 1;
}

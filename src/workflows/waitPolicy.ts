import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../shared/errorTypes.js';
import type { JobSnapshot, WaitPolicy } from '../shared/types.js';

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** With webhooks, the safety net's longest sleep by default. */
export const DEFAULT_SAFETY_NET_POLL_MS = 60 * 60_000;
/** While someone watches, polls come at least this often by default. */
export const DEFAULT_WATCH_POLL_MS = 15_000;
/** The longest a `watchProgress` lease lasts, so a watcher that went away soon stops costing polls. */
export const MAX_WATCH_LEASE_MS = 15 * 60_000;

/**
 * Polls at minPollMs once estimated_finish has passed, before the backoff doubles: a job most
 * often ends shortly after its estimate, so the first minutes past it are watched closely.
 */
export const POLLS_AT_MIN_AFTER_ESTIMATE = 3;

/** Who is looking right now: an interactive watcher (a lease) or a live W&B run. */
export interface PollAudience {
  watched?: boolean;
  live?: boolean;
}

/** Webhooks bring the end; nobody needs progress: the poll is only a sparse safety net. */
export function isSparse(policy: WaitPolicy, audience: PollAudience = {}): boolean {
  return (
    policy.mode === 'adaptive' && policy.webhooks === true && !audience.watched && !audience.live
  );
}

/**
 * How long to sleep before the next safety-net poll. Pure, so it is unit-tested and deterministic.
 *
 * adaptive: while running with an `estimated_finish`, halve the remaining time each poll, so polls
 * close in on the estimate geometrically (a two-hour job costs ~10 polls, not 120); once the estimate
 * has passed, POLLS_AT_MIN_AFTER_ESTIMATE more at minPollMs, then, as when there is no estimate,
 * back off from minPollMs by doubling. A webhook (signal) cuts any
 * sleep short, so these delays only bound the latency when a webhook is lost.
 *
 * With `webhooks` and nobody watching, see sparseDelay. While watched, at most watchPollMs.
 */
export function nextPollDelay(
  policy: WaitPolicy,
  job: JobSnapshot | undefined,
  nowMs: number,
  pollsSinceChange: number,
  audience: PollAudience = {},
  /** Runs from before POLLS_AT_MIN_AFTER_ESTIMATE pass false: they doubled at once. */
  holdAfterEstimate = true,
): number {
  if (policy.mode === 'fixed') return policy.fixedIntervalMs ?? policy.minPollMs;
  let delay = isSparse(policy, audience)
    ? sparseDelay(policy, job, nowMs, pollsSinceChange)
    : adaptiveDelay(policy, job, nowMs, pollsSinceChange, holdAfterEstimate);
  if (audience.watched) {
    delay = Math.min(
      delay,
      Math.max(policy.watchPollMs ?? DEFAULT_WATCH_POLL_MS, policy.minPollMs),
    );
  }
  return Math.round(delay);
}

function adaptiveDelay(
  policy: WaitPolicy,
  job: JobSnapshot | undefined,
  nowMs: number,
  pollsSinceChange: number,
  holdAfterEstimate: boolean,
): number {
  const pastEstimate =
    job?.status === 'running' &&
    job.estimatedFinish !== null &&
    job.estimatedFinish * 1000 <= nowMs;
  const doublings =
    holdAfterEstimate && pastEstimate
      ? Math.max(0, pollsSinceChange - POLLS_AT_MIN_AFTER_ESTIMATE)
      : pollsSinceChange;
  const backoff = clamp(policy.minPollMs * 2 ** doublings, policy.minPollMs, policy.maxPollMs);
  let delay = backoff;
  if (job?.status === 'running' && job.estimatedFinish !== null) {
    const remaining = job.estimatedFinish * 1000 - nowMs;
    if (remaining > 0) delay = clamp(remaining / 2, policy.minPollMs, policy.maxPollMs);
  }
  if (job?.status === 'running' && policy.progressPollMs !== undefined) {
    delay = Math.min(delay, Math.max(policy.progressPollMs, policy.minPollMs));
  }
  return delay;
}

/**
 * The webhook brings the end, so polls only catch a lost one: a poll just after estimated_finish
 * (a little later than it, so the webhook normally comes first), backing off from minPollMs once
 * the estimate has passed, and otherwise one poll per safetyNetPollMs (a lost failure webhook is
 * noticed within it). A two-hour job costs about four polls.
 */
function sparseDelay(
  policy: WaitPolicy,
  job: JobSnapshot | undefined,
  nowMs: number,
  pollsSinceChange: number,
): number {
  const net = Math.max(policy.safetyNetPollMs ?? DEFAULT_SAFETY_NET_POLL_MS, policy.minPollMs);
  if (job?.status !== 'running' || job.estimatedFinish === null) return net;
  const remaining = job.estimatedFinish * 1000 - nowMs;
  if (remaining > 0) return clamp(remaining + 4 * policy.minPollMs, policy.minPollMs, net);
  return clamp(policy.minPollMs * 2 ** pollsSinceChange, policy.minPollMs, net);
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
  if (p.webhooks !== undefined && typeof p.webhooks !== 'boolean')
    return `webhooks must be true or false`;
  for (const key of ['safetyNetPollMs', 'watchPollMs'] as const) {
    const v = p[key];
    if (v !== undefined && (!finite(v) || v <= 0)) return `${key} must be a positive number of ms`;
  }
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

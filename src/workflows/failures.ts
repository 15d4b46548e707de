import { ApplicationFailure, isCancellation, patched } from '@temporalio/workflow';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES } from '../shared/errorTypes.js';
import { PATCH } from './patches.js';

// What may leave workflow code: typed failures (a plain Error fails the workflow *task*, which
// Temporal retries forever) and cancellation, which no best-effort catch may keep.

/**
 * The first line of every catch in workflow code: a cancellation goes on up. Runs started before
 * this rule replay as they ran (some swallowed a cancellation in best-effort work).
 */
export function rethrowCancellation(err: unknown): void {
  if (isCancellation(err) && patched(PATCH.bestEffortLetsCancellationThrough)) throw err;
}

/** Whether a failed call failed for good: its innermost failure has a non-retryable type. */
export function isPermanent(err: unknown): boolean {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) {
    if (e instanceof ApplicationFailure && e.nonRetryable) return true;
    e = e.cause;
  }
  return (
    e instanceof ApplicationFailure &&
    (e.nonRetryable || (NON_RETRYABLE_ERROR_TYPES as string[]).includes(e.type ?? ''))
  );
}

/** The innermost typed failure's type, for a receiver to branch on. */
export function failureType(err: unknown): string | undefined {
  let e: unknown = err;
  let type: string | undefined;
  while (e instanceof Error) {
    if (e instanceof ApplicationFailure && e.type) type = e.type;
    e = e.cause;
  }
  return type;
}

/** resolveWandbTarget answered null: the worker has no W&B key. */
export function wandbNotConfigured(what: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `${what} needs W&B, which is not configured on this worker: set WANDB_API_KEY (and WANDB_BASE_URL for a private server) in the worker's environment, then restart it.`,
    ErrorType.WandbNotConfigured,
  );
}

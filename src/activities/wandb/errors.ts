import { ApplicationFailure } from '@temporalio/common';
import {
  WandbAuthError,
  WandbError,
  WandbInputError,
  WandbNotFoundError,
  WandbProtocolError,
} from '../../wandb/index.js';
import { ErrorType } from '../../shared/errorTypes.js';

/**
 * The one place where W&B client errors become Temporal failures. Transient ones stay retryable
 * (the activity retry policy waits out an outage); the rest say what a person should do.
 */
export function toWandbFailure(err: unknown, action: string): Error {
  if (err instanceof ApplicationFailure || !(err instanceof WandbError)) {
    return err instanceof Error ? err : new Error(String(err));
  }
  const message = `${action}: ${err.message}`;
  if (err instanceof WandbAuthError) {
    return ApplicationFailure.nonRetryable(
      `${message} Check WANDB_API_KEY on the worker and that it may write to this entity and project.`,
      ErrorType.WandbAuthentication,
    );
  }
  if (err instanceof WandbNotFoundError) {
    return ApplicationFailure.nonRetryable(message, ErrorType.WandbNotFound);
  }
  if (err instanceof WandbInputError || err instanceof WandbProtocolError) {
    return ApplicationFailure.nonRetryable(message, ErrorType.WandbRejected);
  }
  return ApplicationFailure.retryable(message, ErrorType.WandbUnavailable);
}

export async function wandbCalling<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toWandbFailure(err, action);
  }
}

import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { ErrorType } from '../shared/errorTypes.js';

// Failures for what escapes the provider and W&B error mappings: a body that never came, a
// stream cut off half-way, a file the worker cannot read. Each gets a stable type and the retry
// behaviour it needs, instead of a bare Error.

/** The provider answered 200 with no body: a transient glitch, retried. */
export function emptyBody(what: string): ApplicationFailure {
  return ApplicationFailure.retryable(
    `${what} came back with no body; retrying`,
    ErrorType.ProviderStreamInterrupted,
  );
}

/** Runs a streamed read or write; a cut-off stream is retried, anything typed passes through. */
export async function streaming<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApplicationFailure || err instanceof CancelledFailure) throw err;
    if ((err as { name?: string }).name === 'AbortError') throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      throw ApplicationFailure.nonRetryable(
        `${what}: the worker cannot read a file (${code}): ${(err as Error).message}`,
        ErrorType.DatasetUnreadable,
      );
    }
    throw ApplicationFailure.retryable(
      `${what} was interrupted: ${(err as Error).message ?? String(err)}`,
      ErrorType.ProviderStreamInterrupted,
    );
  }
}

/** A W&B artifact version the pipeline recorded is no longer there: retrying will not bring it back. */
export function artifactGone(ref: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `W&B artifact ${ref} is gone (deleted after this pipeline versioned it?); the step cannot go on without it`,
    ErrorType.WandbNotFound,
  );
}

import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import OpenAI from 'openai';
import { ErrorType } from '../../shared/errorTypes.js';
import { retryAfterMs } from '../../providers/rateLimit.js';
import { redactSecrets } from '../../shared/redact.js';

/**
 * The one place where `openai` errors become Temporal failures. Permanent errors are
 * non-retryable and say what a person should do; transient ones stay retryable, honouring
 * `retry-after` on 429.
 */
export function toFailure(err: unknown, action: string): Error {
  if (err instanceof ApplicationFailure) return err;
  // The activity was cancelled and its signal aborted the request. Temporal knows a cancellation
  // by its type (CancelledFailure, or an error named AbortError): as the client's own error it would
  // report a failed activity, with a warning and a stack trace.
  if (err instanceof OpenAI.APIUserAbortError) return new CancelledFailure(`${action}: cancelled`);
  if (err instanceof OpenAI.APIConnectionError) {
    return ApplicationFailure.retryable(
      `${action}: could not reach OpenAI (${redactSecrets(err.message)})`,
      ErrorType.OpenAIUnavailable,
    );
  }
  if (!(err instanceof OpenAI.APIError)) return err instanceof Error ? err : new Error(String(err));

  const detail = redactSecrets(err.message);
  const requestId = err.requestID ? ` (request ${err.requestID})` : '';
  const status = err.status as number | undefined;
  if (status === 403 && err.code === 'training_not_available') {
    return ApplicationFailure.nonRetryable(
      `${action}: OpenAI refused with training_not_available — this organization can no longer ` +
        'create fine-tuning jobs (OpenAI is winding down self-serve fine-tuning). Retrying will not ' +
        'help; use an organization that still has access or another provider.' +
        requestId,
      ErrorType.TrainingNotAvailable,
    );
  }
  if (status === 401) {
    return ApplicationFailure.nonRetryable(
      `${action}: OpenAI rejected the API key (401). Set a valid OPENAI_API_KEY in the worker's environment.${requestId}`,
      ErrorType.OpenAIAuthentication,
    );
  }
  if (status === 403) {
    return ApplicationFailure.nonRetryable(
      `${action}: permission denied by OpenAI (403): ${detail}${requestId}`,
      ErrorType.OpenAIPermissionDenied,
    );
  }
  if (status === 404) {
    return ApplicationFailure.nonRetryable(
      `${action}: not found at OpenAI (404): ${detail}${requestId}`,
      ErrorType.OpenAINotFound,
    );
  }
  if (status === 429 && err.code === 'insufficient_quota') {
    return ApplicationFailure.nonRetryable(
      `${action}: OpenAI quota exhausted (insufficient_quota). Add credit or raise the limit, then start again.${requestId}`,
      ErrorType.OpenAIQuotaExceeded,
    );
  }
  if (status === 429) {
    return ApplicationFailure.create({
      message: `${action}: rate limited by OpenAI (429)${requestId}`,
      type: ErrorType.OpenAIRateLimited,
      nextRetryDelay: retryAfterMs(err.headers as Headers | undefined),
    });
  }
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 409) {
    const param = err.param ? ` (parameter: ${err.param})` : '';
    return ApplicationFailure.nonRetryable(
      `${action}: OpenAI rejected the request (${status}): ${detail}${param}${requestId}`,
      ErrorType.OpenAIBadRequest,
    );
  }
  return ApplicationFailure.retryable(
    `${action}: OpenAI error ${status ?? ''}: ${detail}${requestId}`,
    ErrorType.OpenAIUnavailable,
  );
}

/** Runs one provider call and maps whatever it throws. */
export async function calling<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toFailure(err, action);
  }
}

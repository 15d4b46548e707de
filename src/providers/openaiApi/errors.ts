import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import OpenAI from 'openai';
import { ErrorType } from '../../shared/errorTypes.js';
import { retryAfterMs } from '../rateLimit.js';
import { redactSecrets } from '../../shared/redact.js';

/** Who answered, for messages: the service's name and the setting that holds its key. */
export interface ApiIdentity {
  /** "OpenAI", "Azure OpenAI", "Nebius Token Factory", … */
  label: string;
  /** What to fix when the key is refused, e.g. "Set a valid OPENAI_API_KEY". */
  keyHint: string;
}

/** Runs one provider call and maps whatever it throws. */
export type Calling = <T>(action: string, fn: () => Promise<T>) => Promise<T>;

/**
 * The one place where `openai` errors become Temporal failures, for every service that speaks
 * OpenAI's API (OpenAI, Azure OpenAI, OpenAI-compatible hosts): permanent errors are
 * non-retryable and say what a person should do — naming this service and its own key setting;
 * transient ones stay retryable, honouring `retry-after` on 429.
 */
export function openAIApiFailure(who: ApiIdentity): (err: unknown, action: string) => Error {
  return (err, action) => toFailure(err, action, who);
}

export function callingWith(toError: (err: unknown, action: string) => Error): Calling {
  return async (action, fn) => {
    try {
      return await fn();
    } catch (err) {
      throw toError(err, action);
    }
  };
}

function toFailure(err: unknown, action: string, who: ApiIdentity): Error {
  if (err instanceof ApplicationFailure) return err;
  // The activity was cancelled and its signal aborted the request. Temporal knows a cancellation
  // by its type (CancelledFailure, or an error named AbortError): as the client's own error it would
  // report a failed activity, with a warning and a stack trace.
  if (err instanceof OpenAI.APIUserAbortError) return new CancelledFailure(`${action}: cancelled`);
  if (err instanceof OpenAI.APIConnectionError) {
    return ApplicationFailure.retryable(
      `${action}: could not reach ${who.label} (${redactSecrets(err.message)})`,
      ErrorType.ProviderUnavailable,
    );
  }
  if (!(err instanceof OpenAI.APIError)) return err instanceof Error ? err : new Error(String(err));

  const detail = redactSecrets(err.message);
  const requestId = err.requestID ? ` (request ${err.requestID})` : '';
  const status = err.status as number | undefined;
  if (status === 403 && err.code === 'training_not_available') {
    return ApplicationFailure.nonRetryable(
      `${action}: ${who.label} refused with training_not_available — this organization can no longer ` +
        'create fine-tuning jobs (OpenAI is winding down self-serve fine-tuning). Retrying will not ' +
        'help; use an organization that still has access or another provider ' +
        '(FINETUNE_PROVIDER=azure for Azure OpenAI, FINETUNE_PROVIDER=together for open-weight models).' +
        requestId,
      ErrorType.TrainingNotAvailable,
    );
  }
  if (status === 401) {
    return ApplicationFailure.nonRetryable(
      `${action}: ${who.label} rejected the API key (401). ${who.keyHint} in the worker's environment.${requestId}`,
      ErrorType.ProviderAuthentication,
    );
  }
  if (status === 403) {
    return ApplicationFailure.nonRetryable(
      `${action}: permission denied by ${who.label} (403): ${detail}${requestId}`,
      ErrorType.ProviderPermissionDenied,
    );
  }
  if (status === 404) {
    return ApplicationFailure.nonRetryable(
      `${action}: not found at ${who.label} (404): ${detail}${requestId}`,
      ErrorType.ProviderNotFound,
    );
  }
  if (status === 429 && err.code === 'insufficient_quota') {
    return ApplicationFailure.nonRetryable(
      `${action}: ${who.label} quota exhausted (insufficient_quota). Add credit or raise the limit, then start again.${requestId}`,
      ErrorType.ProviderQuotaExceeded,
    );
  }
  if (status === 429) {
    return ApplicationFailure.create({
      message: `${action}: rate limited by ${who.label} (429)${requestId}`,
      type: ErrorType.ProviderRateLimited,
      nextRetryDelay: retryAfterMs(err.headers as Headers | undefined),
    });
  }
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 409) {
    const param = err.param ? ` (parameter: ${err.param})` : '';
    return ApplicationFailure.nonRetryable(
      `${action}: ${who.label} rejected the request (${status}): ${detail}${param}${requestId}`,
      ErrorType.ProviderBadRequest,
    );
  }
  return ApplicationFailure.retryable(
    `${action}: ${who.label} error ${status ?? ''}: ${detail}${requestId}`,
    ErrorType.ProviderUnavailable,
  );
}

import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { APIConnectionError, APIError, APIUserAbortError } from 'together-ai';
import { ErrorType } from '../../shared/errorTypes.js';
import { redactSecrets } from '../../shared/redact.js';
import { retryAfterMs } from '../rateLimit.js';
import { TogetherUploadError } from './upload.js';

/** Runs one Together call and maps whatever it throws. */
export type TogetherCalling = <T>(action: string, fn: () => Promise<T>) => Promise<T>;

/**
 * The server's own words: the SDK keeps the whole parsed body in `err.error`, which is
 * `{error: {message, code, param}}` (the usual envelope) or `{message}` (limits' 404).
 */
function bodyOf(err: { error?: unknown }): { message?: string; code?: string; param?: string } {
  const body = err.error as
    | {
        error?: { message?: string; code?: string | null; param?: string | null };
        message?: string;
      }
    | undefined;
  return {
    message: body?.error?.message ?? body?.message,
    code: body?.error?.code ?? undefined,
    param: body?.error?.param ?? undefined,
  };
}

/**
 * The one place where Together's errors become Temporal failures: the official client's (v1 and
 * v2 alike) and our hand-written upload's. Permanent ones fail at once and name what to fix —
 * TOGETHER_API_KEY, the spending limit (402), the parameter; transient ones (connection, 408,
 * 409, 429 with its retry-after, 5xx — 500 too, which the SDK itself does not retry) are left
 * to the activity's retry policy.
 */
export function togetherFailure(err: unknown, action: string): Error {
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return err;
  if (err instanceof APIUserAbortError) return new CancelledFailure(`${action}: cancelled`);
  if (err instanceof TogetherUploadError) return uploadFailure(err, action);
  if (err instanceof APIConnectionError) {
    return ApplicationFailure.retryable(
      `${action}: could not reach Together AI (${redactSecrets(err.message)})`,
      ErrorType.ProviderUnavailable,
    );
  }
  if (!(err instanceof APIError)) return err instanceof Error ? err : new Error(String(err));
  const status = err.status as number | undefined;
  const body = bodyOf(err);
  const detail = redactSecrets(body.message ?? err.message);
  const code = body.code ? ` [${body.code}]` : '';
  if (status === 401) {
    return ApplicationFailure.nonRetryable(
      `${action}: Together AI rejected the API key (401). Set a valid TOGETHER_API_KEY (a key of the project to train in) in the worker's environment.`,
      ErrorType.ProviderAuthentication,
    );
  }
  if (status === 402) {
    return ApplicationFailure.nonRetryable(
      `${action}: Together AI refused: the account's spending limit is reached (402): ${detail}. Raise the limit or add credit in Together's billing settings, then start again.`,
      ErrorType.ProviderQuotaExceeded,
    );
  }
  if (status === 403) {
    return ApplicationFailure.nonRetryable(
      `${action}: permission denied by Together AI (403)${code}: ${detail}`,
      ErrorType.ProviderPermissionDenied,
    );
  }
  if (status === 404) {
    return ApplicationFailure.nonRetryable(
      `${action}: not found at Together AI (404): ${detail}`,
      ErrorType.ProviderNotFound,
    );
  }
  if (status === 429) {
    return ApplicationFailure.create({
      message: `${action}: rate limited by Together AI (429)${code}`,
      type: ErrorType.ProviderRateLimited,
      nextRetryDelay: retryAfterMs(err.headers as Headers | undefined),
    });
  }
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 409) {
    const param = body.param ? ` (parameter: ${body.param})` : '';
    return ApplicationFailure.nonRetryable(
      `${action}: Together AI rejected the request (${status})${code}: ${detail}${param}`,
      ErrorType.ProviderBadRequest,
    );
  }
  return ApplicationFailure.retryable(
    `${action}: Together AI error ${status ?? ''}${code}: ${detail}`,
    ErrorType.ProviderUnavailable,
  );
}

function uploadFailure(err: TogetherUploadError, action: string): ApplicationFailure {
  const message = `${action}: ${redactSecrets(err.message)}`;
  switch (err.kind) {
    case 'local':
      return ApplicationFailure.nonRetryable(message, ErrorType.DatasetUnreadable);
    case 'auth':
      return ApplicationFailure.nonRetryable(message, ErrorType.ProviderAuthentication);
    case 'rejected':
      return ApplicationFailure.nonRetryable(message, ErrorType.ProviderBadRequest);
    case 'integrity':
      return ApplicationFailure.retryable(message, ErrorType.ProviderStreamInterrupted);
    case 'unavailable':
      return ApplicationFailure.create({
        message,
        type: ErrorType.ProviderUnavailable,
        ...(err.retryAfterSeconds !== null
          ? { nextRetryDelay: Math.min(err.retryAfterSeconds, 600) * 1000 }
          : {}),
      });
  }
}

export const togetherCalling: TogetherCalling = async (action, fn) => {
  try {
    return await fn();
  } catch (err) {
    throw togetherFailure(err, action);
  }
};

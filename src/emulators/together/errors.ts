import { ApiError } from '../openai/errors.js';

/**
 * Together's errors. Most use the spec's `ErrorData` envelope, `{error: {message, type, param,
 * code}}`, which is OpenAI's shape, so the OpenAI emulator's `ApiError` serves. Wording is a
 * guess unless a comment says where it comes from.
 */
export { ApiError };

/** An answer whose body is not the envelope (limits 404 `{message}`, upload 409 `{file_id}`). */
export class RawBodyError extends ApiError {
  constructor(
    status: number,
    readonly rawBody: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) {
    super(status, JSON.stringify(rawBody), 'raw', null, null, headers);
  }
}

export const badRequest = (message: string, param: string | null = null): ApiError =>
  new ApiError(400, message, 'invalid_request_error', param, null);

export const notFound = (message: string, param: string | null = null): ApiError =>
  new ApiError(404, message, 'invalid_request_error', param, null);

export const conflict = (message: string): ApiError =>
  new ApiError(409, message, 'invalid_request_error', null, 'conflict');

export const unauthorized = (): ApiError =>
  new ApiError(
    401,
    'Invalid API key provided. You can find your API key in your Together account settings.',
    'invalid_request_error',
    null,
    'invalid_api_key',
  );

/** Docs error-codes: 402 when the account's spending limit is reached. */
export const spendingLimitReached = (): ApiError =>
  new ApiError(
    402,
    'Credit limit exceeded. Raise your spending limit or add credits in your Together billing settings to continue.',
    'credit_limit',
    null,
    'credit_limit_exceeded',
  );

/**
 * Docs rate-limits: above the dynamic rate a 429 (`dynamic_request_limited`), with
 * `retry-after` and the `x-ratelimit-*` headers.
 */
export const rateLimited = (retryAfterSeconds: number): ApiError =>
  new ApiError(
    429,
    `You have been rate limited. Please retry after ${retryAfterSeconds} seconds.`,
    'dynamic_request_limited',
    null,
    'rate_limit_exceeded',
    {
      'retry-after': String(retryAfterSeconds),
      'x-ratelimit-limit': '60',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(retryAfterSeconds),
    },
  );

export const serverError = (): ApiError =>
  new ApiError(500, 'Internal server error. Please try again later.', 'server_error');

/** Docs rate-limits: a capacity shortfall at or below your dynamic rate answers 503. */
export const overloaded = (): ApiError =>
  new ApiError(
    503,
    'The server is overloaded or not ready yet. Please try again later.',
    'service_unavailable',
  );

/**
 * Facts sheet §7.2 (Together's own skill, 2026-07): new v1 dedicated endpoints are refused with
 * this code; v2 is the way.
 */
export const v1EndpointsRetired = (): ApiError =>
  new ApiError(
    403,
    'Creating dedicated endpoints through the v1 API is no longer available. Use the v2 dedicated model inference API (/v2/projects/{projectId}/endpoints).',
    'permission_denied',
    null,
    'endpoints_v1_create_access_disabled',
  );

/** Recalled wording and code of Together's answer for a model that cannot be served. */
export const modelNotAvailable = (model: string): ApiError =>
  new ApiError(
    404,
    `Unable to access model ${model}. Please visit https://api.together.ai/models to view the list of supported models.`,
    'invalid_request_error',
    'model',
    'model_not_available',
  );

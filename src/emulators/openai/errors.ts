/** An error answered in OpenAI's shape: `{error: {message, type, param, code}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.code },
    };
  }
}

export const invalidRequest = (
  message: string,
  param: string | null = null,
  code: string | null = null,
): ApiError => new ApiError(400, message, 'invalid_request_error', param, code);

export const notFound = (message: string, param: string | null = null): ApiError =>
  new ApiError(404, message, 'invalid_request_error', param, null);

export const missingParameter = (param: string): ApiError =>
  invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');

/** Observed wording when an organization may no longer create fine-tuning jobs (2026). */
export const trainingNotAvailable = (): ApiError =>
  new ApiError(
    403,
    'OpenAI is winding down the fine-tuning platform and your organization is no longer able to ' +
      'create new fine-tuning training jobs. Learn more in the deprecations documentation.',
    'invalid_request_error',
    null,
    'training_not_available',
  );

/** OpenAI's 429 with `retry-after`, as injected faults give it. */
export const rateLimited = (retryAfterSeconds: number): ApiError =>
  new ApiError(
    429,
    `Rate limit reached for requests in organization on requests per min (RPM). Please try again in ${retryAfterSeconds}s.`,
    'requests',
    null,
    'rate_limit_exceeded',
    { 'retry-after': String(retryAfterSeconds) },
  );

export const serverError = (): ApiError =>
  new ApiError(
    500,
    'The server had an error while processing your request. Sorry about that!',
    'server_error',
  );

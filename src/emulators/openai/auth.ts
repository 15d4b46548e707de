import { ApiError } from './errors.js';

/** Like the real message: the key is shown masked, never whole. */
function masked(key: string): string {
  return key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 3)}***${key.slice(-4)}`;
}

/** The 401 the API gives for a missing or wrong bearer key, or undefined when the key is accepted. */
export function authError(
  header: string | undefined,
  expected: string | undefined,
): ApiError | undefined {
  const key = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
  if (!key) {
    return new ApiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      'invalid_request_error',
    );
  }
  if (expected !== undefined && key !== expected) {
    return new ApiError(
      401,
      `Incorrect API key provided: ${masked(key)}. You can find your API key in your OpenAI dashboard.`,
      'invalid_request_error',
      null,
      'invalid_api_key',
    );
  }
  return undefined;
}

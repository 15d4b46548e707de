import { ApiError } from '../errors.js';

/**
 * Azure's error shape (spec-v1 `AzureErrorResponse`): `{error: {code, message, param?}}`. The
 * observed gateway answers carry just `code` and `message`, with the HTTP status as the code
 * (`"401"`, `"404"`); errors without a code of their own follow that pattern (a guess for the
 * API's 400s, whose exact codes are unverified). `param` only when there is one: the spec types
 * it as a string, not null.
 */
export function azureErrorBody(err: ApiError) {
  return {
    error: {
      code: err.code ?? String(err.status),
      message: err.message,
      ...(err.param !== null ? { param: err.param } : {}),
    },
  };
}

/** An error with an Azure code (data plane or ARM). */
export const azureError = (status: number, code: string | null, message: string): ApiError =>
  new ApiError(status, message, 'error', null, code);

/** Observed wording (code "401"), for a missing or wrong key or token. */
export const accessDenied = (): ApiError =>
  azureError(
    401,
    '401',
    'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  );

/** Observed answer for a path the resource does not serve. */
export const resourceNotFound = (): ApiError => azureError(404, '404', 'Resource not found');

/** Observed wording and code for an unknown deployment (also while it is still being created). */
export const deploymentNotFound = (): ApiError =>
  azureError(
    404,
    'DeploymentNotFound',
    'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
  );

/** The code is reported (skills gotcha #4); status and wording are guesses. */
export const deploymentNotReady = (status: number): ApiError =>
  azureError(
    status,
    'DeploymentNotReady',
    'The API deployment for this resource is not ready yet. Please try again in a few minutes.',
  );

/**
 * Reported wording (code `OperationNotSupported`, status 400) for a deployment asked for what its
 * model does not do: chat on an embedding model, embeddings on a chat model.
 */
export const operationNotSupported = (
  operation: 'chatCompletion' | 'embeddings',
  model: string,
): ApiError =>
  azureError(
    400,
    'OperationNotSupported',
    `The ${operation} operation does not work with the specified model, ${model}. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.`,
  );

/** Retired models answer 410 Gone (retire-policy); code and wording are guesses. */
export const modelRetired = (model: string): ApiError =>
  azureError(
    410,
    'ModelRetired',
    `The model ${model} has been retired and is no longer available for inference.`,
  );

/** Reported (litellm, MicrosoftDocs) for an unsupported model and for a missing trainingType. */
export const baseModelNotSupported = (): ApiError =>
  new ApiError(
    400,
    'The specified base model does not support fine-tuning.',
    'invalid_request_error',
  );

/** A dated api-version on /openai/v1 (skills: HTTP 400 "api-version not allowed"). */
export const apiVersionNotAllowed = (): ApiError =>
  azureError(400, null, 'api-version not allowed');

/** Azure's 429: `retry-after` and `retry-after-ms` (http-errors: honour the latter); wording guessed. */
export const azureRateLimited = (retryAfterSeconds: number): ApiError =>
  new ApiError(
    429,
    `Requests to the OpenAI API under Azure OpenAI API version v1 have exceeded the call rate limit of your current pricing tier. Please retry after ${retryAfterSeconds} seconds.`,
    'error',
    null,
    '429',
    {
      'retry-after': String(retryAfterSeconds),
      'retry-after-ms': String(retryAfterSeconds * 1000),
    },
  );

export const azureServerError = (): ApiError =>
  azureError(
    500,
    'InternalServerError',
    'The server had an error while processing your request. Sorry about that!',
  );

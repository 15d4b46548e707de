import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { azureFailure } from '../../../src/providers/azure/errors.js';
import { openAIFailure as toFailure } from '../../../src/providers/openai/errors.js';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES } from '../../../src/shared/errorTypes.js';

const apiError = (
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) => OpenAI.APIError.generate(status, { error: body }, undefined, new Headers(headers));

const asFailure = (e: Error): ApplicationFailure => {
  expect(e).toBeInstanceOf(ApplicationFailure);
  return e as ApplicationFailure;
};

describe('toFailure: openai errors become Temporal failures once, at the boundary', () => {
  it('training_not_available is permanent and explains itself', () => {
    const f = asFailure(
      toFailure(
        apiError(403, {
          message: 'OpenAI is winding down the fine-tuning platform…',
          type: 'invalid_request_error',
          code: 'training_not_available',
          param: null,
        }),
        'Creating the fine-tuning job',
      ),
    );
    expect(f.type).toBe(ErrorType.TrainingNotAvailable);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toMatch(/can no longer create fine-tuning jobs/);
    expect(NON_RETRYABLE_ERROR_TYPES).toContain(f.type);
  });

  it('a 401 never leaks the key the provider echoed back', () => {
    const f = asFailure(
      toFailure(
        apiError(401, {
          message: 'Incorrect API key provided: sk-proj-abcdefghijkl1234.',
          code: 'invalid_api_key',
        }),
        'x',
      ),
    );
    expect(f.type).toBe(ErrorType.ProviderAuthentication);
    expect(f.message).not.toMatch(/sk-proj/);
  });

  it('429 is retryable and honours retry-after; insufficient_quota is not', () => {
    const limited = asFailure(
      toFailure(apiError(429, { message: 'slow down' }, { 'retry-after': '7' }), 'x'),
    );
    expect(limited.nonRetryable).toBe(false);
    expect(limited.nextRetryDelay).toBe(7000);
    const quota = asFailure(
      toFailure(apiError(429, { message: 'quota', code: 'insufficient_quota' }), 'x'),
    );
    expect(quota.type).toBe(ErrorType.ProviderQuotaExceeded);
    expect(NON_RETRYABLE_ERROR_TYPES).toContain(quota.type);
  });

  it('400 is permanent and names the parameter; 5xx and 409 are transient', () => {
    const bad = asFailure(
      toFailure(apiError(400, { message: 'invalid suffix', param: 'suffix' }), 'x'),
    );
    expect(bad.type).toBe(ErrorType.ProviderBadRequest);
    expect(bad.message).toMatch(/parameter: suffix/);
    for (const status of [409, 500, 503]) {
      const f = asFailure(toFailure(apiError(status, { message: 'oops' }), 'x'));
      expect(f.type).toBe(ErrorType.ProviderUnavailable);
      expect(NON_RETRYABLE_ERROR_TYPES).not.toContain(f.type);
    }
  });

  it('network failures are retryable', () => {
    const f = asFailure(toFailure(new OpenAI.APIConnectionError({ message: 'ECONNRESET' }), 'x'));
    expect(f.type).toBe(ErrorType.ProviderUnavailable);
    expect(f.nonRetryable).toBe(false);
  });

  it("a request aborted by the activity's cancellation is a cancellation, as Temporal knows one", () => {
    const f = toFailure(new OpenAI.APIUserAbortError(), 'Uploading part 3');
    expect(f).toBeInstanceOf(CancelledFailure);
    expect(f.message).toBe('Uploading part 3: cancelled');
  });

  it('each provider names its own key: Azure OpenAI never says OPENAI_API_KEY', () => {
    const refused = apiError(401, { message: 'Access denied due to invalid subscription key.' });
    const openai = asFailure(toFailure(refused, 'Reading a job'));
    expect(openai.message).toMatch(
      /OpenAI rejected the API key \(401\)\. Set a valid OPENAI_API_KEY/,
    );
    const azure = asFailure(azureFailure(refused, 'Reading a job'));
    expect(azure.type).toBe(ErrorType.ProviderAuthentication);
    expect(azure.message).toMatch(
      /Azure OpenAI rejected the API key \(401\)\. Set a valid AZURE_OPENAI_API_KEY/,
    );
    expect(azure.message).not.toMatch(/OPENAI_API_KEY(?<!AZURE_OPENAI_API_KEY)/);
    const unreachable = asFailure(
      azureFailure(new OpenAI.APIConnectionError({ message: 'ECONNREFUSED' }), 'x'),
    );
    expect(unreachable.message).toMatch(/could not reach Azure OpenAI/);
  });
});

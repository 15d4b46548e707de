import OpenAI from 'openai';
import { DEFAULT_PROVIDER_MAX_RPS, RateLimiter, rateLimitedFetch } from '../rateLimit.js';

/**
 * The client for services that speak OpenAI's API. SDK retries are kept low (the activity retry
 * policy is the real one, and it is visible in the Temporal UI); job creation turns them off
 * entirely. Every request, SDK retries included, waits for the worker's rate limiter (one per
 * client, so one per worker, unless the caller shares one).
 */
export function createOpenAIClient(opts: {
  apiKey: string;
  baseURL?: string;
  timeoutMs?: number;
  limiter?: RateLimiter;
  /** The limiter's rate when none is given (default DEFAULT_PROVIDER_MAX_RPS). */
  maxRps?: number;
}): OpenAI {
  const limiter =
    opts.limiter ?? new RateLimiter({ ratePerSec: opts.maxRps ?? DEFAULT_PROVIDER_MAX_RPS });
  return new OpenAI({
    apiKey: opts.apiKey,
    baseURL: opts.baseURL,
    timeout: opts.timeoutMs ?? 60_000,
    maxRetries: 1,
    fetch: rateLimitedFetch(limiter),
  });
}

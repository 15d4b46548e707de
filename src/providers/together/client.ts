import Together from 'together-ai';
import { DEFAULT_PROVIDER_MAX_RPS, RateLimiter, rateLimitedFetch } from '../rateLimit.js';

/** Together's API (the facts sheet's `servers`); never the older host the SDK's upload uses. */
export const TOGETHER_DEFAULT_BASE_URL = 'https://api.together.ai/v1';
/** Where v2 dedicated endpoints answer chat completions (Together's skill for them). */
export const TOGETHER_DEFAULT_INFERENCE_URL = 'https://api-inference.together.ai/v1';

export interface TogetherSettings {
  apiKey: string;
  /** TOGETHER_BASE_URL; default https://api.together.ai/v1. */
  baseURL?: string;
  /** The v2 (beta) management API; default the base URL with /v1 → /v2. */
  v2BaseURL?: string;
  /**
   * Where chat with a dedicated endpoint goes (TOGETHER_INFERENCE_BASE_URL); default Together's
   * inference host for its own API, else the base URL (an emulator serves both).
   */
  inferenceBaseURL?: string;
  /** TOGETHER_PROJECT_ID; else the key's project (`GET /whoami`). */
  projectId?: string;
  timeoutMs?: number;
  /** The worker's provider rate limiter (one bucket for every request, SDK retries included). */
  limiter?: RateLimiter;
  fetch?: typeof globalThis.fetch;
}

/** Who the key belongs to: v2 resources live under its project; endpoint names carry its slug. */
export interface TogetherIdentity {
  projectId: string;
  projectSlug: string;
}

export interface TogetherClients {
  /** The official client on the v1 API. */
  v1: Together;
  /**
   * The same client on the v2 API: with a custom `baseURL` the SDK sends its beta calls to that
   * same base, so they get a client of their own whose base ends in /v2.
   */
  v2: Together;
  /** Chat with dedicated endpoints. */
  inference: Together;
  baseURL: string;
  apiKey: string;
  fetch: typeof globalThis.fetch;
  identity(signal?: AbortSignal): Promise<TogetherIdentity>;
}

export function createTogetherClients(s: TogetherSettings): TogetherClients {
  const baseURL = (s.baseURL ?? TOGETHER_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const v2BaseURL = s.v2BaseURL ?? baseURL.replace(/\/v1$/, '/v2');
  const inferenceBaseURL =
    s.inferenceBaseURL ??
    (baseURL === TOGETHER_DEFAULT_BASE_URL ? TOGETHER_DEFAULT_INFERENCE_URL : baseURL);
  const limiter = s.limiter ?? new RateLimiter({ ratePerSec: DEFAULT_PROVIDER_MAX_RPS });
  const fetch = rateLimitedFetch(limiter, s.fetch);
  // SDK retries are kept low: the activity's retry policy is the real one, visible in the UI;
  // creates turn them off entirely (the SDK would re-send a POST on a lost answer).
  const client = (base: string) =>
    new Together({
      apiKey: s.apiKey,
      baseURL: base,
      timeout: s.timeoutMs ?? 60_000,
      maxRetries: 1,
      fetch,
      ...(s.projectId ? { projectID: s.projectId } : {}),
    });
  const v1 = client(baseURL);
  let identity: Promise<TogetherIdentity> | undefined;
  return {
    v1,
    v2: client(v2BaseURL),
    inference: inferenceBaseURL === baseURL ? v1 : client(inferenceBaseURL),
    baseURL,
    apiKey: s.apiKey,
    fetch,
    identity(signal) {
      identity ??= v1.whoami({ signal }).then(
        (who) => ({ projectId: s.projectId ?? who.project_id, projectSlug: who.project_slug }),
        (err: unknown) => {
          identity = undefined; // a failed look-up is tried again next time
          throw err;
        },
      );
      return identity;
    },
  };
}

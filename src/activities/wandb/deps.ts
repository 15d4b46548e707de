import { ApplicationFailure } from '@temporalio/common';
import type { FineTuneProvider } from '../../providers/types.js';
import { WandbClient } from '../../wandb/index.js';
import { ErrorType } from '../../shared/errorTypes.js';

export interface WandbSettings {
  apiKey?: string;
  baseUrl?: string;
  entity?: string;
}

/** What the W&B activities need: our W&B client (when configured) and the worker's provider. */
export interface WandbActivityDeps {
  wandb: WandbClient | undefined;
  provider: FineTuneProvider;
}

export function createWandbClient(settings: WandbSettings): WandbClient | undefined {
  if (!settings.apiKey) return undefined;
  return new WandbClient({
    apiKey: settings.apiKey,
    baseUrl: settings.baseUrl,
    entity: settings.entity,
  });
}

/**
 * Best-effort calls (live metrics, the pipeline's first look for W&B) try once more at most and
 * give each try seconds: the workflow's short budget decides what happens next, so a W&B outage
 * costs a poll seconds, not the client's minute of re-sends.
 */
export const QUICK_WANDB_CALLS = {
  retry: { maxAttempts: 2, initialDelayMs: 500, maxDelayMs: 1_000, maxRetryAfterMs: 1_000 },
  timeouts: { graphqlMs: 10_000, fileStreamMs: 10_000 },
} as const;

/** The same deps with the quick client. */
export function quickWandbDeps(deps: WandbActivityDeps): WandbActivityDeps {
  return { ...deps, wandb: deps.wandb?.with(QUICK_WANDB_CALLS) };
}

/** The client, or a permanent failure that says how to configure it. */
export function requireWandb(deps: WandbActivityDeps): WandbClient {
  if (deps.wandb) return deps.wandb;
  throw ApplicationFailure.nonRetryable(
    "W&B is not configured on this worker: set WANDB_API_KEY (and WANDB_BASE_URL for a private server) in the worker's environment, then start the sync again.",
    ErrorType.WandbNotConfigured,
  );
}

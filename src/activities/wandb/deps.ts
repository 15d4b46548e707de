import { ApplicationFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import { WandbClient } from '../../wandb/index.js';
import { ErrorType } from '../../shared/errorTypes.js';

export interface WandbSettings {
  apiKey?: string;
  baseUrl?: string;
  entity?: string;
}

/** What the W&B activities need: our W&B client (when configured) and the OpenAI client. */
export interface WandbActivityDeps {
  wandb: WandbClient | undefined;
  openai: OpenAI;
}

export function createWandbClient(settings: WandbSettings): WandbClient | undefined {
  if (!settings.apiKey) return undefined;
  return new WandbClient({
    apiKey: settings.apiKey,
    baseUrl: settings.baseUrl,
    entity: settings.entity,
  });
}

/** The client, or a permanent failure that says how to configure it. */
export function requireWandb(deps: WandbActivityDeps): WandbClient {
  if (deps.wandb) return deps.wandb;
  throw ApplicationFailure.nonRetryable(
    "W&B is not configured on this worker: set WANDB_API_KEY (and WANDB_BASE_URL for a private server) in the worker's environment, then start the sync again.",
    ErrorType.WandbNotConfigured,
  );
}

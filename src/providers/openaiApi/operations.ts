import type OpenAI from 'openai';
import type { CostEstimate } from '../../shared/providerTypes.js';
import type { TuningSettings } from '../../shared/types.js';
import type {
  ChatFn,
  ProviderCapabilities,
  ProviderFiles,
  ProviderJobs,
  ProviderResults,
} from '../types.js';
import { openAIChat } from './chat.js';
import { callingWith, openAIApiFailure, type ApiIdentity, type Calling } from './errors.js';
import { openAIApiFiles } from './files.js';
import { openAIApiJobs, type OpenAIApiJobOptions } from './jobs.js';
import { resultsFiles } from './results.js';

/** The operations every service that speaks OpenAI's API shares, bound to its client. */
export interface OpenAIApiOperations {
  client: OpenAI;
  calling: Calling;
  toFailure: (err: unknown, action: string) => Error;
  files: ProviderFiles;
  jobs: ProviderJobs;
  results: ProviderResults;
  chat: ChatFn;
}

export function openAIApiOperations(
  client: OpenAI,
  who: ApiIdentity,
  upload: ProviderCapabilities['upload'],
  jobs: OpenAIApiJobOptions,
): OpenAIApiOperations {
  const toFailure = openAIApiFailure(who);
  const calling = callingWith(toFailure);
  return {
    client,
    calling,
    toFailure,
    files: openAIApiFiles(client, calling, upload),
    jobs: openAIApiJobs(client, calling, jobs),
    results: resultsFiles(client, calling),
    chat: openAIChat(client, calling),
  };
}

/**
 * OpenAI's API takes the method's hyperparameters only: settings for open-weight training (LoRA,
 * full, an absolute learning rate, …) are refused before anything is uploaded.
 */
export function tuningRefusals(label: string, tuning: TuningSettings | undefined): string[] {
  const given = Object.entries(tuning ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  return given.length
    ? [
        `${label} takes no ${given.join(', ')} setting(s): those are for providers that train open-weight models (e.g. LoRA). Leave them out, or start the pipeline on such a provider's worker.`,
      ]
    : [];
}

/** Our own estimate from the token count (no provider estimate before a job on this API). */
export function localEstimate(localUsd: number | undefined): CostEstimate {
  return localUsd === undefined
    ? { source: 'none', usd: null, allowedToProceed: null, unavailable: 'no price known' }
    : { source: 'local', usd: localUsd, allowedToProceed: null };
}

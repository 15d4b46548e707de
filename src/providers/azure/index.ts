import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import { ErrorType } from '../../shared/errorTypes.js';
import { DEFAULT_PROVIDER_MAX_RPS, RateLimiter, rateLimitedFetch } from '../rateLimit.js';
import type { FineTuneProvider } from '../types.js';
import { ArmClient, type ArmSettings } from './arm.js';
import { deploy, DEFAULT_DEPLOYMENT_SETTINGS, type DeploymentSettings } from './deploy.js';
import { azureRunway } from './runway.js';

export interface AzureProviderOptions {
  /** The resource, e.g. https://my-resource.openai.azure.com (the v1 data plane is under /openai/v1). */
  endpoint: string;
  /** An API key (sent as a bearer key, as Azure's v1 JS example does) or an Entra token source. */
  auth: { apiKey: string } | { token: () => Promise<string> };
  /** Azure's `trainingType`: Standard, GlobalStandard or DeveloperTier. */
  trainingType: string;
  arm?: ArmSettings;
  deployment?: Partial<DeploymentSettings>;
  /** What to pass as `model` for base models and the grader: their deployment names. */
  deployments?: Record<string, string>;
  /** Try the Uploads API for large files (Azure's v1 description has none). */
  uploads?: boolean;
  fetch?: typeof globalThis.fetch;
  /** The worker's provider rate limiter; a client of its own gets one at the default rate. */
  limiter?: RateLimiter;
}

/** The data-plane client: the plain `openai` client on Azure's v1 path. */
export function azureClient(
  o: Pick<AzureProviderOptions, 'endpoint' | 'auth' | 'fetch' | 'limiter'>,
): OpenAI {
  const limiter = o.limiter ?? new RateLimiter({ ratePerSec: DEFAULT_PROVIDER_MAX_RPS });
  return new OpenAI({
    baseURL: `${o.endpoint.replace(/\/+$/, '')}/openai/v1`,
    apiKey: 'apiKey' in o.auth ? o.auth.apiKey : o.auth.token,
    timeout: 60_000,
    maxRetries: 1,
    // Every data-plane request, SDK retries included, waits for the worker's rate limiter.
    fetch: rateLimitedFetch(limiter, o.fetch),
  });
}

/**
 * Azure OpenAI (Microsoft Foundry): the same fine-tuning API through the same `openai` package,
 * with Azure's differences kept here: `trainingType` on job creation, suffixes of ≤ 40 safe
 * characters, no server-side metadata filter, model ids `<base>.ft-<hex>`, and models that answer
 * only once deployed on the management plane.
 */
export function azureProvider(o: AzureProviderOptions): FineTuneProvider {
  const client = azureClient(o);
  const arm = o.arm ? new ArmClient(o.arm) : undefined;
  const settings = { ...DEFAULT_DEPLOYMENT_SETTINGS, ...o.deployment };
  // A worker set up without the management plane stays so until restarted: retrying cannot help.
  const needArm = (what: string): ArmClient => {
    if (arm) return arm;
    throw ApplicationFailure.nonRetryable(
      `${what} needs the Azure management plane: set AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP and AZURE_OPENAI_ACCOUNT on the worker (and an Entra identity that may write deployments), then restart it.`,
      ErrorType.ProviderNotConfigured,
    );
  };
  return {
    name: 'azure',
    label: 'Azure OpenAI',
    client,
    suffix: {
      maxLength: 40,
      pattern: /^[A-Za-z0-9_-]{1,40}$/,
      describe: 'up to 40 characters: letters, digits, "-" and "_"',
    },
    filtersJobsByMetadata: false,
    uploadsApi: o.uploads ? 'try' : 'no',
    maxFileBytes: 512 * 1024 * 1024 - 1,
    jobCreateExtras: () => ({ trainingType: o.trainingType }),
    async checkRunway(model, nowMs, signal) {
      return azureRunway(model, arm ? await arm.listModels(signal) : null, nowMs);
    },
    serve: async (req, heartbeat, signal) =>
      deploy(needArm('Deploying a model'), client, settings, req, heartbeat, signal),
    async unserve(record, signal) {
      if (record.deployment)
        await needArm('Removing a deployment').deleteDeployment(record.deployment.name, signal);
    },
    chatModelFor: (model) => o.deployments?.[model] ?? model,
  };
}

import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import { ErrorType } from '../../shared/errorTypes.js';
import { DEFAULT_PROVIDER_MAX_RPS, RateLimiter, rateLimitedFetch } from '../rateLimit.js';
import type { OpenAIApiProvider } from '../openai/index.js';
import { OPENAI_MODEL_IDS } from '../openai/index.js';
import { localEstimate, openAIApiOperations, tuningRefusals } from '../openaiApi/operations.js';
import type { ProviderCapabilities } from '../types.js';
import { ArmClient, type ArmSettings } from './arm.js';
import { deploy, DEFAULT_DEPLOYMENT_SETTINGS, type DeploymentSettings } from './deploy.js';
import { AZURE_IDENTITY } from './errors.js';
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
export function azureProvider(o: AzureProviderOptions): OpenAIApiProvider {
  const client = azureClient(o);
  const capabilities: ProviderCapabilities = {
    webhooks: true,
    jobMetadata: 'kept',
    deploymentStep: 'deployment',
    priceEstimate: 'local',
    upload: { maxFileBytes: 512 * 1024 * 1024 - 1, parts: o.uploads ? 'try' : 'no' },
    timeLeft: 'job',
    methods: ['supervised', 'dpo', 'reinforcement'],
    suffix: {
      maxLength: 40,
      pattern: /^[A-Za-z0-9_-]{1,40}$/,
      describe: 'up to 40 characters: letters, digits, "-" and "_"',
    },
  };
  const ops = openAIApiOperations(client, AZURE_IDENTITY, capabilities.upload, {
    filtersJobsByMetadata: false,
    createExtras: () => ({ trainingType: o.trainingType }),
  });
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
    capabilities,
    suffix: capabilities.suffix,
    modelId: {
      ...OPENAI_MODEL_IDS,
      example: 'gpt-4.1-mini-2025-04-14.ft-0123456789abcdef0123456789abcdef-support',
    },
    files: ops.files,
    jobs: ops.jobs,
    results: ops.results,
    chat: ops.chat,
    toFailure: ops.toFailure,
    checkRequest: (input) =>
      Promise.resolve({ problems: tuningRefusals('Azure OpenAI', input.tuning) }),
    estimateCost: (input) => Promise.resolve(localEstimate(input.localUsd)),
    async servingStates(records, signal) {
      if (!arm) return [];
      const out = [];
      for (const r of records) {
        if (!r.deployment) continue;
        const d = await arm.getDeployment(r.deployment.name, signal);
        out.push({
          name: r.deployment.name,
          servedAs: r.servedAs,
          model: r.model,
          state: d ? ('running' as const) : ('gone' as const),
          // Azure bills a fine-tune's hosting by the hour, at a price the API does not give.
          costPerHourUsd: null,
          hardware: r.deployment.sku,
          replicas: r.deployment.capacity,
        });
      }
      return out;
    },
    // Developer-tier eval deployments are deleted by Azure itself after 24 hours.
    sweepEvalServing: () => Promise.resolve([]),
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

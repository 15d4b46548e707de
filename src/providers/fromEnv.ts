import type { WorkerEnv } from '../config.js';
import { createOpenAIClient } from './openaiApi/client.js';
import { azureProvider } from './azure/index.js';
import { DEFAULT_ARM_API_VERSION } from './azure/arm.js';
import { entraToken } from './azure/entra.js';
import { openAIProvider } from './openai/index.js';
import { openAICompatibleProvider } from './openaiCompatible/index.js';
import { RateLimiter } from './rateLimit.js';
import { togetherProvider } from './together/index.js';
import type { FineTuneProvider } from './types.js';

/** `a=b,c=d` → { a: 'b', c: 'd' } */
export function parsePairs(raw: string | undefined): Record<string, string> {
  if (!raw) return {};
  return Object.fromEntries(
    raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        const i = p.indexOf('=');
        if (i <= 0) throw new Error(`expected model=deployment, got "${p}"`);
        return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
      }),
  );
}

/** OpenAI itself, from a key and an optional base URL (a worker given no other provider). */
export function openAIProviderFor(settings: {
  apiKey: string;
  baseURL?: string;
  maxRps?: number;
}): FineTuneProvider {
  return openAIProvider({ client: createOpenAIClient(settings) });
}

/** The worker's one provider, from its environment (secrets stay in the worker). */
export function providerFromEnv(env: WorkerEnv): FineTuneProvider {
  // One bucket for the worker: every activity's provider calls draw from it.
  const limiter = new RateLimiter({ ratePerSec: env.FINETUNE_PROVIDER_MAX_RPS });
  if (env.FINETUNE_PROVIDER === 'openai') {
    return openAIProvider({
      client: createOpenAIClient({
        apiKey: env.OPENAI_API_KEY!,
        baseURL: env.OPENAI_BASE_URL,
        limiter,
      }),
    });
  }
  if (env.FINETUNE_PROVIDER === 'together') {
    return togetherProvider({
      apiKey: env.TOGETHER_API_KEY!,
      ...(env.TOGETHER_BASE_URL ? { baseURL: env.TOGETHER_BASE_URL } : {}),
      ...(env.TOGETHER_PROJECT_ID ? { projectId: env.TOGETHER_PROJECT_ID } : {}),
      ...(env.TOGETHER_INFERENCE_BASE_URL
        ? { inferenceBaseURL: env.TOGETHER_INFERENCE_BASE_URL }
        : {}),
      endpoints: {
        ...(env.TOGETHER_ENDPOINT_HARDWARE ? { hardware: env.TOGETHER_ENDPOINT_HARDWARE } : {}),
        ...(env.TOGETHER_EVAL_ENDPOINT_HARDWARE
          ? { evalHardware: env.TOGETHER_EVAL_ENDPOINT_HARDWARE }
          : {}),
        minReplicas: env.TOGETHER_ENDPOINT_MIN_REPLICAS,
        maxReplicas: env.TOGETHER_ENDPOINT_MAX_REPLICAS,
        pollMs: env.TOGETHER_ENDPOINT_POLL_MS,
      },
      chatModels: parsePairs(env.TOGETHER_CHAT_MODELS),
      limiter,
    });
  }
  if (env.FINETUNE_PROVIDER === 'openai-compatible') {
    const deployUrl = env.FINETUNE_COMPATIBLE_DEPLOY_URL;
    return openAICompatibleProvider({
      baseURL: env.FINETUNE_COMPATIBLE_BASE_URL!,
      apiKey: env.FINETUNE_COMPATIBLE_API_KEY!,
      ...(env.FINETUNE_COMPATIBLE_LABEL ? { label: env.FINETUNE_COMPATIBLE_LABEL } : {}),
      ...(deployUrl ? { deployUrl: deployUrl === 'none' ? null : deployUrl } : {}),
      deploy: {
        pollMs: env.FINETUNE_COMPATIBLE_DEPLOY_POLL_MS,
        timeoutMs: env.FINETUNE_COMPATIBLE_DEPLOY_TIMEOUT_MS,
      },
      jobMetadata: env.FINETUNE_COMPATIBLE_JOB_METADATA,
      maxFileBytes: env.FINETUNE_COMPATIBLE_MAX_FILE_BYTES,
      uploads: env.FINETUNE_COMPATIBLE_UPLOADS,
      limiter,
    });
  }
  if (env.FINETUNE_PROVIDER !== 'azure') {
    throw new Error(`FINETUNE_PROVIDER=${env.FINETUNE_PROVIDER} has no provider in this build`);
  }
  const arm =
    env.AZURE_SUBSCRIPTION_ID && env.AZURE_RESOURCE_GROUP && env.AZURE_OPENAI_ACCOUNT
      ? {
          baseUrl: env.AZURE_MANAGEMENT_URL,
          subscriptionId: env.AZURE_SUBSCRIPTION_ID,
          resourceGroup: env.AZURE_RESOURCE_GROUP,
          account: env.AZURE_OPENAI_ACCOUNT,
          location: env.AZURE_LOCATION,
          apiVersion: env.AZURE_MANAGEMENT_API_VERSION || DEFAULT_ARM_API_VERSION,
          token: env.AZURE_MANAGEMENT_TOKEN
            ? () => Promise.resolve(env.AZURE_MANAGEMENT_TOKEN!)
            : entraToken('https://management.azure.com/.default'),
        }
      : undefined;
  return azureProvider({
    endpoint: env.AZURE_OPENAI_ENDPOINT!,
    auth: env.AZURE_OPENAI_API_KEY
      ? { apiKey: env.AZURE_OPENAI_API_KEY }
      : { token: entraToken(env.AZURE_OPENAI_SCOPE) },
    trainingType: env.AZURE_TRAINING_TYPE,
    arm,
    deployment: {
      sku: env.AZURE_DEPLOYMENT_SKU,
      capacity: env.AZURE_DEPLOYMENT_CAPACITY,
      evalSku: env.AZURE_EVAL_DEPLOYMENT_SKU,
      evalCapacity: env.AZURE_EVAL_DEPLOYMENT_CAPACITY,
      pollMs: env.AZURE_DEPLOYMENT_POLL_MS,
    },
    deployments: parsePairs(env.AZURE_DEPLOYMENTS),
    limiter,
  });
}

import type OpenAI from 'openai';
import { createOpenAIClient } from '../openaiApi/client.js';
import { openAIApiOperations, tuningRefusals } from '../openaiApi/operations.js';
import type { OpenAIApiProvider } from '../openai/index.js';
import type { RateLimiter } from '../rateLimit.js';
import { runKey } from '../shared/runKey.js';
import { withScopedSignal } from '../shared/scopedSignal.js';
import type { ModelIdShape, ProviderCapabilities, ProviderJobs } from '../types.js';
import { CustomModels } from './customModels.js';
import { compatibleIdentity } from './errors.js';
import {
  deployModel,
  lastCheckpointSource,
  PROVIDER_NAME,
  servingStates,
  sweepEvalModels,
  type DeploySettings,
} from './serving.js';

export interface OpenAICompatibleOptions {
  /** The host's OpenAI API base, e.g. https://api.tokenfactory.nebius.com/v1 */
  baseURL: string;
  apiKey: string;
  /** For messages; default the base URL's host name. */
  label?: string;
  /** The deployment call's collection; default `<origin>/v0/models`; null: models answer by id. */
  deployUrl?: string | null;
  deploy?: Partial<DeploySettings>;
  /** What the host does with job metadata (unknown → `none`: runs are found by a suffix key). */
  jobMetadata?: ProviderCapabilities['jobMetadata'];
  maxFileBytes?: number;
  /** Try OpenAI's Uploads API (parts) for large files. */
  uploads?: boolean;
  limiter?: RateLimiter;
}

/** The run key in the suffix takes `-` and 12 characters. */
const KEY_ROOM = 13;

/** The default deployment collection: Nebius Token Factory's, at the API host's root. */
export function defaultDeployUrl(baseURL: string): string {
  return `${new URL(baseURL).origin}/v0/models`;
}

/**
 * What this profile knows of a host it has never seen: no webhooks, no price before the job, no
 * time-left estimate trusted; metadata, upload limits and the deployment call as configured.
 */
export function compatibleCapabilities(o: OpenAICompatibleOptions): ProviderCapabilities {
  const jobMetadata = o.jobMetadata ?? 'none';
  const max = jobMetadata === 'none' ? 64 - KEY_ROOM : 64;
  return {
    webhooks: false,
    jobMetadata,
    deploymentStep: o.deployUrl === null ? 'none' : 'deployment',
    priceEstimate: 'none',
    upload: { maxFileBytes: o.maxFileBytes ?? 512 * 1024 * 1024, parts: o.uploads ? 'try' : 'no' },
    timeLeft: 'none',
    methods: ['supervised'],
    suffix: {
      maxLength: max,
      pattern: new RegExp(`^[A-Za-z0-9_-]{1,${max}}$`),
      describe: `up to ${max} characters: letters, digits, "-" and "_"`,
    },
  };
}

/**
 * Model ids are opaque here: OpenAI's `ft:` form, Nebius's `<base>-LoRa:<name>` or a
 * `<job id>:<checkpoint>` source all count as fine-tunes; a base is what precedes them.
 */
export const COMPATIBLE_MODEL_IDS: ModelIdShape = {
  isFineTuned: (model) =>
    model.startsWith('ft:') || /^ftjob-[^:]+:/.test(model) || /-LoRa:/i.test(model),
  baseOf: (model) =>
    model.startsWith('ft:') ? (model.split(':')[1] ?? model) : model.replace(/-LoRa:.*$/i, ''),
  example: 'meta-llama/Meta-Llama-3.1-8B-Instruct-LoRa:support-bot-abcd',
};

/**
 * A host that serves OpenAI's own files and fine-tuning API (the `openai` client with its
 * `baseURL`), with Nebius Token Factory's deployment call as the serving step. What the profile
 * cannot know of the host is declared in its capabilities, never guessed per call.
 */
export function openAICompatibleProvider(o: OpenAICompatibleOptions): OpenAIApiProvider {
  const client: OpenAI = createOpenAIClient({
    apiKey: o.apiKey,
    baseURL: o.baseURL,
    ...(o.limiter ? { limiter: o.limiter } : {}),
  });
  const label = o.label ?? new URL(o.baseURL).hostname;
  const capabilities = compatibleCapabilities(o);
  const ops = openAIApiOperations(client, compatibleIdentity(label), capabilities.upload, {
    filtersJobsByMetadata: capabilities.jobMetadata === 'filtered',
    ...(capabilities.jobMetadata === 'none' ? { suffixKey: runKey } : {}),
  });
  // A host may name a LoRA job's model only once it is deployed (unverified for Nebius): a
  // succeeded job without one is named by its last checkpoint, `<job id>:<checkpoint id>`,
  // which is also what the deployment call takes.
  const jobs: ProviderJobs = {
    ...ops.jobs,
    async retrieve(jobId, opts, signal) {
      const snap = await ops.jobs.retrieve(jobId, opts, signal);
      if (snap.status !== 'succeeded' || snap.fineTunedModel) return snap;
      const model = await ops.calling(`Reading the checkpoints of ${jobId}`, () =>
        lastCheckpointSource(client, jobId, signal),
      );
      return { ...snap, fineTunedModel: model };
    },
  };
  const deployUrl = o.deployUrl === undefined ? defaultDeployUrl(o.baseURL) : o.deployUrl;
  const models = deployUrl ? new CustomModels(client, deployUrl) : undefined;
  const settings: DeploySettings = { pollMs: 10_000, timeoutMs: 30 * 60_000, ...o.deploy };
  return {
    name: PROVIDER_NAME,
    label,
    client,
    capabilities,
    suffix: capabilities.suffix,
    modelId: COMPATIBLE_MODEL_IDS,
    files: ops.files,
    jobs,
    results: ops.results,
    chat: ops.chat,
    toFailure: ops.toFailure,
    checkRequest: (input) => Promise.resolve({ problems: tuningRefusals(label, input.tuning) }),
    // Our token count is priced at OpenAI's rates, which say nothing of this host's.
    estimateCost: () =>
      Promise.resolve({
        source: 'none',
        usd: null,
        allowedToProceed: null,
        unavailable: `${label} gives no price before a job`,
      }),
    // The host announces no dates this profile could read.
    checkRunway: (model) =>
      Promise.resolve({
        provider: PROVIDER_NAME,
        model,
        trainableUntil: null,
        servingUntil: null,
        ok: true,
      }),
    // Serving is many SDK calls: they run on a signal of their own (together/scopedSignal.ts).
    serve: (req, heartbeat, signal) =>
      models
        ? withScopedSignal(signal, (s) => deployModel(client, models, settings, req, heartbeat, s))
        : Promise.resolve({ provider: PROVIDER_NAME, model: req.model, servedAs: req.model }),
    async unserve(record, signal) {
      if (models && record.deployment) {
        await models.delete(record.deployment.deploymentId ?? record.servedAs, signal);
      }
    },
    servingStates: (records, signal) =>
      models
        ? withScopedSignal(signal, (s) => servingStates(models, records, s))
        : Promise.resolve([]),
    sweepEvalServing: (olderThanMs, signal) =>
      models
        ? withScopedSignal(signal, (s) => sweepEvalModels(models, olderThanMs, s))
        : Promise.resolve([]),
    chatModelFor: (model) => model,
  };
}

import type { RateLimiter } from '../rateLimit.js';
import type { FineTuneProvider, ModelIdShape, ProviderCapabilities } from '../types.js';
import { togetherCatalog } from './catalog.js';
import { togetherChat } from './chat.js';
import { createTogetherClients, type TogetherClients, type TogetherSettings } from './client.js';
import { togetherCalling, togetherFailure } from './errors.js';
import { togetherFiles } from './files.js';
import { togetherJobs } from './jobs.js';
import { RUN_KEY_IN_NAME, SUFFIX_MAX } from './limits.js';
import { togetherResults } from './results.js';
import { DEFAULT_ENDPOINT_SETTINGS, togetherServing, type EndpointSettings } from './serving.js';
import { withScopedSignal } from '../shared/scopedSignal.js';
import { MAX_SINGLE_PUT_BYTES } from './upload.js';

export interface TogetherProviderOptions extends TogetherSettings {
  /** Where promoted and evaluated models run (TOGETHER_ENDPOINT_*). */
  endpoints?: Partial<EndpointSettings>;
  /** What to pass as `model` for a base or grader that is not served as named (`model=name,…`). */
  chatModels?: Record<string, string>;
  /** The eval gate's grader when none is named: a serverless model. */
  graderModel?: string;
  /** Pause before the second look at the job list after an ambiguous create (tests: 0). */
  relistDelayMs?: number;
  limiter?: RateLimiter;
}

/** A Together provider, with its clients (tests read the job list through them). */
export type TogetherProvider = FineTuneProvider & { readonly clients: TogetherClients };

export const TOGETHER_DEFAULT_GRADER = 'meta-llama/Llama-3.3-70B-Instruct-Turbo';

export const TOGETHER_CAPABILITIES: ProviderCapabilities = {
  webhooks: false,
  jobMetadata: 'none',
  deploymentStep: 'dedicated-endpoint',
  priceEstimate: 'provider',
  upload: { maxFileBytes: MAX_SINGLE_PUT_BYTES, parts: 'no' },
  timeLeft: 'phase',
  methods: ['supervised', 'dpo'],
  suffix: {
    // The run's key takes the rest of Together's 64 characters; the character set is unverified,
    // so it is kept to what any name allows.
    maxLength: SUFFIX_MAX,
    pattern: new RegExp(`^[a-z0-9][a-z0-9-]{0,${SUFFIX_MAX - 1}}$`),
    describe: `up to ${SUFFIX_MAX} characters: lower-case letters, digits and "-"`,
  },
};

/**
 * Together's output names are opaque (three shapes seen; never parsed): a fine-tune of ours is
 * recognised by the run key its suffix carries; its base is not read from the name.
 */
export const TOGETHER_MODEL_IDS: ModelIdShape = {
  isFineTuned: (model) => RUN_KEY_IN_NAME.test(model),
  baseOf: (model) => model,
  example: 'my-org/Meta-Llama-3.1-8B-Instruct-Reference-support-tfabcdefghij-1a2b3c4d',
};

/**
 * Together AI through the official `together-ai` client (v1, and v2 for dedicated endpoints):
 * no webhooks, no job metadata, a price estimate before the job, and fine-tunes that answer only
 * on a dedicated endpoint billed by the minute. The upload alone is by hand (upload.ts).
 */
export function togetherProvider(o: TogetherProviderOptions): TogetherProvider {
  const c = createTogetherClients(o);
  const calling = togetherCalling;
  const catalog = togetherCatalog(c, calling);
  const serving = togetherServing(c, calling, { ...DEFAULT_ENDPOINT_SETTINGS, ...o.endpoints });
  const rawJobs = togetherJobs(c, calling, {
    ...(o.relistDelayMs !== undefined ? { relistDelayMs: o.relistDelayMs } : {}),
    loraRank: async (model, signal) =>
      (await catalog.limits(model, signal))?.lora_training.max_rank ?? 8,
  });
  return {
    name: 'together',
    label: 'Together AI',
    clients: c,
    capabilities: TOGETHER_CAPABILITIES,
    suffix: TOGETHER_CAPABILITIES.suffix,
    modelId: TOGETHER_MODEL_IDS,
    files: togetherFiles(c, calling),
    jobs: {
      ...rawJobs,
      create: (input, ctx) =>
        withScopedSignal(ctx.signal, (signal) => rawJobs.create(input, { ...ctx, signal })),
    },
    results: togetherResults(c, calling),
    chat: togetherChat(c, calling),
    toFailure: togetherFailure,
    checkRunway: (model, _nowMs, signal) => catalog.checkRunway(model, signal),
    checkRequest: (input, signal) => catalog.checkRequest(input, signal),
    estimateCost: (input, signal) => catalog.estimateCost(input, signal),
    // Operations of many SDK calls run on a signal of their own (scopedSignal.ts).
    serve: (req, heartbeat, signal) =>
      withScopedSignal(signal, (s) => serving.serve(req, heartbeat, s)),
    unserve: (record, signal) => withScopedSignal(signal, (s) => serving.unserve(record, s)),
    servingStates: (records, signal) => withScopedSignal(signal, (s) => serving.states(records, s)),
    runningServing: (signal) => withScopedSignal(signal, (s) => serving.running(s)),
    sweepEvalServing: (olderThanMs, signal) =>
      withScopedSignal(signal, (s) => serving.sweep(olderThanMs, s)),
    chatModelFor: (model) => o.chatModels?.[model] ?? model,
    defaultGraderModel: o.graderModel ?? TOGETHER_DEFAULT_GRADER,
  };
}

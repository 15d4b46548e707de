import { z } from 'zod';
import { DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_SIZE } from './activities/training/files.js';
import { DEFAULT_PROVIDER_MAX_RPS } from './providers/rateLimit.js';
import { defaultTaskQueue, PROVIDER_NAMES } from './providers/registry.js';
import {
  DEFAULT_MAX_CACHED_WORKFLOWS,
  DEFAULT_MAX_CONCURRENT_ACTIVITIES,
} from './worker/tuning.js';

// Worker-side settings from the environment. Secrets stay here: they never enter workflow
// inputs, history or logs.
// Compose files pass unset variables as "": treat an empty value as absent.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

// …and a blank number as its default (z.coerce would read "" as 0).
const blankIsDefault = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema);

const WorkerEnv = z.object({
  /** Which provider this worker trains on; one provider per worker (and per task queue). */
  FINETUNE_PROVIDER: z.enum(PROVIDER_NAMES).default('openai'),
  OPENAI_API_KEY: optional(z.string().min(1)),
  OPENAI_BASE_URL: optional(z.url()),
  /** The Azure OpenAI resource, e.g. https://my-resource.openai.azure.com */
  AZURE_OPENAI_ENDPOINT: optional(z.url()),
  /** Without a key the worker uses its Entra identity (DefaultAzureCredential). */
  AZURE_OPENAI_API_KEY: optional(z.string().min(1)),
  AZURE_OPENAI_SCOPE: z.string().default('https://ai.azure.com/.default'),
  AZURE_TRAINING_TYPE: z.string().default('GlobalStandard'),
  AZURE_SUBSCRIPTION_ID: optional(z.string()),
  AZURE_RESOURCE_GROUP: optional(z.string()),
  AZURE_OPENAI_ACCOUNT: optional(z.string()),
  AZURE_LOCATION: optional(z.string()),
  AZURE_MANAGEMENT_URL: z.url().default('https://management.azure.com'),
  AZURE_MANAGEMENT_API_VERSION: z.string().default('2024-10-01'),
  /** A fixed management-plane token (tests, the sandbox); else the Entra identity's. */
  AZURE_MANAGEMENT_TOKEN: optional(z.string()),
  AZURE_DEPLOYMENT_SKU: z.string().default('GlobalStandard'),
  AZURE_DEPLOYMENT_CAPACITY: z.coerce.number().int().positive().default(100),
  AZURE_EVAL_DEPLOYMENT_SKU: z.string().default('DeveloperTier'),
  AZURE_EVAL_DEPLOYMENT_CAPACITY: z.coerce.number().int().positive().default(50),
  AZURE_DEPLOYMENT_POLL_MS: z.coerce.number().int().positive().default(15_000),
  /** `model=deployment,…`: how the base models and the grader are called for evaluation. */
  AZURE_DEPLOYMENTS: optional(z.string()),
  TOGETHER_API_KEY: optional(z.string().min(1)),
  /** Default https://api.together.ai/v1 (an emulator's `<url>/v1` in tests and the sandbox). */
  TOGETHER_BASE_URL: optional(z.url()),
  /** The project v2 endpoints live in; default the key's own (`GET /whoami`). */
  TOGETHER_PROJECT_ID: optional(z.string().min(1)),
  /** Where dedicated endpoints answer chat; default Together's inference host (or the base URL). */
  TOGETHER_INFERENCE_BASE_URL: optional(z.url()),
  /** Hardware of a promoted model's endpoint; default the cheapest Together certifies for it. */
  TOGETHER_ENDPOINT_HARDWARE: optional(z.string().min(1)),
  TOGETHER_ENDPOINT_MIN_REPLICAS: blankIsDefault(z.coerce.number().int().min(1).default(1)),
  TOGETHER_ENDPOINT_MAX_REPLICAS: blankIsDefault(z.coerce.number().int().min(1).default(1)),
  /** Hardware of the eval gate's short-lived endpoint; default the cheapest. */
  TOGETHER_EVAL_ENDPOINT_HARDWARE: optional(z.string().min(1)),
  TOGETHER_ENDPOINT_POLL_MS: blankIsDefault(z.coerce.number().int().positive().default(10_000)),
  /** `model=name,…`: what to call base models and the grader as, when not by their own name. */
  TOGETHER_CHAT_MODELS: optional(z.string()),
  /** FINETUNE_PROVIDER=openai-compatible: the host's OpenAI API base, e.g. https://api.tokenfactory.nebius.com/v1 */
  FINETUNE_COMPATIBLE_BASE_URL: optional(z.url()),
  FINETUNE_COMPATIBLE_API_KEY: optional(z.string().min(1)),
  /** The host's name in messages (default: the base URL's host name). */
  FINETUNE_COMPATIBLE_LABEL: optional(z.string().min(1)),
  /** The deployment call's collection (default <base URL's origin>/v0/models, Nebius's); `none`: models answer by their id. */
  FINETUNE_COMPATIBLE_DEPLOY_URL: optional(z.union([z.literal('none'), z.url()])),
  FINETUNE_COMPATIBLE_DEPLOY_POLL_MS: blankIsDefault(
    z.coerce.number().int().positive().default(10_000),
  ),
  /** Give up waiting for a deployment to become active (and answer) after this long. */
  FINETUNE_COMPATIBLE_DEPLOY_TIMEOUT_MS: blankIsDefault(
    z.coerce
      .number()
      .int()
      .positive()
      .default(30 * 60_000),
  ),
  /** What the host does with job metadata: `none` (default: unknown, not trusted), `kept`, `filtered`. */
  FINETUNE_COMPATIBLE_JOB_METADATA: blankIsDefault(
    z.enum(['none', 'kept', 'filtered']).default('none'),
  ),
  /** Largest training file one upload takes (default 512 MiB, the Files API's). */
  FINETUNE_COMPATIBLE_MAX_FILE_BYTES: blankIsDefault(
    z.coerce
      .number()
      .int()
      .positive()
      .default(512 * 1024 * 1024),
  ),
  /** `true`: try OpenAI's Uploads API (parts) for large files; default: Files API only. */
  FINETUNE_COMPATIBLE_UPLOADS: blankIsDefault(z.stringbool().default(false)),
  /** Without it the pipeline runs and W&B steps are skipped; the sync workflows refuse to start. */
  WANDB_API_KEY: optional(z.string()),
  WANDB_BASE_URL: optional(z.url()),
  WANDB_ENTITY: optional(z.string()),
  /** The approvers policy (signed approvals); without it decisions are names as typed. */
  FINETUNE_APPROVAL_POLICY: optional(z.string().min(1)),
  /** Default: fine-tune (OpenAI), fine-tune-azure, fine-tune-together…: each provider has its own queue. */
  FINETUNE_TASK_QUEUE: optional(z.string().min(1)),
  FINETUNE_MULTIPART_THRESHOLD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(DEFAULT_MULTIPART_THRESHOLD),
  FINETUNE_PART_SIZE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(64 * 1024 * 1024)
    .default(DEFAULT_PART_SIZE),
  // Worker sizing (src/worker/tuning.ts; README "Sizing a worker"): memory is mostly the cache.
  /** Workflow runs kept in memory between tasks; 0 turns the cache off (every task replays). */
  FINETUNE_MAX_CACHED_WORKFLOWS: blankIsDefault(
    z.coerce.number().int().min(0).default(DEFAULT_MAX_CACHED_WORKFLOWS),
  ),
  /** Workflow tasks in progress at once; at most the cache size. Default: the smaller of 40 and it. */
  FINETUNE_MAX_CONCURRENT_WORKFLOW_TASKS: optional(z.coerce.number().int().min(2)),
  /** Threads that run workflow code (the SDK's default, 1): each more is a V8 isolate of its own. */
  FINETUNE_WORKFLOW_THREADS: blankIsDefault(z.coerce.number().int().min(1).max(16).default(1)),
  /** Activities running at once (uploads, polls, W&B syncs): bounds their buffers and sockets. */
  FINETUNE_MAX_CONCURRENT_ACTIVITIES: blankIsDefault(
    z.coerce.number().int().positive().default(DEFAULT_MAX_CONCURRENT_ACTIVITIES),
  ),
  /** The knowledge base's folder on this worker: run corpora and the embedding cache (default ~/.finetune/kb). */
  FINETUNE_KB_DIR: optional(z.string().min(1)),
  /** The store an ingest names none of: a LanceDB folder or postgres://… (default <FINETUNE_KB_DIR>/lancedb). */
  FINETUNE_KB_STORE: optional(z.string().min(1)),
  /** Embedding requests one ingest keeps in flight (all within FINETUNE_PROVIDER_MAX_RPS). */
  FINETUNE_KB_EMBED_CONCURRENCY: optional(z.coerce.number().int().min(1).max(64)),
  /** Most provider requests per second this worker sends, all activities together (token bucket). */
  FINETUNE_PROVIDER_MAX_RPS: blankIsDefault(
    z.coerce.number().positive().default(DEFAULT_PROVIDER_MAX_RPS),
  ),
});
export type WorkerEnv = z.infer<typeof WorkerEnv> & { FINETUNE_TASK_QUEUE: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const Checked = WorkerEnv.superRefine((e, ctx) => {
  if (e.FINETUNE_PROVIDER === 'openai' && !e.OPENAI_API_KEY) {
    ctx.addIssue({
      code: 'custom',
      path: ['OPENAI_API_KEY'],
      message: 'OPENAI_API_KEY is not set: the worker needs it to call OpenAI',
    });
  }
  const wft = e.FINETUNE_MAX_CONCURRENT_WORKFLOW_TASKS;
  if (
    wft !== undefined &&
    e.FINETUNE_MAX_CACHED_WORKFLOWS > 0 &&
    wft > e.FINETUNE_MAX_CACHED_WORKFLOWS
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['FINETUNE_MAX_CONCURRENT_WORKFLOW_TASKS'],
      message: `${wft} is more than FINETUNE_MAX_CACHED_WORKFLOWS (${e.FINETUNE_MAX_CACHED_WORKFLOWS}): a workflow task needs a cache slot`,
    });
  }
  if (e.FINETUNE_PROVIDER === 'together' && !e.TOGETHER_API_KEY) {
    ctx.addIssue({
      code: 'custom',
      path: ['TOGETHER_API_KEY'],
      message:
        'TOGETHER_API_KEY is not set: FINETUNE_PROVIDER=together needs a key of the project to train in',
    });
  }
  if (
    e.FINETUNE_PROVIDER === 'together' &&
    e.TOGETHER_ENDPOINT_MAX_REPLICAS < e.TOGETHER_ENDPOINT_MIN_REPLICAS
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['TOGETHER_ENDPOINT_MAX_REPLICAS'],
      message: `${e.TOGETHER_ENDPOINT_MAX_REPLICAS} is fewer than TOGETHER_ENDPOINT_MIN_REPLICAS (${e.TOGETHER_ENDPOINT_MIN_REPLICAS})`,
    });
  }
  if (e.FINETUNE_PROVIDER === 'openai-compatible') {
    for (const [key, what] of [
      [
        'FINETUNE_COMPATIBLE_BASE_URL',
        "the host's OpenAI API base, e.g. https://api.tokenfactory.nebius.com/v1",
      ],
      ['FINETUNE_COMPATIBLE_API_KEY', "a key of the host's account to train in"],
    ] as const) {
      if (!e[key]) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} is not set: FINETUNE_PROVIDER=openai-compatible needs ${what}`,
        });
      }
    }
  }
  if (e.FINETUNE_PROVIDER === 'azure' && !e.AZURE_OPENAI_ENDPOINT) {
    ctx.addIssue({
      code: 'custom',
      path: ['AZURE_OPENAI_ENDPOINT'],
      message:
        'AZURE_OPENAI_ENDPOINT is not set: FINETUNE_PROVIDER=azure needs the resource, e.g. https://my-resource.openai.azure.com',
    });
  }
});

export function readWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = Checked.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  ${i.path.join('.')}: ${i.message}`)
      .join('\n');
    throw new ConfigError(`The worker's environment is incomplete:\n${problems}`);
  }
  const data = parsed.data;
  return {
    ...data,
    FINETUNE_TASK_QUEUE: data.FINETUNE_TASK_QUEUE ?? defaultTaskQueue(data.FINETUNE_PROVIDER),
  };
}

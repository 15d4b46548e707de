import { getHeapStatistics } from 'node:v8';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities/index.js';
import type { KbSettings } from './activities/knowledgeBase/index.js';
import {
  DEFAULT_MULTIPART_THRESHOLD,
  DEFAULT_PART_SIZE,
  type TrainingDeps,
} from './activities/training/files.js';
import { openAIProviderFor, providerFromEnv } from './providers/fromEnv.js';
import type { FineTuneProvider } from './providers/types.js';
import { createWandbClient, type WandbSettings } from './activities/wandb/index.js';
import { ConfigError, readWorkerEnv } from './config.js';
import { readPolicyFile } from './activities/approvalPolicy.js';
import { readEventsConfig, type EventsConfig } from './events/config.js';
import { logger } from './logging.js';
import { connectClient, connectWorkerConnection } from './temporal/connection.js';
import { ensureSearchAttributes } from './temporal/searchAttributes.js';
import { bundleWorkflowsInChild } from './worker/workflowBundle.js';
import { onParentGone, WORKER_MEMORY_APPLIED } from './worker/memory.js';
import { DEFAULT_WORKER_TUNING, workerTuning, type WorkerTuning } from './worker/tuning.js';

/** The workflows entry, from source (tsx, tests) or from the build. */
export function workflowsPath(): string {
  for (const name of ['./workflows/index.ts', './workflows/index.js']) {
    const p = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error(
    'cannot find the workflows entry (src/workflows/index.ts or dist/workflows/index.js)',
  );
}

export interface FineTuneWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** OpenAI settings (the default provider)… */
  openai?: { apiKey: string; baseURL?: string; maxRps?: number };
  /** …or any provider (Azure, Together, …); it wins over `openai`. */
  provider?: FineTuneProvider;
  /** W&B sync; without an API key the W&B activities fail with a message saying so. */
  wandb?: WandbSettings;
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
  /** A prebuilt bundle (tests build one and share it); bundled at start when omitted. */
  workflowBundle?: { codePath: string };
  /** Cache size and concurrency (README "Sizing a worker"); default DEFAULT_WORKER_TUNING. */
  tuning?: WorkerTuning;
  /** Give in-flight uploads time to checkpoint on shutdown. */
  shutdownGraceTime?: string;
  /** The knowledge base's folder (run corpora, embedding cache) and default store. */
  knowledgeBase?: KbSettings;
  /** The approvers policy file (FINETUNE_APPROVAL_POLICY); none: decisions are names as typed. */
  approvalPolicy?: string;
  /** The operator's event endpoints (FINETUNE_EVENTS_FILE / FINETUNE_EVENTS_URL); none when omitted. */
  events?: EventsConfig;
}

export async function createFineTuneWorker(opts: FineTuneWorkerOptions): Promise<Worker> {
  if (!opts.provider && !opts.openai)
    throw new Error(
      'a worker needs a provider (see providerFromEnv), or settings for the default one',
    );
  const deps: TrainingDeps = {
    provider: opts.provider ?? openAIProviderFor(opts.openai!),
    multipartThresholdBytes: opts.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD,
    partSizeBytes: opts.partSizeBytes ?? DEFAULT_PART_SIZE,
  };
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createActivities({
      ...deps,
      wandb: createWandbClient(opts.wandb ?? {}),
      knowledgeBase: opts.knowledgeBase,
      approvalPolicyPath: opts.approvalPolicy,
      events: opts.events,
    }),
    workflowBundle: opts.workflowBundle ?? (await bundleWorkflowsInChild(workflowsPath())),
    shutdownGraceTime: opts.shutdownGraceTime ?? '30s',
    ...(opts.tuning ?? DEFAULT_WORKER_TUNING),
  });
}

/** `finetune worker`: configuration from the environment, runs until SIGINT/SIGTERM. */
export async function runWorkerFromEnv(
  overrides: { address?: string; namespace?: string } = {},
): Promise<void> {
  const env = readWorkerEnv();
  const tuning = workerTuning(env);
  // A broken policy stops the worker at start, not a pipeline days later.
  const policy = env.FINETUNE_APPROVAL_POLICY
    ? await readPolicyFile(env.FINETUNE_APPROVAL_POLICY).catch((err: Error) => {
        throw new ConfigError(err.message);
      })
    : undefined;
  // Read before connecting: a bad setting stops the worker at once, naming it.
  const events = readEventsConfig();
  const { connection, namespace } = await connectWorkerConnection(overrides);
  await registerSearchAttributes(overrides, namespace);
  const provider = providerFromEnv(env);
  const worker = await createFineTuneWorker({
    connection,
    namespace,
    taskQueue: env.FINETUNE_TASK_QUEUE,
    provider,
    wandb: { apiKey: env.WANDB_API_KEY, baseUrl: env.WANDB_BASE_URL, entity: env.WANDB_ENTITY },
    multipartThresholdBytes: env.FINETUNE_MULTIPART_THRESHOLD_BYTES,
    partSizeBytes: env.FINETUNE_PART_SIZE_BYTES,
    workflowBundle: process.env.FINETUNE_WORKFLOW_BUNDLE
      ? { codePath: process.env.FINETUNE_WORKFLOW_BUNDLE }
      : undefined,
    tuning,
    knowledgeBase: {
      dir: env.FINETUNE_KB_DIR,
      store: env.FINETUNE_KB_STORE,
      embedConcurrency: env.FINETUNE_KB_EMBED_CONCURRENCY,
    },
    approvalPolicy: env.FINETUNE_APPROVAL_POLICY,
    events,
  });
  logger.info(
    {
      taskQueue: env.FINETUNE_TASK_QUEUE,
      namespace,
      provider: env.FINETUNE_PROVIDER,
      approvalPolicy: policy ? `${policy.source} (${policy.digest})` : 'none (names as typed)',
      ...tuning,
      // What bounds memory besides the cache (docs/operations.md "Sizing a worker").
      heapLimitMiB: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
      mallocArenaMax: process.env.MALLOC_ARENA_MAX || "glibc's default",
      memorySetBy: process.env[WORKER_MEMORY_APPLIED]
        ? `finetune worker (${process.env[WORKER_MEMORY_APPLIED]})`
        : 'the environment',
      events: events
        ? `${events.endpoints.map((e) => e.name).join(', ')} (settings ${events.digest})`
        : 'none',
    },
    'worker started',
  );
  void sweepEvalServing(provider);
  // Run by `finetune worker` in a child process (src/worker/memory.ts): stop with its parent.
  onParentGone(() => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  });
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

/**
 * An eval gate's activity ends within an hour (its schedule-to-close); serving made for an eval
 * and older than this was left by a crashed worker: it is billed until stopped.
 */
export const EVAL_SERVING_BUDGET_MS = 2 * 60 * 60_000;

/** Best effort at start: stop eval serving of ours a crashed gate left running. */
export async function sweepEvalServing(provider: FineTuneProvider): Promise<string[]> {
  try {
    const swept = await provider.sweepEvalServing(EVAL_SERVING_BUDGET_MS);
    if (swept.length) logger.warn({ swept }, 'stopped eval serving a crashed gate left running');
    return swept;
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'could not sweep leftover eval serving');
    return [];
  }
}

async function registerSearchAttributes(
  overrides: { address?: string; namespace?: string },
  namespace: string,
): Promise<void> {
  // Best effort: self-hosted clusters accept it; Temporal Cloud manages attributes elsewhere.
  try {
    const client = await connectClient(overrides);
    try {
      const added = await ensureSearchAttributes(client.connection, namespace);
      if (added.length) logger.info({ added }, 'registered search attributes');
    } finally {
      await client.connection.close();
    }
  } catch (err) {
    logger.warn(
      { err: (err as Error).message },
      'could not register search attributes; create them on the server (see README)',
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runWorkerFromEnv().catch((err: unknown) => {
    logger.error({ err }, 'worker failed');
    process.exitCode = 1;
  });
}

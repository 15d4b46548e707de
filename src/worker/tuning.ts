// How big a worker is allowed to get. A waiting pipeline costs the worker nothing but its place in
// the workflow cache, so the cache size is what bounds memory; the measurements behind these
// defaults are in the README ("Sizing a worker") and come from `npm run bench:scale`.

/**
 * Runs kept in memory. The SDK's own default grows with the V8 heap limit (~2 300 on a machine
 * with 4 GiB of heap): 1 000 waiting pipelines (2 000 runs) took 1.25 GiB. Smaller is not always
 * leaner: with 500, the replays of evicted runs made more garbage than the cache saved (1 186 MiB
 * part-way through the same ramp that peaked at 1 114 MiB with 1 000).
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1000;
/** The SDK's default; one workflow thread runs them, so more only queue in memory. */
export const DEFAULT_MAX_CONCURRENT_WORKFLOW_TASKS = 40;
/** Half the SDK's 100: uploads and W&B syncs hold buffers; polls are short either way. */
export const DEFAULT_MAX_CONCURRENT_ACTIVITIES = 50;

export interface WorkerTuning {
  maxCachedWorkflows: number;
  workflowThreadPoolSize: number;
  maxConcurrentWorkflowTaskExecutions: number;
  maxConcurrentActivityTaskExecutions: number;
}

export interface WorkerTuningEnv {
  FINETUNE_MAX_CACHED_WORKFLOWS: number;
  FINETUNE_WORKFLOW_THREADS?: number;
  FINETUNE_MAX_CONCURRENT_WORKFLOW_TASKS?: number;
  FINETUNE_MAX_CONCURRENT_ACTIVITIES: number;
}

/** The worker options these settings stand for (a task needs a cache slot, hence the min). */
export function workerTuning(env: WorkerTuningEnv): WorkerTuning {
  const cache = env.FINETUNE_MAX_CACHED_WORKFLOWS;
  const wft =
    env.FINETUNE_MAX_CONCURRENT_WORKFLOW_TASKS ??
    (cache > 0
      ? Math.max(2, Math.min(DEFAULT_MAX_CONCURRENT_WORKFLOW_TASKS, cache))
      : DEFAULT_MAX_CONCURRENT_WORKFLOW_TASKS);
  return {
    maxCachedWorkflows: cache,
    workflowThreadPoolSize: env.FINETUNE_WORKFLOW_THREADS ?? 1,
    maxConcurrentWorkflowTaskExecutions: wft,
    maxConcurrentActivityTaskExecutions: env.FINETUNE_MAX_CONCURRENT_ACTIVITIES,
  };
}

export const DEFAULT_WORKER_TUNING: WorkerTuning = workerTuning({
  FINETUNE_MAX_CACHED_WORKFLOWS: DEFAULT_MAX_CACHED_WORKFLOWS,
  FINETUNE_MAX_CONCURRENT_ACTIVITIES: DEFAULT_MAX_CONCURRENT_ACTIVITIES,
});

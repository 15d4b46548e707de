import { describe, expect, it } from 'vitest';
import { ConfigError, readWorkerEnv } from '../../src/config.js';
import { DEFAULT_PROVIDER_MAX_RPS } from '../../src/providers/rateLimit.js';
import {
  DEFAULT_MAX_CACHED_WORKFLOWS,
  DEFAULT_MAX_CONCURRENT_ACTIVITIES,
  DEFAULT_MAX_CONCURRENT_WORKFLOW_TASKS,
  DEFAULT_WORKER_TUNING,
  workerTuning,
} from '../../src/worker/tuning.js';

const BASE = { OPENAI_API_KEY: 'sk-test' };
const tuningOf = (env: NodeJS.ProcessEnv) => workerTuning(readWorkerEnv({ ...BASE, ...env }));

describe('worker sizing from the environment', () => {
  it('defaults to the documented cache size and concurrency', () => {
    expect(tuningOf({})).toEqual({
      maxCachedWorkflows: DEFAULT_MAX_CACHED_WORKFLOWS,
      workflowThreadPoolSize: 1,
      maxConcurrentWorkflowTaskExecutions: DEFAULT_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxConcurrentActivityTaskExecutions: DEFAULT_MAX_CONCURRENT_ACTIVITIES,
    });
    expect(tuningOf({})).toEqual(DEFAULT_WORKER_TUNING);
  });

  it('reads each variable; compose passes unset ones as "", which means the default', () => {
    expect(
      tuningOf({
        FINETUNE_MAX_CACHED_WORKFLOWS: '5000',
        FINETUNE_MAX_CONCURRENT_WORKFLOW_TASKS: '100',
        FINETUNE_MAX_CONCURRENT_ACTIVITIES: '200',
        FINETUNE_WORKFLOW_THREADS: '2',
      }),
    ).toEqual({
      maxCachedWorkflows: 5000,
      workflowThreadPoolSize: 2,
      maxConcurrentWorkflowTaskExecutions: 100,
      maxConcurrentActivityTaskExecutions: 200,
    });
    expect(
      tuningOf({
        FINETUNE_MAX_CACHED_WORKFLOWS: '',
        FINETUNE_MAX_CONCURRENT_WORKFLOW_TASKS: '',
        FINETUNE_MAX_CONCURRENT_ACTIVITIES: '',
        FINETUNE_WORKFLOW_THREADS: '',
      }),
    ).toEqual(DEFAULT_WORKER_TUNING);
    expect(
      readWorkerEnv({ ...BASE, FINETUNE_PROVIDER_MAX_RPS: '' }).FINETUNE_PROVIDER_MAX_RPS,
    ).toBe(DEFAULT_PROVIDER_MAX_RPS);
  });

  it('keeps the default workflow-task concurrency within a small cache', () => {
    expect(
      tuningOf({ FINETUNE_MAX_CACHED_WORKFLOWS: '10' }).maxConcurrentWorkflowTaskExecutions,
    ).toBe(10);
    // 0 turns the cache off; the task concurrency then has no cache slot to fit in.
    expect(tuningOf({ FINETUNE_MAX_CACHED_WORKFLOWS: '0' })).toMatchObject({
      maxCachedWorkflows: 0,
      maxConcurrentWorkflowTaskExecutions: DEFAULT_MAX_CONCURRENT_WORKFLOW_TASKS,
    });
  });

  it('refuses values the SDK would silently change, naming the variable', () => {
    const bad: [NodeJS.ProcessEnv, RegExp][] = [
      [{ FINETUNE_MAX_CACHED_WORKFLOWS: '-1' }, /FINETUNE_MAX_CACHED_WORKFLOWS/],
      [{ FINETUNE_MAX_CACHED_WORKFLOWS: 'lots' }, /FINETUNE_MAX_CACHED_WORKFLOWS/],
      [{ FINETUNE_MAX_CONCURRENT_ACTIVITIES: '0' }, /FINETUNE_MAX_CONCURRENT_ACTIVITIES/],
      [{ FINETUNE_WORKFLOW_THREADS: '0' }, /FINETUNE_WORKFLOW_THREADS/],
      [{ FINETUNE_MAX_CONCURRENT_WORKFLOW_TASKS: '1' }, /FINETUNE_MAX_CONCURRENT_WORKFLOW_TASKS/],
      [
        { FINETUNE_MAX_CACHED_WORKFLOWS: '20', FINETUNE_MAX_CONCURRENT_WORKFLOW_TASKS: '40' },
        /FINETUNE_MAX_CONCURRENT_WORKFLOW_TASKS: 40 is more than FINETUNE_MAX_CACHED_WORKFLOWS \(20\)/,
      ],
    ];
    for (const [env, message] of bad) {
      expect(() => readWorkerEnv({ ...BASE, ...env })).toThrow(ConfigError);
      expect(() => readWorkerEnv({ ...BASE, ...env })).toThrow(message);
    }
  });
});

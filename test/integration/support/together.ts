import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import Together from 'together-ai';
import { inject } from 'vitest';
import { hasWorkflowPollers } from '../../../src/client/pollers.js';
import type {
  RunningTogetherEmulator,
  TogetherEmulatorOptions,
} from '../../../src/emulators/together/index.js';
import type { RunningWandbEmulator } from '../../../src/emulators/wandb/index.js';
import { buildLocalStack, type LocalWorker } from '../../../src/localStack/index.js';
import { installTestSdkLogs } from '../../support/sdkLogs.js';
import { eventually, TEST_WANDB_ENTITY, TEST_WANDB_KEY } from './harness.js';
import { sampleInput } from './pipelineInput.js';

export const TEST_TOGETHER_KEY = 'together-test-emulator';
/** Fine-tunable and served per token (so the eval gate can call the base as it is). */
export const TOGETHER_BASE = 'Qwen/Qwen3-8B';

export interface TogetherHarness {
  client: Client;
  together: RunningTogetherEmulator;
  wandb: RunningWandbEmulator;
  worker: LocalWorker;
  taskQueue: string;
  /** The official client on the emulator, as a person checking Together's side would use it. */
  api: Together;
  /** The same on the v2 (beta) API: dedicated endpoints and deployments. */
  apiV2: Together;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A test's world on Together: a Temporal client on the shared dev server, a Together emulator
 * (no webhooks: Together has none) and a W&B emulator of its own, and a worker whose provider is
 * Together, on a task queue no other test uses.
 */
export async function startTogetherHarness(
  emulator: TogetherEmulatorOptions = {},
): Promise<TogetherHarness> {
  installTestSdkLogs();
  const stack = await buildLocalStack({
    temporal: { address: inject('temporalAddress'), namespace: 'default' },
    together: { timeScale: 400, apiKey: TEST_TOGETHER_KEY, seed: 7, ...emulator },
    wandb: { emulator: { apiKeys: [TEST_WANDB_KEY], defaultEntity: TEST_WANDB_ENTITY } },
    worker: {
      taskQueue: `it-together-${randomUUID()}`,
      autoStart: false,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      shutdownGraceTime: '1s',
    },
  });
  const worker = stack.worker!;
  return {
    client: stack.client,
    together: stack.together!,
    wandb: stack.wandb!.emulator!,
    worker,
    taskQueue: worker.taskQueue,
    api: new Together({
      apiKey: TEST_TOGETHER_KEY,
      baseURL: stack.together!.baseURL,
      maxRetries: 0,
    }),
    apiV2: new Together({
      apiKey: TEST_TOGETHER_KEY,
      baseURL: `${stack.together!.url}/v2`,
      projectID: stack.together!.identity.projectId,
      maxRetries: 0,
    }),
    startWorker: async () => {
      await worker.start();
      await eventually('the worker to show as a poller', () =>
        hasWorkflowPollers(stack.client, worker.taskQueue),
      );
    },
    close: () => stack.stop(),
  };
}

/** The bundled sample on Together's base, with a wait sized for seconds-long emulated jobs. */
export const togetherInput = (
  extra: Parameters<typeof sampleInput>[1] = {},
): ReturnType<typeof sampleInput> =>
  sampleInput(
    { minPollMs: 200, maxPollMs: 1500 },
    { model: TOGETHER_BASE, suffix: 'it', ...extra },
  );

/** What a `finetune worker` process needs to train on the harness's Together emulator. */
export function togetherWorkerEnv(h: TogetherHarness): NodeJS.ProcessEnv {
  return {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: 'default',
    FINETUNE_PROVIDER: 'together',
    OPENAI_API_KEY: '',
    TOGETHER_API_KEY: TEST_TOGETHER_KEY,
    TOGETHER_BASE_URL: h.together.baseURL,
    TOGETHER_PROJECT_ID: h.together.identity.projectId,
    TOGETHER_ENDPOINT_POLL_MS: '200',
    FINETUNE_TASK_QUEUE: h.taskQueue,
    FINETUNE_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    WANDB_API_KEY: TEST_WANDB_KEY,
    WANDB_BASE_URL: h.wandb.url,
    LOG_LEVEL: 'warn',
  };
}

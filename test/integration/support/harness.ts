import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { hasWorkflowPollers } from '../../../src/client/pollers.js';
import type {
  OpenAIEmulatorOptions,
  RunningOpenAIEmulator,
} from '../../../src/emulators/openai/index.js';
import type {
  RunningWandbEmulator,
  WandbEmulatorOptions,
} from '../../../src/emulators/wandb/index.js';
import type { EventsConfig } from '../../../src/events/config.js';
import { buildLocalStack } from '../../../src/localStack/index.js';
import type { RunningWebhookReceiver } from '../../../src/webhooks/receiver.js';
import type { KbSettings } from '../../../src/activities/knowledgeBase/index.js';
import { installTestSdkLogs } from '../../support/sdkLogs.js';
import { eventually } from '../../support/eventually.js';

export const TEST_OPENAI_KEY = 'sk-test-emulator';
export const TEST_WANDB_KEY = 'local-test000000000000000000000000000000000';
export const TEST_WANDB_ENTITY = 'tester';

export interface Harness {
  client: Client;
  openai: RunningOpenAIEmulator;
  /** Null when the harness was started with `wandb: false` (the worker then has no W&B key). */
  wandb: RunningWandbEmulator | null;
  receiver: RunningWebhookReceiver;
  webhookSecret: string;
  taskQueue: string;
  temporalAddress: string;
  bundlePath: string;
  /** Starts a worker on this harness's task queue; stop it with `stopWorker`. */
  startWorker(): Promise<Worker>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A test's world: a Temporal client on the shared dev server, an OpenAI emulator and a webhook
 * receiver of its own, and a worker on a task queue no other test uses. Built by the one
 * local-stack builder (src/localStack); the SDK logs through the test logger (test/support/sdkLogs.ts).
 */
export async function startHarness(
  emulator: OpenAIEmulatorOptions = {},
  wandbOptions: WandbEmulatorOptions | false = {},
  workerOptions: {
    approvalPolicy?: string;
    events?: EventsConfig;
    knowledgeBase?: KbSettings;
  } = {},
): Promise<Harness> {
  const temporalAddress = inject('temporalAddress');
  const bundlePath = inject('workflowBundlePath');
  // The SDK's warnings are printed, except for the failures the product raises by design.
  installTestSdkLogs();
  const stack = await buildLocalStack({
    temporal: { address: temporalAddress, namespace: 'default' },
    webhooks: {},
    openai: {
      durations: { validatingMs: 300, queuedMs: 300, runningMs: 2500 },
      steps: 10,
      apiKey: TEST_OPENAI_KEY,
      ...emulator,
    },
    wandb:
      wandbOptions === false
        ? undefined
        : {
            emulator: {
              apiKeys: [TEST_WANDB_KEY],
              defaultEntity: TEST_WANDB_ENTITY,
              ...wandbOptions,
            },
          },
    worker: {
      taskQueue: `it-${randomUUID()}`,
      autoStart: false,
      workflowBundle: { codePath: bundlePath },
      shutdownGraceTime: '1s',
      ...workerOptions,
    },
  });
  const worker = stack.worker!;
  return {
    client: stack.client,
    openai: stack.openai!,
    wandb: stack.wandb?.emulator ?? null,
    receiver: stack.receiver!,
    webhookSecret: stack.webhookSecret!,
    taskQueue: worker.taskQueue,
    temporalAddress,
    bundlePath,
    // Returns once the server lists the worker as a poller, so a test's first command that
    // checks for a worker (requireWorker) does not race the worker's first poll.
    startWorker: async () => {
      const started = await worker.start();
      await eventually('the worker to show as a poller', () =>
        hasWorkflowPollers(stack.client, worker.taskQueue),
      );
      return started;
    },
    stopWorker: () => worker.stop(),
    close: () => stack.stop(),
  };
}

/** The one polling helper (test/support/eventually.ts), here for this tier's tests. */
export { eventually };

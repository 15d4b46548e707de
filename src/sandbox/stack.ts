import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { OpenAIEmulatorOptions, RunningOpenAIEmulator } from '../emulators/openai/index.js';
import type { RunningWandbEmulator } from '../emulators/wandb/index.js';
import { buildLocalStack, userWandbFromEnv } from '../localStack/index.js';
import { projectRoot } from '../projectRoot.js';
import { TASK_QUEUE } from '../shared/types.js';
import type { DevServer } from '../temporal/devServer.js';
import type { RunningWebhookReceiver } from '../webhooks/receiver.js';
import { installSandboxSdkLogs } from './sdkLogs.js';

/** The emulator's key: not a secret, it opens nothing but the local emulator. */
export const SANDBOX_OPENAI_KEY = 'sk-sandbox-local-emulator';
/**
 * The sandbox worker listens on the default task queue, so `finetune start`, `sync`, `resolve`, …
 * pointed at the sandbox's address (no --task-queue) reach it. Its dev server is its own, so this
 * never meets a worker of another Temporal server.
 */
export const SANDBOX_TASK_QUEUE = TASK_QUEUE;
/** A key of the shape W&B issues; it opens only the local W&B emulator. */
// wandb 0.31 refuses keys with fewer than 40 characters after the `local-` prefix.
export const SANDBOX_WANDB_KEY = 'local-sandbox000000000000000000000000000000000';

export interface SandboxStackOptions {
  /** Serve the Temporal Web UI. */
  ui: boolean;
  /** Keep workflow histories in .sandbox/temporal.db between runs. */
  persist: boolean;
  /** `flavor: 'azure'`: the emulator plays Azure OpenAI and the worker trains there. */
  emulator: Pick<OpenAIEmulatorOptions, 'durations' | 'steps' | 'flavor' | 'failTraining'>;
  /** Deliver no webhooks: the adaptive poll alone finds the job's end. */
  dropWebhooks: boolean;
}

/** Everything the sandbox runs locally: Temporal, the OpenAI emulator, the webhook receiver, a worker. */
export interface SandboxStack {
  server: DevServer;
  client: Client;
  openai: RunningOpenAIEmulator;
  /** Null when the user's own W&B (WANDB_API_KEY) is used instead of the emulator. */
  wandbEmulator: RunningWandbEmulator | null;
  /** `emulatorKey`: the local W&B emulator's key (not a secret); absent for the user's own W&B. */
  wandb: { baseUrl: string; entity?: string; emulated: boolean; emulatorKey?: string };
  receiver: RunningWebhookReceiver;
  worker: Worker;
  stop(): Promise<void>;
}

/** The sandbox's stack, built by the one local-stack builder. */
export async function startSandboxStack(opts: SandboxStackOptions): Promise<SandboxStack> {
  const stateDir = join(projectRoot(), '.sandbox');
  mkdirSync(stateDir, { recursive: true });
  // The SDK's own logs as one-liners, without the failure the sandbox reports itself (before the
  // stack: the builder then keeps this Runtime).
  installSandboxSdkLogs();
  const stack = await buildLocalStack({
    temporal: {
      start: { ui: opts.ui, dbFile: opts.persist ? join(stateDir, 'temporal.db') : undefined },
    },
    // A fresh signing secret per sandbox: the receiver verifies what the emulator signs.
    webhooks: { host: '127.0.0.1', port: 0, delivery: { dropRate: opts.dropWebhooks ? 1 : 0 } },
    openai: { ...opts.emulator, apiKey: SANDBOX_OPENAI_KEY },
    // Real W&B when the user has a key, else the local emulator.
    wandb: userWandbFromEnv() ?? {
      emulator: { apiKeys: [SANDBOX_WANDB_KEY], defaultEntity: 'sandbox' },
    },
    worker: {
      taskQueue: SANDBOX_TASK_QUEUE,
      // Nothing long runs at the end (the pipeline is done or waiting): stop in seconds.
      shutdownGraceTime: '2s',
    },
  });
  const { wandb, worker } = stack;
  const emulated = wandb!.emulator !== null;
  return {
    server: stack.server!,
    client: stack.client,
    openai: stack.openai!,
    wandbEmulator: wandb!.emulator,
    wandb: emulated
      ? { baseUrl: wandb!.baseUrl, emulated, emulatorKey: SANDBOX_WANDB_KEY }
      : { baseUrl: wandb!.baseUrl, entity: wandb!.entity, emulated },
    receiver: stack.receiver!,
    worker: worker!.current!,
    stop: () => stack.stop().catch(() => undefined),
  };
}

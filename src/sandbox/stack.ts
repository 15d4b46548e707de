import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { OpenAIEmulatorOptions, RunningOpenAIEmulator } from '../emulators/openai/index.js';
import type { RunningTogetherEmulator } from '../emulators/together/index.js';
import type { RunningWandbEmulator } from '../emulators/wandb/index.js';
import { buildLocalStack, userWandbFromEnv } from '../localStack/index.js';
import { parseEventsConfig } from '../events/config.js';
import {
  startEventReceiver,
  type ReceivedEvent,
  type RunningEventReceiver,
} from '../events/receiver.js';
import { newSigningSecret } from '../events/tail.js';
import { projectRoot } from '../projectRoot.js';
import { TASK_QUEUE } from '../shared/types.js';
import type { DevServer } from '../temporal/devServer.js';
import type { RunningWebhookReceiver } from '../webhooks/receiver.js';
import type { KbSettings } from '../activities/knowledgeBase/index.js';
import { installSandboxSdkLogs } from './sdkLogs.js';

/** The emulator's key: not a secret, it opens nothing but the local emulator. */
export const SANDBOX_OPENAI_KEY = 'sk-sandbox-local-emulator';
/** The Together emulator's key: not a secret either. */
export const SANDBOX_TOGETHER_KEY = 'together-sandbox-local-emulator';
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
  /**
   * Keep the sandbox's memory between runs, all of it together: the workflow histories
   * (temporal.db) and the emulators' state (openai/ or azure/, wandb/), so a pipeline listed
   * from an earlier run still has its files, job, W&B run and model versions.
   */
  persist: boolean;
  /** Where it is kept; default `.sandbox` in the project. */
  stateDir?: string;
  /** `flavor: 'azure'`: the emulator plays Azure OpenAI and the worker trains there. */
  emulator: Pick<OpenAIEmulatorOptions, 'durations' | 'steps' | 'flavor' | 'failTraining'>;
  /** Deliver no webhooks: the adaptive poll alone finds the job's end. */
  dropWebhooks: boolean;
  /** Called with each signed event the worker sends (verified by a local receiver). */
  onEvent?: (event: ReceivedEvent) => void;
  /**
   * Train on the Together emulator instead (no webhooks, a dedicated endpoint at promotion).
   * With `persist` its state is kept in `<stateDir>/together`.
   */
  together?: { failTraining?: boolean };
  /** The worker's approval policy file (`--signed`): decisions must then be signed. */
  approvalPolicy?: string;
  /** The worker's knowledge-base folder and settings (`finetune sandbox --kb`). */
  knowledgeBase?: KbSettings;
}

/** The emulated provider the worker trains on, as a person reaches it from another terminal. */
export interface SandboxProvider {
  url: string;
  /** Its key: the emulator's, not a secret. */
  key: string;
  /** What to export for a `finetune worker` of one's own. */
  env: Record<string, string>;
}

/** Everything the sandbox runs locally: Temporal, the OpenAI emulator, the webhook receiver, a worker. */
export interface SandboxStack {
  server: DevServer;
  client: Client;
  /** The OpenAI emulator (its OpenAI or Azure flavour); null on Together. */
  openai: RunningOpenAIEmulator | null;
  together: RunningTogetherEmulator | null;
  provider: SandboxProvider;
  /** Null when the user's own W&B (WANDB_API_KEY) is used instead of the emulator. */
  wandbEmulator: RunningWandbEmulator | null;
  /** `emulatorKey`: the local W&B emulator's key (not a secret); absent for the user's own W&B. */
  wandb: { baseUrl: string; entity?: string; emulated: boolean; emulatorKey?: string };
  /** Null on Together (it sends no webhooks). */
  receiver: RunningWebhookReceiver | null;
  /** The local receiver of the worker's signed events (docs/events.md). */
  events: RunningEventReceiver;
  worker: Worker;
  /** What a person should know about the kept state (an older sandbox folder), once, at start. */
  notices: string[];
  stop(): Promise<void>;
}

/** The sandbox's memory: one folder, every part of it kept (or none, with --no-persist). */
export function sandboxStatePaths(
  stateDir: string,
  flavor: 'openai' | 'azure' | 'together' | 'openai-compatible',
) {
  return {
    temporalDb: join(stateDir, 'temporal.db'),
    /** The provider emulator's state (one folder per flavour). */
    provider: join(stateDir, flavor),
    wandb: join(stateDir, 'wandb'),
  };
}

/**
 * A folder with workflow histories but without the emulators' state (kept since this version):
 * the pipelines listed from it have no files, jobs or W&B records behind them. Says so, and how
 * to start clean.
 */
export function incompleteStateNotices(
  stateDir: string,
  paths: ReturnType<typeof sandboxStatePaths>,
  emulatedWandb: boolean,
): string[] {
  if (!existsSync(paths.temporalDb)) return [];
  const missing = [
    ...(existsSync(join(paths.provider, 'state.v8')) ? [] : ['their provider files and jobs']),
    ...(emulatedWandb && !existsSync(join(paths.wandb, 'state.v8'))
      ? ['their W&B runs and model versions']
      : []),
  ];
  if (missing.length === 0) return [];
  return [
    `${paths.temporalDb} holds pipelines from an earlier sandbox whose emulator state was not kept ` +
      `(an older version, or removed): ${missing.join(' and ')} are gone, so \`finetune lineage\` ` +
      `and \`resolve\` cannot find them. Remove ${stateDir} to start clean.`,
  ];
}

/** The sandbox's stack, built by the one local-stack builder. */
export async function startSandboxStack(opts: SandboxStackOptions): Promise<SandboxStack> {
  const stateDir = opts.stateDir ?? join(projectRoot(), '.sandbox');
  mkdirSync(stateDir, { recursive: true });
  const paths = sandboxStatePaths(
    stateDir,
    opts.together ? 'together' : (opts.emulator.flavor ?? 'openai'),
  );
  const userWandb = userWandbFromEnv();
  const notices = opts.persist ? incompleteStateNotices(stateDir, paths, !userWandb) : [];
  // The SDK's own logs as one-liners, without the failure the sandbox reports itself (before the
  // stack: the builder then keeps this Runtime).
  installSandboxSdkLogs();
  // The worker's events go to a receiver here, which verifies them as any receiver would.
  const secret = newSigningSecret();
  const events = await startEventReceiver({ secret, onEvent: opts.onEvent });
  const stack = await buildLocalStack({
    temporal: {
      start: { ui: opts.ui, dbFile: opts.persist ? paths.temporalDb : undefined },
    },
    ...(opts.together
      ? {
          together: {
            apiKey: SANDBOX_TOGETHER_KEY,
            timeScale: 200,
            ...(opts.together.failTraining ? { failTraining: () => true } : {}),
            ...(opts.persist ? { stateDir: paths.provider } : {}),
          },
        }
      : {
          // A fresh signing secret per sandbox: the receiver verifies what the emulator signs.
          webhooks: {
            host: '127.0.0.1',
            port: 0,
            delivery: { dropRate: opts.dropWebhooks ? 1 : 0 },
          },
          openai: {
            ...opts.emulator,
            apiKey: SANDBOX_OPENAI_KEY,
            ...(opts.persist ? { stateDir: paths.provider } : {}),
          },
        }),
    // Real W&B when the user has a key, else the local emulator.
    wandb: userWandb ?? {
      emulator: {
        apiKeys: [SANDBOX_WANDB_KEY],
        defaultEntity: 'sandbox',
        ...(opts.persist ? { stateDir: paths.wandb } : {}),
      },
    },
    worker: {
      taskQueue: SANDBOX_TASK_QUEUE,
      ...(opts.approvalPolicy ? { approvalPolicy: opts.approvalPolicy } : {}),
      // Nothing long runs at the end (the pipeline is done or waiting): stop in seconds.
      shutdownGraceTime: '2s',
      ...(opts.knowledgeBase ? { knowledgeBase: opts.knowledgeBase } : {}),
      events: parseEventsConfig(
        { endpoints: [{ name: 'sandbox', url: events.url, secret }] },
        'the sandbox',
      ),
    },
  }).catch(async (err: unknown) => {
    await events.close();
    throw err;
  });
  const { wandb, worker } = stack;
  const emulated = wandb!.emulator !== null;
  return {
    server: stack.server!,
    client: stack.client,
    openai: stack.openai,
    together: stack.together,
    provider: stack.together
      ? {
          url: stack.together.baseURL,
          key: SANDBOX_TOGETHER_KEY,
          env: {
            FINETUNE_PROVIDER: 'together',
            TOGETHER_BASE_URL: stack.together.baseURL,
            TOGETHER_API_KEY: SANDBOX_TOGETHER_KEY,
            TOGETHER_PROJECT_ID: stack.together.identity.projectId,
          },
        }
      : {
          url: stack.openai!.baseURL,
          key: SANDBOX_OPENAI_KEY,
          env: { OPENAI_BASE_URL: stack.openai!.baseURL, OPENAI_API_KEY: SANDBOX_OPENAI_KEY },
        },
    wandbEmulator: wandb!.emulator,
    wandb: emulated
      ? { baseUrl: wandb!.baseUrl, emulated, emulatorKey: SANDBOX_WANDB_KEY }
      : { baseUrl: wandb!.baseUrl, entity: wandb!.entity, emulated },
    receiver: stack.receiver,
    events,
    worker: worker!.current!,
    notices,
    stop: async () => {
      await stack.stop().catch(() => undefined);
      await events.close().catch(() => undefined);
    },
  };
}

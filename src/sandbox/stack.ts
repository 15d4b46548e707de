import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import {
  startOpenAIEmulator,
  type OpenAIEmulatorOptions,
  type RunningOpenAIEmulator,
} from '../emulators/openai/index.js';
import { startWandbEmulator, type RunningWandbEmulator } from '../emulators/wandb/index.js';
import { projectRoot } from '../projectRoot.js';
import { TASK_QUEUE } from '../shared/types.js';
import { startDevServer, type DevServer } from '../temporal/devServer.js';
import { startWebhookReceiver, type RunningWebhookReceiver } from '../webhooks/receiver.js';
import { createFineTuneWorker } from '../worker.js';

/** The emulator's key: not a secret, it opens nothing but the local emulator. */
export const SANDBOX_OPENAI_KEY = 'sk-sandbox-local-emulator';
/**
 * The sandbox worker listens on the default task queue, so `finetune start`, `sync`, `resolve`, …
 * pointed at the sandbox's address (no --task-queue) reach it. Its dev server is its own, so this
 * never meets a worker of another Temporal server.
 */
export const SANDBOX_TASK_QUEUE = TASK_QUEUE;
/** A key of the shape W&B issues; it opens only the local W&B emulator. */
export const SANDBOX_WANDB_KEY = 'local-sandbox0000000000000000000000000000';

export interface SandboxStackOptions {
  /** Serve the Temporal Web UI. */
  ui: boolean;
  /** Keep workflow histories in .sandbox/temporal.db between runs. */
  persist: boolean;
  emulator: Pick<OpenAIEmulatorOptions, 'durations' | 'steps'>;
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

/** The SDK's own logs at warning level only, so the sandbox's progress stays readable. */
function quietSdkLogs(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // A Runtime already exists in this process (e.g. a test installed one): keep it.
  }
}

export async function startSandboxStack(opts: SandboxStackOptions): Promise<SandboxStack> {
  quietSdkLogs();
  const stateDir = join(projectRoot(), '.sandbox');
  mkdirSync(stateDir, { recursive: true });
  const server = await startDevServer({
    ui: opts.ui,
    dbFile: opts.persist ? join(stateDir, 'temporal.db') : undefined,
  });
  const stops: (() => Promise<unknown>)[] = [() => server.stop()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const connection = await Connection.connect({ address: server.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: server.namespace });
    // A fresh signing secret per sandbox: the receiver verifies what the emulator signs.
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const receiver = await startWebhookReceiver({ client, secret, host: '127.0.0.1', port: 0 });
    stops.push(() => receiver.close());
    const openai = await startOpenAIEmulator({
      ...opts.emulator,
      apiKey: SANDBOX_OPENAI_KEY,
      webhook: { url: receiver.url, secret, dropRate: opts.dropWebhooks ? 1 : 0 },
    });
    stops.push(() => openai.close());
    // Real W&B when the user has a key, else the local emulator.
    let wandbEmulator: RunningWandbEmulator | null = null;
    let wandb: SandboxStack['wandb'];
    let wandbKey: string;
    if (process.env.WANDB_API_KEY) {
      wandbKey = process.env.WANDB_API_KEY;
      wandb = {
        baseUrl: process.env.WANDB_BASE_URL || 'https://api.wandb.ai',
        entity: process.env.WANDB_ENTITY || undefined,
        emulated: false,
      };
    } else {
      wandbEmulator = await startWandbEmulator({
        apiKeys: [SANDBOX_WANDB_KEY],
        defaultEntity: 'sandbox',
      });
      stops.push(() => wandbEmulator!.close());
      wandbKey = SANDBOX_WANDB_KEY;
      wandb = { baseUrl: wandbEmulator.url, emulated: true, emulatorKey: SANDBOX_WANDB_KEY };
    }
    const workerConnection = await NativeConnection.connect({ address: server.address });
    stops.push(() => workerConnection.close());
    const worker = await createFineTuneWorker({
      connection: workerConnection,
      namespace: server.namespace,
      taskQueue: SANDBOX_TASK_QUEUE,
      openai: { apiKey: SANDBOX_OPENAI_KEY, baseURL: `${openai.url}/v1` },
      wandb: { apiKey: wandbKey, baseUrl: wandb.baseUrl, entity: wandb.entity },
      // Nothing long runs at the end (the pipeline is done or waiting): stop in seconds.
      shutdownGraceTime: '2s',
    });
    const running = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    return { server, client, openai, wandbEmulator, wandb, receiver, worker, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

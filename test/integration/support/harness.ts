import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import {
  startOpenAIEmulator,
  type OpenAIEmulatorOptions,
  type RunningOpenAIEmulator,
} from '../../../src/emulators/openai/index.js';
import {
  startWandbEmulator,
  type RunningWandbEmulator,
  type WandbEmulatorOptions,
} from '../../../src/emulators/wandb/index.js';
import {
  startWebhookReceiver,
  type RunningWebhookReceiver,
} from '../../../src/webhooks/receiver.js';
import { createFineTuneWorker } from '../../../src/worker.js';

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

let runtimeQuiet = false;
function quietRuntime(): void {
  // One Runtime per process; keep the SDK's own logging to warnings in tests.
  if (runtimeQuiet) return;
  runtimeQuiet = true;
  try {
    Runtime.install({
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
  } catch {
    // already installed by another harness in this process
  }
}

/**
 * A test's world: a Temporal client on the shared dev server, an OpenAI emulator and a webhook
 * receiver of its own, and a worker on a task queue no other test uses.
 */
export async function startHarness(
  emulator: OpenAIEmulatorOptions = {},
  wandbOptions: WandbEmulatorOptions | false = {},
): Promise<Harness> {
  quietRuntime();
  const temporalAddress = inject('temporalAddress');
  const bundlePath = inject('workflowBundlePath');
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const receiver = await startWebhookReceiver({ client, secret: webhookSecret, port: 0 });
  const openai = await startOpenAIEmulator({
    durations: { validatingMs: 300, queuedMs: 300, runningMs: 2500 },
    steps: 10,
    apiKey: TEST_OPENAI_KEY,
    webhook: { url: receiver.url, secret: webhookSecret },
    ...emulator,
  });
  const wandb =
    wandbOptions === false
      ? null
      : await startWandbEmulator({
          apiKeys: [TEST_WANDB_KEY],
          defaultEntity: TEST_WANDB_ENTITY,
          ...wandbOptions,
        });
  const taskQueue = `it-${randomUUID()}`;
  let worker: { worker: Worker; running: Promise<void>; connection: NativeConnection } | undefined;

  const stopWorker = async () => {
    if (!worker) return;
    const w = worker;
    worker = undefined;
    if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
    await w.running.catch(() => undefined);
    await w.connection.close();
  };
  return {
    client,
    openai,
    wandb,
    receiver,
    webhookSecret,
    taskQueue,
    temporalAddress,
    bundlePath,
    async startWorker() {
      const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
      const created = await createFineTuneWorker({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue,
        openai: { apiKey: TEST_OPENAI_KEY, baseURL: `${openai.url}/v1` },
        wandb: wandb ? { apiKey: TEST_WANDB_KEY, baseUrl: wandb.url } : undefined,
        workflowBundle: { codePath: bundlePath },
        shutdownGraceTime: '1s',
      });
      worker = { worker: created, running: created.run(), connection: nativeConnection };
      return created;
    },
    stopWorker,
    async close() {
      await stopWorker();
      await receiver.close();
      await openai.close();
      await wandb?.close();
      await connection.close();
    },
  };
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

import type { EventsConfig } from '../events/config.js';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import {
  startOpenAIEmulator,
  type OpenAIEmulatorOptions,
  type RunningOpenAIEmulator,
  type WebhookTarget,
} from '../emulators/openai/index.js';
import {
  startTogetherEmulator,
  type RunningTogetherEmulator,
  type TogetherEmulatorOptions,
} from '../emulators/together/index.js';
import {
  startWandbEmulator,
  type RunningWandbEmulator,
  type WandbEmulatorOptions,
} from '../emulators/wandb/index.js';
import type { FineTuneProvider } from '../providers/types.js';
import type { KbSettings } from '../activities/knowledgeBase/index.js';
import { emulatedAzureProvider, LOCAL_ARM_TOKEN } from './azureEmulated.js';
import { emulatedCompatibleProvider } from './compatibleEmulated.js';
import { emulatedTogetherProvider, LOCAL_TOGETHER_KEY } from './togetherEmulated.js';
import { startDevServer, type DevServer, type DevServerOptions } from '../temporal/devServer.js';
import { startWebhookReceiver, type RunningWebhookReceiver } from '../webhooks/receiver.js';
import { createFineTuneWorker } from '../worker.js';

/**
 * The one way to run the pipeline's world on this machine, for the sandbox, the integration
 * harness, the history capture script and the benchmarks: a Temporal dev server (or a given
 * one), the OpenAI emulator, a webhook receiver wired to it, the W&B emulator (or the user's W&B)
 * and a worker. Each part is started only when asked for; `stop()` stops them in reverse order.
 */

/** Start a dev server of the stack's own, or use a server that is already running. */
export type LocalTemporal = { start: DevServerOptions } | { address: string; namespace?: string };

/** The local W&B emulator (the worker uses `apiKeys[0]`), or a real W&B server and key. */
export type LocalWandb =
  | { emulator: WandbEmulatorOptions }
  | { user: { apiKey: string; baseUrl: string; entity?: string } };

export interface LocalWebhookOptions {
  /** The signing secret the emulator signs with and the receiver verifies; random when omitted. */
  secret?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** How the emulator delivers (drop and duplicate rates, retries) to the receiver. */
  delivery?: Omit<WebhookTarget, 'url' | 'secret'>;
}

export interface LocalWorkerOptions {
  taskQueue: string;
  /** Run the worker as soon as the stack is up (default); false: `stack.worker.start()` does. */
  autoStart?: boolean;
  /** A prebuilt workflow bundle (tests share one); the workflows are bundled at start when omitted. */
  workflowBundle?: { codePath: string };
  shutdownGraceTime?: string;
  /** The OpenAI settings; default: the emulator's key and base URL (`baseURL`, per flavour). */
  openai?: { apiKey: string; baseURL?: string };
  /** The worker's provider request rate (FINETUNE_PROVIDER_MAX_RPS; default 50), for OpenAI. */
  maxProviderRps?: number;
  /** Any provider instead (it wins over `openai`): e.g. Azure, for the emulator's azure flavour. */
  provider?: FineTuneProvider;
  /** The knowledge base's folder and default store (default ~/.finetune/kb). */
  knowledgeBase?: KbSettings;
  /** The approvers policy file (FINETUNE_APPROVAL_POLICY); none: decisions are names as typed. */
  approvalPolicy?: string;
  /** Where the worker sends its events (docs/events.md); none when omitted. */
  events?: EventsConfig;
}

export interface LocalStackOptions {
  temporal: LocalTemporal;
  /**
   * The Temporal SDK's own logs in this process: `warn` and above, or `silent`. Omitted: the
   * Runtime is left as it is. One Runtime per process: if one exists already, it is kept.
   */
  sdkLogs?: 'warn' | 'silent';
  /**
   * Start the OpenAI emulator with these options (passed through: flavor, durations, faults, …).
   * With `webhooks` too, its webhook target is the receiver unless these options name one.
   */
  openai?: OpenAIEmulatorOptions;
  /**
   * Start the Together emulator with these options (its own server: Together has no webhooks).
   * Without the OpenAI emulator, the worker trains on it (the Together provider pointed there).
   */
  together?: TogetherEmulatorOptions;
  /** Start a webhook receiver that signals this stack's Temporal. */
  webhooks?: LocalWebhookOptions;
  wandb?: LocalWandb;
  worker?: LocalWorkerOptions;
}

/** The worker of a stack: at most one at a time, on the stack's task queue. */
export interface LocalWorker {
  taskQueue: string;
  /** Creates and runs a worker (stopping a running one first); resolves once it is created. */
  start(): Promise<Worker>;
  /** Shuts the running worker down (if any) and closes its connection. */
  stop(): Promise<void>;
  /** The running worker, if any. */
  readonly current: Worker | undefined;
}

export interface LocalWandbHandle {
  baseUrl: string;
  entity?: string;
  /** The key the worker uses (the emulator's, which is no secret, or the user's). */
  apiKey: string;
  /** Null for the user's own W&B. */
  emulator: RunningWandbEmulator | null;
}

export interface LocalStack {
  /** The dev server this stack started; null when it connected to a given address. */
  server: DevServer | null;
  temporal: { address: string; namespace: string };
  client: Client;
  /** The parts below are null when not asked for. */
  openai: RunningOpenAIEmulator | null;
  together: RunningTogetherEmulator | null;
  receiver: RunningWebhookReceiver | null;
  webhookSecret: string | null;
  wandb: LocalWandbHandle | null;
  worker: LocalWorker | null;
  /** Stops everything in reverse order of starting; every part is stopped even if one fails. */
  stop(): Promise<void>;
}

const SILENT = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function installSdkLogs(level: 'warn' | 'silent'): void {
  try {
    Runtime.install({ logger: level === 'warn' ? new DefaultLogger('WARN') : SILENT });
  } catch {
    // A Runtime already exists in this process (a test or an earlier stack installed one): keep it.
  }
}

/** The user's W&B when WANDB_API_KEY is set (as the sandbox offers), else undefined. */
export function userWandbFromEnv(env: NodeJS.ProcessEnv = process.env): LocalWandb | undefined {
  if (!env.WANDB_API_KEY) return undefined;
  return {
    user: {
      apiKey: env.WANDB_API_KEY,
      baseUrl: env.WANDB_BASE_URL || 'https://api.wandb.ai',
      entity: env.WANDB_ENTITY || undefined,
    },
  };
}

/** A fresh `whsec_…` signing secret. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

type Stop = () => Promise<unknown>;

async function stopInReverse(stops: Stop[]): Promise<void> {
  const errors: unknown[] = [];
  for (const stop of [...stops].reverse()) {
    try {
      await stop();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'stopping the local stack failed');
}

export async function buildLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  if (options.sdkLogs) installSdkLogs(options.sdkLogs);
  const stops: Stop[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopInReverse(stops));
  try {
    let server: DevServer | null = null;
    let temporal: LocalStack['temporal'];
    if ('start' in options.temporal) {
      const started = await startDevServer(options.temporal.start);
      server = started;
      stops.push(() => started.stop());
      temporal = { address: started.address, namespace: started.namespace };
    } else {
      temporal = {
        address: options.temporal.address,
        namespace: options.temporal.namespace ?? 'default',
      };
    }
    const connection = await Connection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: temporal.namespace });

    let receiver: RunningWebhookReceiver | null = null;
    let webhookSecret: string | null = null;
    if (options.webhooks) {
      const secret = options.webhooks.secret ?? newWebhookSecret();
      const started = await startWebhookReceiver({
        client,
        secret,
        host: options.webhooks.host ?? '127.0.0.1',
        port: options.webhooks.port ?? 0,
      });
      stops.push(() => started.close());
      receiver = started;
      webhookSecret = secret;
    }

    let openai: RunningOpenAIEmulator | null = null;
    if (options.openai) {
      const wired: WebhookTarget | undefined =
        receiver && webhookSecret
          ? { url: receiver.url, secret: webhookSecret, ...options.webhooks?.delivery }
          : undefined;
      const started = await startOpenAIEmulator({
        ...options.openai,
        // The caller's own webhook setting (even `undefined`) wins over the receiver.
        webhook: 'webhook' in options.openai ? options.openai.webhook : wired,
      });
      stops.push(() => started.close());
      openai = started;
    }

    let together: RunningTogetherEmulator | null = null;
    if (options.together) {
      const started = await startTogetherEmulator(options.together);
      stops.push(() => started.close());
      together = started;
    }

    let wandb: LocalWandbHandle | null = null;
    if (options.wandb && 'emulator' in options.wandb) {
      const emulatorOptions = options.wandb.emulator;
      const apiKey = emulatorOptions.apiKeys?.[0] ?? `local-${randomBytes(20).toString('hex')}`;
      const emulator = await startWandbEmulator({
        ...emulatorOptions,
        apiKeys: emulatorOptions.apiKeys ?? [apiKey],
      });
      stops.push(() => emulator.close());
      wandb = { baseUrl: emulator.url, apiKey, emulator };
    } else if (options.wandb) {
      wandb = { ...options.wandb.user, emulator: null };
    }

    let worker: LocalWorker | null = null;
    if (options.worker) {
      const emulatorKey = options.openai?.apiKey ?? 'sk-local-emulator';
      const openaiSettings =
        options.worker.openai ??
        (openai ? { apiKey: emulatorKey, baseURL: openai.baseURL } : undefined);
      // The emulator as Azure: the worker gets the Azure provider pointed at it (one provider per worker).
      const provider =
        options.worker.provider ??
        (openai?.flavor === 'azure'
          ? await emulatedAzureProvider(openai, {
              apiKey: emulatorKey,
              armToken: options.openai?.azure?.armToken ?? LOCAL_ARM_TOKEN,
            })
          : openai?.flavor === 'openai-compatible'
            ? emulatedCompatibleProvider(openai, { apiKey: emulatorKey })
            : !openai && together
              ? emulatedTogetherProvider(together, {
                  apiKey: options.together?.apiKey ?? LOCAL_TOGETHER_KEY,
                })
              : undefined);
      worker = localWorker({ ...options.worker, provider }, temporal, openaiSettings, wandb);
      stops.push(() => worker!.stop());
      if (options.worker.autoStart !== false) await worker.start();
    }
    return {
      server,
      temporal,
      client,
      openai,
      together,
      receiver,
      webhookSecret,
      wandb,
      worker,
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

function localWorker(
  opts: LocalWorkerOptions,
  temporal: LocalStack['temporal'],
  openaiSettings: { apiKey: string; baseURL?: string } | undefined,
  wandb: LocalWandbHandle | null,
): LocalWorker {
  let running: { worker: Worker; run: Promise<void>; connection: NativeConnection } | undefined;
  const stop = async () => {
    if (!running) return;
    const r = running;
    running = undefined;
    if (r.worker.getState() === 'RUNNING') r.worker.shutdown();
    await r.run.catch(() => undefined);
    await r.connection.close();
  };
  return {
    taskQueue: opts.taskQueue,
    get current() {
      return running?.worker;
    },
    stop,
    async start() {
      await stop();
      const connection = await NativeConnection.connect({ address: temporal.address });
      try {
        const worker = await createFineTuneWorker({
          connection,
          namespace: temporal.namespace,
          taskQueue: opts.taskQueue,
          openai: openaiSettings && { ...openaiSettings, maxRps: opts.maxProviderRps },
          provider: opts.provider,
          wandb: wandb
            ? { apiKey: wandb.apiKey, baseUrl: wandb.baseUrl, entity: wandb.entity }
            : undefined,
          workflowBundle: opts.workflowBundle,
          shutdownGraceTime: opts.shutdownGraceTime,
          knowledgeBase: opts.knowledgeBase,
          approvalPolicy: opts.approvalPolicy,
          events: opts.events,
        });
        running = { worker, run: worker.run(), connection };
        return worker;
      } catch (err) {
        await connection.close();
        throw err;
      }
    },
  };
}

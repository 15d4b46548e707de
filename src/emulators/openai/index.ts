import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SnapshotError, SnapshotFile } from '../snapshotFile.js';
import { BlobStore } from './blobStore.js';
import { ChatKnowledge, type Lessons } from './chatKnowledge.js';
import type { EmulatorContext, LiveSettings } from './context.js';
import { FaultInjector, type InjectedFault } from './faults.js';
import { EmbeddingLog, type EmbeddingHold, type EmbeddingRequestRecord } from './embeddingLog.js';
import { findFile } from './fileRecords.js';
import { azureFlavor } from './azure/flavor.js';
import { compatibleFlavor } from './compatible/flavor.js';
import type {
  AzureJobInfo,
  CustomModelInfo,
  DeploymentInfo,
  Flavor,
  FlavorName,
  FlavorSnapshot,
  WebhookEndpointInfo,
} from './flavor.js';
import { JobLifecycle } from './jobLifecycle.js';
import { openaiFlavor } from './openaiFlavor.js';
import {
  resolveDurations,
  type FaultOptions,
  type OpenAIEmulatorOptions,
  type WebhookTarget,
} from './options.js';
import { createRandom } from './random.js';
import type { FileRecord, JobRecord, UploadRecord } from './records.js';
import { buildServer } from './server.js';
import { EmulatorStats, type EmulatorStatsSnapshot } from './stats.js';
import { Timers } from './timers.js';
import { WebhookSender } from './webhookSender.js';

export type { FaultOptions, OpenAIEmulatorOptions, WebhookTarget } from './options.js';
export type { AzureDeploymentOptions, AzureOptions } from './azure/options.js';
export type { AzureCatalogModel } from './azure/catalog.js';
export { DEFAULT_CATALOG as AZURE_DEFAULT_MODEL_CATALOG } from './azure/catalog.js';
export type {
  AzureJobInfo,
  CustomModelInfo,
  DeploymentInfo,
  FlavorName,
  WebhookEndpointInfo,
} from './flavor.js';
export type { EmulatorStatsSnapshot, WebhookStats } from './stats.js';
export type { InjectedFault } from './faults.js';
export type { EmbeddingHold, EmbeddingRequestRecord } from './embeddingLog.js';
export { signWebhook } from './webhookSignature.js';

export interface RunningOpenAIEmulator {
  /** e.g. http://127.0.0.1:PORT (clients use `baseURL`). */
  url: string;
  flavor: FlavorName;
  /** Where the openai client points: `${url}/v1`, or `${url}/openai/v1` for Azure. */
  baseURL: string;
  /** Stops the server, every job timer and every webhook retry; removes stored files. */
  close(): Promise<void>;
  /** Applies to events that happen from now on. */
  setWebhook(target: WebhookTarget | undefined): void;
  setFaults(faults: FaultOptions | undefined): void;
  /** The faults injected so far (latest 1000), oldest first. */
  injectedFaults(): InjectedFault[];
  setTrainingNotAvailable(on: boolean): void;
  stats(): EmulatorStatsSnapshot;
  /**
   * Holds the `nth` embeddings request from now (1 = the next): it is counted and embedded, then
   * left unanswered until `release()` or close, so a test can kill a worker with that batch in
   * flight.
   */
  holdEmbeddings(nth: number): EmbeddingHold;
  /** Every embeddings request so far, oldest first, with its inputs' digests. */
  embeddingRequests(): EmbeddingRequestRecord[];
  /** Real-clock milliseconds, for latency measurements. */
  jobTimeline(
    jobId: string,
  ): { createdAtMs: number; terminalAtMs?: number; status: string } | undefined;
  /** Azure: what job creation recorded that the job view does not show (`trainingType`). */
  azureJob(jobId: string): AzureJobInfo | undefined;
  /** Azure: the ARM deployments as they are now (empty for OpenAI). */
  deployments(): DeploymentInfo[];
  /** Azure: endpoints registered through `…/dashboard/webhook_endpoints`, with their secrets. */
  webhookEndpoints(): WebhookEndpointInfo[];
  /** OpenAI-compatible hosts: the models made servable through `/v0/models` (empty otherwise). */
  customModels(): CustomModelInfo[];
}

/** What `stateDir` keeps between runs (src/emulators/snapshotFile.ts). */
interface OpenAIEmulatorSnapshot {
  flavor: FlavorName;
  organizationId: string;
  seq: number;
  files: Map<string, FileRecord>;
  uploads: Map<string, UploadRecord>;
  jobs: Map<string, JobRecord>;
  lessons: Map<string, Lessons>;
  flavorState: FlavorSnapshot;
}
const SNAPSHOT = 'state.v8';
const SNAPSHOT_KIND = 'openai-emulator';

function readSnapshot(stateDir: string, flavor: FlavorName): OpenAIEmulatorSnapshot | undefined {
  const path = join(stateDir, SNAPSHOT);
  const saved = SnapshotFile.read<OpenAIEmulatorSnapshot>(path, SNAPSHOT_KIND);
  if (saved && saved.flavor !== flavor) {
    throw new SnapshotError(
      `${path} holds the ${saved.flavor} flavour's state, not ${flavor}'s: give each flavour a folder of its own`,
    );
  }
  return saved;
}

function createFlavor(options: OpenAIEmulatorOptions): Flavor {
  const flavor = options.flavor ?? 'openai';
  if (flavor === 'azure') return azureFlavor(options.apiKey, options.azure);
  if (flavor === 'openai-compatible') return compatibleFlavor(options.apiKey, options.compatible);
  if (flavor !== 'openai') throw new Error(`unknown emulator flavor ${String(flavor)}`);
  return openaiFlavor({
    apiKey: options.apiKey,
    modelShutdownDates: options.modelShutdownDates ?? {},
  });
}

/**
 * Starts a local stand-in for the OpenAI Files, Uploads, fine-tuning and chat completions APIs
 * that the official `openai` client works against unchanged (`baseURL: `${url}/v1``), or, with
 * `flavor: 'azure'`, for Azure OpenAI's v1 data plane (`${url}/openai/v1`) and the ARM calls
 * that deploy models. Jobs run on real, compressed time; webhooks are signed like the real
 * service's; chat answers are deterministic and depend on what a model was trained on. Test and
 * sandbox infrastructure only.
 */
export async function startOpenAIEmulator(
  options: OpenAIEmulatorOptions = {},
): Promise<RunningOpenAIEmulator> {
  const seed = options.seed;
  const flavor = createFlavor(options);
  const ids = flavor.newIds(createRandom(seed));
  const settings: LiveSettings = {
    trainingNotAvailable: options.trainingNotAvailable ?? false,
    faults: options.faults,
    webhook: options.webhook,
  };
  const { stateDir } = options;
  const saved = stateDir ? readSnapshot(stateDir, flavor.name) : undefined;
  let snapshot: SnapshotFile<OpenAIEmulatorSnapshot> | undefined;
  let seq = saved?.seq ?? 0;
  const blobs = await BlobStore.create(stateDir ? join(stateDir, 'files') : undefined);
  const ctx: EmulatorContext = {
    flavor,
    apiKey: options.apiKey,
    durations: resolveDurations(options.durations),
    steps: Math.max(1, Math.floor(options.steps ?? 60)),
    resultsBase64: options.resultsBase64 ?? flavor.name === 'openai',
    failTraining: options.failTraining,
    loseResultsFile: options.loseResultsFile,
    overrunEstimateMs: options.overrunEstimateMs,
    chatDegradation: options.chatDegradation,
    embeddingsOutOfOrder: options.embeddings?.outOfOrder ?? false,
    embeddingLog: new EmbeddingLog(),
    settings,
    organizationId: saved?.organizationId ?? ids.organization(),
    organizationSlug: 'personal',
    ids,
    faultRandom: createRandom(seed === undefined ? undefined : seed + 1),
    webhookRandom: createRandom(seed === undefined ? undefined : seed + 2),
    blobs,
    timers: new Timers(() => snapshot?.changed()),
    stats: new EmulatorStats(),
    files: new Map(saved?.files),
    uploads: new Map(saved?.uploads),
    jobs: new Map(saved?.jobs),
    knowledge: new ChatKnowledge(blobs, (id) => findFile(ctx, id)),
    nextSeq: () => ++seq,
  };
  const webhooks = new WebhookSender({
    targets: (type) => [
      ...(settings.webhook ? [settings.webhook] : []),
      ...flavor.webhookTargets(type),
    ],
    ids,
    random: ctx.webhookRandom,
    timers: ctx.timers,
    stats: ctx.stats.webhooks,
  });
  const lifecycle = new JobLifecycle(ctx, webhooks);
  const faults = new FaultInjector(() => settings.faults, ctx.faultRandom, flavor);
  const app = await buildServer(ctx, lifecycle, faults);
  if (stateDir) {
    if (saved) {
      flavor.state.restore(saved.flavorState);
      ctx.knowledge.restore(saved.lessons);
      // Processing takes a moment; a restart takes longer.
      for (const file of ctx.files.values()) {
        if (file.status === flavor.files.initialStatus) file.status = 'processed';
      }
      for (const job of ctx.jobs.values()) lifecycle.restore(job);
    }
    snapshot = new SnapshotFile(join(stateDir, SNAPSHOT), SNAPSHOT_KIND, () => ({
      flavor: flavor.name,
      organizationId: ctx.organizationId,
      seq,
      files: ctx.files,
      uploads: ctx.uploads,
      jobs: ctx.jobs,
      lessons: ctx.knowledge.snapshot(),
      flavorState: flavor.state.snapshot(),
    }));
    app.addHook('onResponse', (req, _reply, done) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') snapshot?.changed();
      done();
    });
  }
  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  } catch (err) {
    await ctx.blobs.close();
    throw err;
  }
  const { address, port, family } = app.server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;

  let closing: Promise<void> | undefined;
  const url = `http://${host}:${port}`;
  return {
    url,
    flavor: flavor.name,
    baseURL: `${url}${flavor.prefix}`,
    close() {
      closing ??= (async () => {
        ctx.embeddingLog.releaseAll();
        lifecycle.close();
        ctx.timers.closeAll();
        webhooks.close();
        await app.close();
        snapshot?.close();
        await ctx.blobs.close();
      })();
      return closing;
    },
    setWebhook(target) {
      settings.webhook = target;
    },
    setFaults(next) {
      settings.faults = next;
      faults.reset();
    },
    injectedFaults: () => [...faults.log],
    setTrainingNotAvailable(on) {
      settings.trainingNotAvailable = on;
    },
    stats: () => ctx.stats.snapshot(),
    holdEmbeddings: (nth) => ctx.embeddingLog.hold(nth),
    embeddingRequests: () =>
      ctx.embeddingLog.records.map((r) => ({ ...r, digests: [...r.digests] })),
    jobTimeline(jobId) {
      const job = ctx.jobs.get(jobId);
      if (!job) return undefined;
      return { createdAtMs: job.createdAtMs, terminalAtMs: job.terminalAtMs, status: job.status };
    },
    azureJob: (jobId) => flavor.inspect.azureJob(jobId),
    deployments: () => flavor.inspect.deployments(),
    webhookEndpoints: () => flavor.inspect.webhookEndpoints(),
    customModels: () => flavor.inspect.customModels(),
  };
}

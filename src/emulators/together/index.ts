import { randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BlobStore } from '../openai/blobStore.js';
import { ChatKnowledge, type Lessons } from '../openai/chatKnowledge.js';
import { FaultInjector, type InjectedFault } from '../openai/faults.js';
import { createRandom } from '../openai/random.js';
import { Timers } from '../openai/timers.js';
import { SnapshotFile } from '../snapshotFile.js';
import { ServingMeter, type MeterSnapshot, type ServingCharge } from './billing.js';
import { Catalog, DEFAULT_CATALOG } from './catalog.js';
import { EmulatorClock } from './clock.js';
import type { Identity, TogetherContext, TogetherRequestStats } from './context.js';
import { overloaded, rateLimited, serverError } from './errors.js';
import { findFile, validateFile } from './files.js';
import { TogetherIds } from './ids.js';
import { TogetherJobLifecycle } from './jobLifecycle.js';
import {
  resolveDurations,
  type TogetherEmulatorOptions,
  type TogetherFaultOptions,
} from './options.js';
import type {
  DeploymentRecord,
  FileRecord,
  JobRecord,
  JobStatus,
  V1EndpointRecord,
  V2EndpointRecord,
} from './records.js';
import { buildTogetherServer } from './server.js';
import { V1Endpoints } from './serving/v1Endpoints.js';
import { ConfigCatalog, type ConfigEntry } from './serving/v2Configs.js';
import { V2Serving } from './serving/v2Serving.js';

export type { TogetherEmulatorOptions, TogetherFaultOptions } from './options.js';
export type { CatalogModel } from './catalog.js';
export type { ServingCharge } from './billing.js';
export { DEFAULT_CATALOG } from './catalog.js';

export interface RunningTogetherEmulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** What the `together-ai` client takes as `baseURL` (`${url}/v1`; its v2 calls then use it too). */
  baseURL: string;
  /** Who the key belongs to (what `GET /v1/whoami` answers): project id and slug for v2 calls. */
  identity: Identity;
  close(): Promise<void>;
  setFaults(faults: TogetherFaultOptions | undefined): void;
  /** The latest injected faults (429, 5xx, 503, resets, lost answers), oldest first. */
  injectedFaults(): InjectedFault[];
  setSpendingLimitReached(on: boolean): void;
  setCreditLimit(dollars: number): void;
  stats(): TogetherRequestStats;
  /** A job's status and step count, without going through the API. */
  job(jobId: string): { status: JobStatus; stepsDone: number; totalPriceNano: number } | undefined;
  /** What dedicated serving has cost so far, per v1 endpoint and v2 deployment. */
  servingCharges(): ServingCharge[];
}

/** The identity the emulator's key belongs to (fixed, so answers are stable). */
function identityFor(ids: TogetherIds): Identity {
  return {
    apiKeyId: ids.v2('key'),
    organizationId: ids.v2('org'),
    organizationName: 'Emulated Org',
    projectId: ids.v2('proj'),
    projectName: 'Default project',
    projectSlug: 'emulated-org',
    userId: ids.v2('user'),
    ownerAddress: `0x${ids.tag(40)}`,
    namespace: 'emulated-org',
  };
}

/** What `stateDir` keeps between runs (src/emulators/snapshotFile.ts). */
interface TogetherEmulatorSnapshot {
  /** Seeds the ids drawn at start (identity, configs), so they are the same after a restart. */
  bootSeed: number;
  seq: number;
  savedAtMs: number;
  files: Map<string, FileRecord>;
  jobs: Map<string, JobRecord>;
  v1Endpoints: Map<string, V1EndpointRecord>;
  v2Endpoints: Map<string, V2EndpointRecord>;
  deployments: Map<string, DeploymentRecord>;
  lessons: Map<string, Lessons>;
  meter: MeterSnapshot;
  configs: { entries: ConfigEntry[]; baseModelIds: Map<string, string> };
}
const SNAPSHOT = 'state.v8';
const SNAPSHOT_KIND = 'together-emulator';

/**
 * A local Together AI: files (both upload routes), fine-tunes, models and limits, estimates,
 * dedicated endpoints (v1, retired for creation; v2 endpoints and deployments), hardware and
 * chat completions, on a compressed clock, with fault injection. See README.md.
 */
export async function startTogetherEmulator(
  options: TogetherEmulatorOptions = {},
): Promise<RunningTogetherEmulator> {
  const seed = options.seed;
  const { stateDir } = options;
  const saved = stateDir
    ? SnapshotFile.read<TogetherEmulatorSnapshot>(join(stateDir, SNAPSHOT), SNAPSHOT_KIND)
    : undefined;
  let snapshot: SnapshotFile<TogetherEmulatorSnapshot> | undefined;
  const timers = new Timers(() => snapshot?.changed());
  // Ids drawn at start (the key's identity, the configs) come from a seed kept with the state;
  // after a restart, later ids come from a fresh stream so they never repeat a saved one.
  const bootSeed = saved?.bootSeed ?? seed ?? (stateDir ? randomInt(2 ** 31) : undefined);
  const bootIds = new TogetherIds(createRandom(bootSeed));
  const identity = identityFor(bootIds);
  const catalog = new Catalog(options.models ?? DEFAULT_CATALOG);
  const configs = new ConfigCatalog(catalog, bootIds);
  const ids = saved
    ? new TogetherIds(createRandom(seed === undefined ? undefined : seed + saved.seq))
    : bootIds;
  const blobs = await BlobStore.create(stateDir ? join(stateDir, 'files') : undefined);
  const clock = new EmulatorClock(options.timeScale ?? 100, timers);
  let url = '';
  let seq = saved?.seq ?? 0;
  const ctx: TogetherContext = {
    apiKey: options.apiKey,
    clock,
    durations: resolveDurations(options.durations),
    steps: options.steps ?? 60,
    catalog,
    identity,
    settings: {
      faults: options.faults,
      spendingLimitReached: options.spendingLimitReached ?? false,
      creditLimitDollars: options.creditLimitDollars ?? 100,
    },
    dedupeUploadsByChecksum: options.dedupeUploadsByChecksum ?? false,
    failTraining: options.failTraining,
    chatDegradation: options.chatDegradation,
    serving: {
      v1Create: options.serving?.v1Create ?? 'retired',
      legacyV1Endpoints: options.serving?.legacyV1Endpoints ?? [],
      serverlessLoRA: options.serving?.serverlessLoRA ?? false,
      failStart: options.serving?.failStart,
    },
    ids,
    faultRandom: createRandom(seed === undefined ? undefined : seed + 1),
    timers,
    blobs,
    knowledge: new ChatKnowledge(blobs, (id) => findFile(ctx, id)),
    meter: new ServingMeter(clock.scale),
    stats: {
      requests: {},
      chatCompletions: {},
      jobsCreated: 0,
      filesCreated: 0,
      endpointsCreated: 0,
      deploymentsCreated: 0,
    },
    files: new Map(saved?.files),
    jobs: new Map(saved?.jobs),
    v1Endpoints: new Map(saved?.v1Endpoints),
    v2Endpoints: new Map(saved?.v2Endpoints),
    deployments: new Map(saved?.deployments),
    url: () => url,
    nextSeq: () => ++seq,
  };
  const lifecycle = new TogetherJobLifecycle(ctx);
  const v1 = new V1Endpoints(ctx);
  const v2 = new V2Serving(ctx, configs);
  if (saved) {
    // Where the saved state left off: what was under way goes on, what served is billed again.
    configs.restore(saved.configs);
    ctx.knowledge.restore(saved.lessons);
    ctx.meter.restore(saved.meter, saved.savedAtMs);
    for (const file of ctx.files.values()) {
      if (file.processingStatus === 'PENDING' && file.bytes !== null) validateFile(ctx, file);
    }
    for (const job of ctx.jobs.values()) lifecycle.restore(job);
    for (const e of ctx.v1Endpoints.values()) v1.restore(e);
    for (const d of ctx.deployments.values()) v2.restore(d);
  } else {
    for (const legacy of ctx.serving.legacyV1Endpoints) v1.seed(legacy);
  }
  const faults = new FaultInjector(() => ctx.settings.faults, ctx.faultRandom, {
    rateLimited,
    serverError,
  });
  const capacity = new FaultInjector(
    () => {
      const f = ctx.settings.faults;
      return f?.rate503
        ? {
            onlyPaths: f.onlyPaths,
            onlyMethods: f.onlyMethods,
            maxFaults: f.maxFaults,
            rate5xx: f.rate503,
          }
        : undefined;
    },
    createRandom(seed === undefined ? undefined : seed + 2),
    { rateLimited, serverError: overloaded },
  );
  const app = await buildTogetherServer(ctx, { lifecycle, faults, capacity, v1, v2 });
  if (stateDir) {
    snapshot = new SnapshotFile(join(stateDir, SNAPSHOT), SNAPSHOT_KIND, () => ({
      bootSeed: bootSeed!,
      seq,
      savedAtMs: Date.now(),
      files: ctx.files,
      jobs: ctx.jobs,
      v1Endpoints: ctx.v1Endpoints,
      v2Endpoints: ctx.v2Endpoints,
      deployments: ctx.deployments,
      lessons: ctx.knowledge.snapshot(),
      meter: ctx.meter.snapshot(),
      configs: configs.snapshot(),
    }));
    app.addHook('onResponse', (req, _reply, done) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') snapshot?.changed();
      done();
    });
  }
  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  } catch (err) {
    timers.closeAll();
    await blobs.close();
    throw err;
  }
  const { address, port, family } = app.server.address() as AddressInfo;
  url = `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    baseURL: `${url}/v1`,
    identity: { ...ctx.identity },
    close() {
      closing ??= (async () => {
        lifecycle.close();
        v1.close();
        v2.close();
        timers.closeAll();
        await app.close();
        snapshot?.close();
        await blobs.close();
      })();
      return closing;
    },
    setFaults(next) {
      ctx.settings.faults = next;
      faults.reset();
      capacity.reset();
    },
    injectedFaults: () => [...faults.log, ...capacity.log].sort((a, b) => a.atMs - b.atMs),
    setSpendingLimitReached(on) {
      ctx.settings.spendingLimitReached = on;
    },
    setCreditLimit(dollars) {
      ctx.settings.creditLimitDollars = dollars;
    },
    stats: () => structuredClone(ctx.stats),
    job(jobId) {
      const job = ctx.jobs.get(jobId);
      return (
        job && { status: job.status, stepsDone: job.stepsDone, totalPriceNano: job.totalPriceNano }
      );
    },
    servingCharges: () => ctx.meter.charges(),
  };
}

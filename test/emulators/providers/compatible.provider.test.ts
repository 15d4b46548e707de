import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import { createFineTuneJob, type CreateCheckpoint } from '../../../src/activities/training/jobs.js';
import { Pulse } from '../../../src/activities/pulse.js';
import {
  startOpenAIEmulator,
  type OpenAIEmulatorOptions,
  type RunningOpenAIEmulator,
} from '../../../src/emulators/openai/index.js';
import type { OpenAIApiProvider } from '../../../src/providers/openai/index.js';
import { openAICompatibleProvider } from '../../../src/providers/openaiCompatible/index.js';
import { ErrorType } from '../../../src/shared/errorTypes.js';
import type { JobSnapshot } from '../../../src/shared/types.js';
import { eventually } from '../../support/eventually.js';
import { mockActivityEnvironment } from '../../support/sdkLogs.js';

const DATA = join(import.meta.dirname, '..', '..', '..', 'data', 'sample');
const KEY = 'sk-compatible';

let emulator: RunningOpenAIEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function world(options: OpenAIEmulatorOptions = {}): Promise<OpenAIApiProvider> {
  emulator = await startOpenAIEmulator({
    flavor: 'openai-compatible',
    apiKey: KEY,
    durations: { validatingMs: 60, queuedMs: 60, runningMs: 300, fileProcessingMs: 40 },
    steps: 8,
    ...options,
  });
  return openAICompatibleProvider({
    baseURL: emulator.baseURL,
    apiKey: KEY,
    deploy: { pollMs: 50, timeoutMs: 20_000 },
  });
}

async function trainedJob(provider: OpenAIApiProvider): Promise<JobSnapshot> {
  const f = await provider.client.files.create({
    file: createReadStream(join(DATA, 'train.jsonl')),
    purpose: 'fine-tune',
  });
  await provider.client.files.waitForProcessing(f.id, { pollInterval: 30, maxWait: 10_000 });
  const { snap } = await attempt(provider, f.id);
  return eventually('the job to succeed', async () => {
    const s = await provider.jobs.retrieve(snap.jobId, { metrics: false });
    return s.status === 'succeeded' ? s : undefined;
  });
}

/** One create attempt as the activity runs it; `resumed` plays a retry after a lost answer. */
async function attempt(
  provider: OpenAIApiProvider,
  trainingFileId: string,
  resumed?: CreateCheckpoint,
) {
  const env = mockActivityEnvironment(resumed ? { heartbeatDetails: resumed, attempt: 2 } : {});
  let checkpoint: CreateCheckpoint | undefined;
  env.on('heartbeat', (d: CreateCheckpoint) => (checkpoint = d));
  const snap: JobSnapshot = await env.run(() =>
    createFineTuneJob(
      provider,
      {
        workflowId: 'wf-1',
        runId: 'run-1',
        model: 'gpt-4.1-mini-2025-04-14',
        trainingFileId,
        suffix: 'nb',
      },
      new Pulse<CreateCheckpoint>(env.context),
    ),
  );
  return { snap, checkpoint: checkpoint! };
}

describe('the openai-compatible provider against the Nebius-like flavour', () => {
  it('exactly once without metadata: the run key in the suffix finds the job a lost answer made', async () => {
    const provider = await world();
    const f = await provider.client.files.create({
      file: createReadStream(join(DATA, 'train.jsonl')),
      purpose: 'fine-tune',
    });
    await provider.client.files.waitForProcessing(f.id, { pollInterval: 30, maxWait: 10_000 });
    const first = await attempt(provider, f.id);
    const job = await provider.client.fineTuning.jobs.retrieve(first.snap.jobId);
    expect(job.metadata).toBeNull();
    expect((job as { user_provided_suffix?: string }).user_provided_suffix).toMatch(
      /^nb-tf[a-z2-7]{10}$/,
    );
    // Another run's job on the same file and model, made between our lost answer and the retry:
    // it looks like our request (newer, even), yet only the run key says whose a job is.
    await provider.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini-2025-04-14',
      training_file: f.id,
      suffix: 'nb-tfotherrun000',
    });
    const retry = await attempt(provider, f.id, first.checkpoint);
    expect(retry.snap.jobId).toBe(first.snap.jobId);
    expect(emulator!.stats().jobsCreated).toBe(2);
  });

  it('serves a fine-tune through /v0/models: active, answering, idempotent by name, then removed', async () => {
    const provider = await world({ compatible: { customModels: { validatingMs: 200 } } });
    const job = await trainedJob(provider);
    const beats: number[] = [];
    const req = { model: job.fineTunedModel!, purpose: 'production' as const, name: job.jobId };
    const record = await provider.serve(req, () => beats.push(1));
    expect(record.servedAs).toMatch(/-LoRa:/);
    expect(record.deployment).toMatchObject({ name: job.jobId, kind: 'deployment' });
    expect(emulator!.customModels()).toEqual([
      expect.objectContaining({ name: record.servedAs, status: 'active' }),
    ]);
    expect(beats.length).toBeGreaterThan(1);
    const answer = await provider.chat({
      model: record.servedAs,
      messages: [{ role: 'user', content: 'E2?' }],
    });
    expect(answer.content).toBeTruthy();

    // A retry (or a rollback to it) finds the same model instead of making another.
    const again = await provider.serve(req, () => undefined);
    expect(again.servedAs).toBe(record.servedAs);
    expect(emulator!.customModels()).toHaveLength(1);
    expect(await provider.servingStates([record])).toEqual([
      expect.objectContaining({ state: 'running', servedAs: record.servedAs }),
    ]);

    await provider.unserve(record);
    expect(emulator!.customModels()).toEqual([]);
    expect(await provider.servingStates([record])).toEqual([
      expect.objectContaining({ state: 'gone' }),
    ]);
  });

  it('a host that names no model on the job: the last checkpoint names it, and that is served', async () => {
    const provider = await world({
      compatible: { namesFineTunedModel: false, customModels: { validatingMs: 50 } },
    });
    const job = await trainedJob(provider);
    const raw = await provider.client.fineTuning.jobs.retrieve(job.jobId);
    expect(raw.fine_tuned_model).toBeNull();
    const checkpoints = await provider.client.fineTuning.jobs.checkpoints.list(job.jobId);
    const last = [...checkpoints.data].sort((a, b) => b.step_number - a.step_number)[0]!;
    expect(job.fineTunedModel).toBe(`${job.jobId}:${last.id}`);
    expect(provider.modelId.isFineTuned(job.fineTunedModel!)).toBe(true);
    const record = await provider.serve(
      { model: job.fineTunedModel!, purpose: 'production', name: job.jobId },
      () => undefined,
    );
    expect(emulator!.customModels()).toEqual([
      expect.objectContaining({
        name: record.servedAs,
        source: job.fineTunedModel,
        status: 'active',
      }),
    ]);
  });

  it('a model that never becomes active fails serving for good, naming what to do', async () => {
    const provider = await world({
      compatible: { customModels: { validatingMs: 100, failActivation: () => true } },
    });
    const job = await trainedJob(provider);
    const err = await provider
      .serve(
        { model: job.fineTunedModel!, purpose: 'production', name: job.jobId },
        () => undefined,
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe(ErrorType.ServingFailed);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/status error/);
  });

  it('eval models are swept by age; production ones are not', async () => {
    const provider = await world({ compatible: { customModels: { validatingMs: 50 } } });
    const job = await trainedJob(provider);
    const model = job.fineTunedModel!;
    const evalRec = await provider.serve(
      { model, purpose: 'eval', name: `eval-${job.jobId}-candidate` },
      () => undefined,
    );
    const prod = await provider.serve(
      { model, purpose: 'production', name: job.jobId },
      () => undefined,
    );
    expect(evalRec.servedAs).not.toBe(prod.servedAs);
    expect(await provider.sweepEvalServing(60 * 60_000)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await provider.sweepEvalServing(0)).toEqual([evalRec.servedAs]);
    expect(emulator!.customModels().map((m) => m.name)).toEqual([prod.servedAs]);
  });

  it("a refused key names the profile's own setting", async () => {
    const provider = await world();
    const wrong = openAICompatibleProvider({ baseURL: emulator!.baseURL, apiKey: 'sk-wrong' });
    const err = await wrong.files.usable('file-x').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(provider.capabilities.webhooks).toBe(false);
    expect(err?.message).toMatch(/FINETUNE_COMPATIBLE_API_KEY/);
    expect(err?.message).not.toMatch(/OPENAI_API_KEY/);
  });
});

import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import { createFineTuneJob, type CreateCheckpoint } from '../../../src/activities/training/jobs.js';
import { Pulse } from '../../../src/activities/pulse.js';
import type { RunningOpenAIEmulator } from '../../../src/emulators/openai/index.js';
import type { OpenAIApiProvider as FineTuneProvider } from '../../../src/providers/openai/index.js';
import { ErrorType } from '../../../src/shared/errorTypes.js';
import type { JobSnapshot } from '../../../src/shared/types.js';
import { azureWorld } from './support.js';
import { eventually } from '../../support/eventually.js';
import { mockActivityEnvironment } from '../../support/sdkLogs.js';

const DATA = join(import.meta.dirname, '..', '..', '..', 'data', 'sample');
const DAY = 86_400_000;

let emulator: RunningOpenAIEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function upload(provider: FineTuneProvider, name: string): Promise<string> {
  const f = await provider.client.files.create({
    file: createReadStream(join(DATA, name)),
    purpose: 'fine-tune',
  });
  await provider.client.files.waitForProcessing(f.id, { pollInterval: 30, maxWait: 10_000 });
  return f.id;
}

/** One create attempt as the activity runs it; `resumed` plays a retry after a lost answer. */
async function attempt(
  provider: FineTuneProvider,
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
        suffix: 'az',
      },
      new Pulse<CreateCheckpoint>(env.context),
    ),
  );
  return { snap, checkpoint: checkpoint! };
}

describe('the Azure provider against the Azure flavour', () => {
  it('creates a job with trainingType, and a retry after a lost answer finds it by its metadata', async () => {
    const world = await azureWorld();
    emulator = world.emulator;
    const file = await upload(world.provider, 'train.jsonl');
    const first = await attempt(world.provider, file);
    expect(world.emulator.azureJob(first.snap.jobId)?.trainingType).toBe('GlobalStandard');
    // The answer was lost: the retry resumes from the heartbeat and must not create another.
    const retry = await attempt(world.provider, file, first.checkpoint);
    expect(retry.snap.jobId).toBe(first.snap.jobId);
    expect(world.emulator.stats().jobsCreated).toBe(1);
  });

  it("still exactly once when Azure drops the metadata: matched on the request and the first attempt's time", async () => {
    const world = await azureWorld({ azure: { echoMetadata: false } });
    emulator = world.emulator;
    const file = await upload(world.provider, 'train.jsonl');
    const first = await attempt(world.provider, file);
    const retry = await attempt(world.provider, file, first.checkpoint);
    expect(retry.snap.jobId).toBe(first.snap.jobId);
    expect(world.emulator.stats().jobsCreated).toBe(1);
  });

  it('a job of another run on the same file is not mistaken for ours', async () => {
    const world = await azureWorld();
    emulator = world.emulator;
    const file = await upload(world.provider, 'train.jsonl');
    const theirs = await world.provider.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini-2025-04-14',
      training_file: file,
      metadata: { tf_workflow_id: 'other', tf_run_id: 'other-run' },
      ...({ trainingType: 'GlobalStandard' } as object),
    });
    const ours = await attempt(world.provider, file, {
      firstAttemptAt: Math.floor(Date.now() / 1000) - 60,
    });
    expect(ours.snap.jobId).not.toBe(theirs.id);
    expect(world.emulator.stats().jobsCreated).toBe(2);
  });

  it('runway: dates from the models list; a retired base is refused with the date', async () => {
    const world = await azureWorld({
      azure: {
        models: [
          {
            name: 'gpt-4.1-mini',
            version: '2025-04-14',
            lifecycleStatus: 'Deprecating',
            fineTuneRetirement: '2027-04-14',
            inferenceRetirement: '2027-10-14',
            skus: ['GlobalStandard', 'DeveloperTier'],
          },
          {
            name: 'gpt-4o-mini',
            version: '2024-07-18',
            lifecycleStatus: 'Deprecating',
            fineTuneRetirement: '2026-06-01',
            inferenceRetirement: '2027-10-01',
            skus: ['GlobalStandard', 'DeveloperTier'],
          },
        ],
      },
    });
    emulator = world.emulator;
    const now = Date.parse('2026-12-01T00:00:00Z');
    const ok = await world.provider.checkRunway('gpt-4.1-mini-2025-04-14', now);
    expect(ok).toMatchObject({
      ok: true,
      trainableUntil: '2027-04-14',
      servingUntil: '2027-10-14',
    });
    const old = await world.provider.checkRunway('gpt-4o-mini-2024-07-18', now);
    expect(old.ok).toBe(false);
    expect(old.problem).toMatch(/stopped fine-tuning gpt-4o-mini-2024-07-18 on 2026-06-01/);
    const unknown = await world.provider.checkRunway('gpt-9-2030-01-01', now);
    expect(unknown.ok).toBe(false);
    expect(unknown.problem).toMatch(/does not offer gpt-9-2030-01-01/);
    const soon = await world.provider.checkRunway(
      'gpt-4.1-mini-2025-04-14',
      Date.parse('2027-10-01T00:00:00Z'),
    );
    expect(soon.warning).toMatch(/stop serving on 2027-10-14 \(in 13 days\)/);
  });

  it('serving: deploys, waits through Creating and the not-ready window, proves it answers, and removes it', async () => {
    const world = await azureWorld();
    emulator = world.emulator;
    const file = await upload(world.provider, 'train.jsonl');
    const { snap } = await attempt(world.provider, file);
    const job = await eventually(
      'the job to succeed',
      async () => {
        const j = await world.provider.client.fineTuning.jobs.retrieve(snap.jobId);
        return j.status === 'succeeded' && j;
      },
      15_000,
    );
    expect(job.fine_tuned_model).toMatch(/^gpt-4\.1-mini-2025-04-14\.ft-[0-9a-f]{32}-az$/);
    let beats = 0;
    const record = await world.provider.serve(
      { model: job.fine_tuned_model!, purpose: 'eval', name: job.id },
      () => beats++,
    );
    expect(record.servedAs).toBe(job.id);
    expect(record.deployment).toMatchObject({ sku: 'DeveloperTier', name: job.id });
    expect(
      Date.parse(record.deployment!.expiresAt!) - Date.parse(record.deployment!.createdAt),
    ).toBe(DAY);
    // Ready only after the probe: provisioning plus the window where Succeeded still says not ready.
    expect(record.deployment!.readyAfterMs).toBeGreaterThanOrEqual(300);
    expect(beats).toBeGreaterThan(0);
    const answer = await world.provider.client.chat.completions.create({
      model: record.servedAs,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    // Idempotent by name: serving again finds the same deployment.
    const again = await world.provider.serve(
      { model: job.fine_tuned_model!, purpose: 'eval', name: job.id },
      () => undefined,
    );
    expect(again.servedAs).toBe(record.servedAs);
    expect(world.emulator.deployments().filter((d) => d.name === job.id)).toHaveLength(1);
    await world.provider.unserve(record);
    expect(world.emulator.deployments().find((d) => d.name === job.id)).toBeUndefined();
  });

  it('a management-plane token that is refused fails at once and says what the worker needs', async () => {
    const world = await azureWorld({ azure: { armToken: 'the-right-one' } });
    emulator = world.emulator;
    const err = await world.provider
      .serve(
        { model: 'gpt-4.1-mini-2025-04-14', purpose: 'production', name: 'x' },
        () => undefined,
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(ErrorType.AzureManagement);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as Error).message).toMatch(/management\.azure\.com\/\.default/);
  });
});

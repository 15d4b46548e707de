import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { resolve, rollback } from '../../src/client/promotion.js';
import { progressQuery } from '../../src/workflows/definitions.js';
import { AZURE_HARNESS, answerFrom, azureClientFor } from './support/azure.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };

describe('the pipeline on Azure OpenAI (emulated), end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      ...AZURE_HARNESS,
      failTraining: (job) => job.suffix === 'fail-me',
    });
    await h.startWorker();
  });
  afterAll(() => h?.close());

  it('trains with trainingType, deploys at promotion (ready only once the probe answers), resolve gives the deployment, rollback points back at the earlier one', async () => {
    const project = `azure-${randomUUID().slice(0, 8)}`;
    const run = async (suffix: string) => {
      const started = await startFineTunePipeline(
        h.client,
        sampleInput(FAST, {
          suffix,
          wandb: { project },
          promotion: { autoApprove: { by: 'ops' } },
        }),
        { taskQueue: h.taskQueue },
      );
      return started.handle.result();
    };
    const first = await run('az-one');
    expect(first.stage).toBe('promoted');
    expect(first.fineTunedModel).toMatch(/^gpt-4\.1-mini-2025-04-14\.ft-[0-9a-f]{32}-az-one$/);
    expect(h.openai.azureJob(first.jobId)?.trainingType).toBe('GlobalStandard');
    const serving = first.approval!.promotion!.serving!;
    expect(serving.servedAs).toBe(first.jobId);
    expect(serving.deployment).toMatchObject({
      sku: 'GlobalStandard',
      capacity: 100,
      expiresAt: null,
    });
    // Ready means answered: provisioning plus the not-ready window the emulator keeps after Succeeded.
    expect(serving.deployment!.readyAfterMs).toBeGreaterThanOrEqual(400);
    const eval_ = first.approval!.gates.find((g) => g.gate === 'eval')!;
    expect(eval_.verdict).toBe('pass');
    expect(eval_.eval!.models.find((m) => m.role === 'candidate')!.score).toBeGreaterThan(
      eval_.eval!.models.find((m) => m.role === 'base')!.score,
    );
    // The eval ran through a developer-tier deployment, removed afterwards; production's stays.
    const names = h.openai.deployments().map((d) => d.name);
    expect(names).toContain(first.jobId);
    expect(names.some((n) => n.startsWith('eval-'))).toBe(false);

    const where = { project, collection: 'model-metadata' };
    const opts = { taskQueue: h.taskQueue };
    expect((await resolve(h.client, { ...where, alias: 'production' }, opts))?.servedAs).toBe(
      first.jobId,
    );

    const second = await run('az-two');
    expect((await resolve(h.client, { ...where, alias: 'production' }, opts))?.servedAs).toBe(
      second.jobId,
    );
    await rollback(h.client, { ...where, alias: 'production', by: 'ops', reason: 'worse' }, opts);
    const back = await resolve(h.client, { ...where, alias: 'production' }, opts);
    expect(back?.servedAs).toBe(first.jobId);
    // Promotion kept the earlier deployment, so what production points at still answers.
    expect(await answerFrom(h, back!.servedAs!)).toBeTruthy();
  });

  it("a failed job fails the pipeline with the job's error; cancelling cancels the Azure job", async () => {
    const failed = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, { suffix: 'fail-me', promotion: false }),
      {
        taskQueue: h.taskQueue,
      },
    );
    await expect(failed.handle.result()).rejects.toThrow();
    const p = await failed.handle.query(progressQuery).catch(() => undefined);
    expect(p?.stage ?? 'failed').toBe('failed');

    const cancelled = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, { suffix: 'cancel-me', promotion: false }),
      { taskQueue: h.taskQueue },
    );
    const jobId = await eventually(
      'the Azure job',
      async () => (await cancelled.handle.query(progressQuery)).jobId,
    );
    await cancelled.handle.cancel();
    await expect(cancelled.handle.result()).rejects.toThrow();
    await eventually('the job cancelled at Azure', async () => {
      const job = await azureClientFor(h).fineTuning.jobs.retrieve(jobId);
      return job.status === 'cancelled' || undefined;
    });
  });
});

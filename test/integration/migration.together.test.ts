import { randomUUID } from 'node:crypto';
import Together from 'together-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceFrom } from '../../src/client/lineage.js';
import { startMigration } from '../../src/client/migration.js';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { buildLocalStack, type LocalStack } from '../../src/localStack/index.js';
import { startHarness, TEST_WANDB_KEY, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';
import { TEST_TOGETHER_KEY, TOGETHER_BASE } from './support/together.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };

/** OpenAI (the harness) and Together (a second stack) on one Temporal server and one W&B. */
describe('finetune migrate --to together: off OpenAI onto an open-weight base', () => {
  let h: Harness;
  let together: LocalStack;
  const project = `migrate-tg-${randomUUID().slice(0, 8)}`;
  const togetherQueue = `it-together-${randomUUID()}`;

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    together = await buildLocalStack({
      temporal: { address: h.temporalAddress, namespace: 'default' },
      together: { timeScale: 400, apiKey: TEST_TOGETHER_KEY, seed: 9 },
      wandb: { user: { apiKey: TEST_WANDB_KEY, baseUrl: h.wandb!.url } },
      worker: {
        taskQueue: togetherQueue,
        workflowBundle: { codePath: h.bundlePath },
        shutdownGraceTime: '1s',
      },
    });
  });
  afterAll(async () => {
    await together?.stop();
    await h?.close();
  });

  it('records the golden set from the OpenAI model, retrains on the exact dataset versions at Together, gates on agreement, promotes onto an endpoint; lineage reads old → golden → new', async () => {
    const old = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, {
        suffix: 'old',
        wandb: { project },
        promotion: { autoApprove: { by: 'ops' } },
      }),
      { taskQueue: h.taskQueue },
    );
    const before = await old.handle.result();
    expect(before.stage).toBe('promoted');

    const m = await startMigration(h.client, {
      from: 'production',
      project,
      collection: 'model-metadata',
      base: TOGETHER_BASE,
      sourceTaskQueue: h.taskQueue,
      targetTaskQueue: togetherQueue,
      minAgreement: 0.7,
      promotion: { autoApprove: { by: 'migration-bot' } },
      wait: FAST,
    });
    const result = await m.handle.result();
    expect(result.from.model).toBe(before.fineTunedModel);
    expect(result.trainedOn).toEqual(
      before.approval!.promotion!.datasetVersions.map((d) => ({ role: d.role, ref: d.ref })),
    );
    const p = result.pipeline;
    expect(p.stage).toBe('promoted');
    // Trained at Together: one job there, on the open-weight base.
    const api = new Together({
      apiKey: TEST_TOGETHER_KEY,
      baseURL: together.together!.baseURL,
      maxRetries: 0,
    });
    const { data: jobs } = await api.fineTuning.list();
    expect(jobs.map((j) => [j.id, j.model])).toEqual([[p.jobId, TOGETHER_BASE]]);
    const evalGate = p.approval!.gates.find((g) => g.gate === 'eval')!;
    expect(evalGate.verdict).toBe('pass');
    expect(evalGate.eval!.dataset).toBe(result.goldenSet.ref);
    // Production now answers from a dedicated endpoint, with its price per hour recorded.
    const serving = p.approval!.promotion!.serving!;
    expect(serving.deployment).toMatchObject({ kind: 'dedicated-endpoint' });
    expect(serving.deployment!.costPerHourUsd).toBeGreaterThan(0);
    expect(p.approval!.promotion!.replaced).toBe(before.approval!.promotion!.modelVersion);

    const lineage = await traceFrom(h.client, p.jobId, {
      project,
      collection: 'model-metadata',
      taskQueue: h.taskQueue,
    });
    expect(lineage.wandb?.migratedFrom).toMatchObject({
      model: before.fineTunedModel,
      goldenSet: result.goldenSet.ref,
    });
  }, 300_000);
});

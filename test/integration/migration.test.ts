import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceFrom } from '../../src/client/lineage.js';
import { startMigration } from '../../src/client/migration.js';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { buildLocalStack, type LocalStack } from '../../src/localStack/index.js';
import type { MigrateInput } from '../../src/shared/migrationTypes.js';
import { AZURE_HARNESS } from './support/azure.js';
import {
  startHarness,
  TEST_WANDB_ENTITY,
  TEST_WANDB_KEY,
  type Harness,
} from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };

/** OpenAI (the harness) and Azure (a second stack) on one Temporal server and one W&B. */
describe('finetune migrate: OpenAI → Azure before the model stops serving', () => {
  let h: Harness;
  let azure: LocalStack;
  /** Makes every answer of the new model's eval deployment wrong (the degraded case). */
  let degrade = false;
  const project = `migrate-${randomUUID().slice(0, 8)}`;
  /** The OpenAI model's version (`model-metadata:vN`), set by the first test. */
  let oldVersion = '';
  const azureQueue = `it-azure-${randomUUID()}`;

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    azure = await buildLocalStack({
      temporal: { address: h.temporalAddress, namespace: 'default' },
      webhooks: {},
      openai: {
        ...AZURE_HARNESS,
        chatDegradation: (model) => (degrade && model.startsWith('eval-') ? 1 : 0),
      },
      wandb: { user: { apiKey: TEST_WANDB_KEY, baseUrl: h.wandb!.url } },
      worker: {
        taskQueue: azureQueue,
        workflowBundle: { codePath: h.bundlePath },
        shutdownGraceTime: '1s',
      },
    });
  });
  afterAll(async () => {
    await azure?.stop();
    await h?.close();
  });

  const migrate = (input: Partial<MigrateInput> = {}) =>
    startMigration(h.client, {
      from: 'production',
      project,
      collection: 'model-metadata',
      sourceTaskQueue: h.taskQueue,
      targetTaskQueue: azureQueue,
      minAgreement: 0.7,
      promotion: { autoApprove: { by: 'migration-bot' } },
      wait: FAST,
      ...input,
    });

  it('records a golden set, retrains on the exact dataset version, passes the agreement gate and promotes; lineage links old → golden → new', async () => {
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
    oldVersion = before.approval!.promotion!.modelVersion!.split('/').pop()!;

    const m = await migrate();
    const result = await m.handle.result();
    expect(result.from.model).toBe(before.fineTunedModel);
    expect(result.goldenSet.examples).toBe(6);
    expect(result.goldenSet.ref).toMatch(new RegExp(`/golden-${before.jobId}:v0$`));
    // The exact versions the old model was trained on.
    expect(result.trainedOn).toEqual(
      before.approval!.promotion!.datasetVersions.map((d) => ({ role: d.role, ref: d.ref })),
    );
    const golden = h.wandb!.state.artifactVersions(
      TEST_WANDB_ENTITY,
      project,
      `golden-${before.jobId}`,
    );
    expect(golden[0]?.metadata).toMatchObject({ sourceModel: before.fineTunedModel, examples: 6 });

    const p = result.pipeline;
    expect(p.stage).toBe('promoted');
    expect(p.fineTunedModel).toMatch(/^gpt-4\.1-mini-2025-04-14\.ft-[0-9a-f]{32}/);
    const evalGate = p.approval!.gates.find((g) => g.gate === 'eval')!;
    expect(evalGate.verdict).toBe('pass');
    expect(evalGate.eval!.dataset).toBe(result.goldenSet.ref);
    const agreement = evalGate.eval!.models.find((x) => x.role === 'candidate')!.score;
    expect(agreement).toBeGreaterThanOrEqual(0.7);
    expect(p.approval!.gates.find((g) => g.gate === 'drift')!.verdict).toBe('pass');
    // Production now serves the Azure model, through its deployment.
    expect(p.approval!.promotion!.replaced).toBe(before.approval!.promotion!.modelVersion);
    expect(p.approval!.promotion!.serving?.servedAs).toBe(p.jobId);

    const lineage = await traceFrom(h.client, p.jobId, {
      project,
      collection: 'model-metadata',
      taskQueue: h.taskQueue,
    });
    expect(lineage.wandb?.migratedFrom).toMatchObject({
      model: before.fineTunedModel,
      modelVersion: before.approval!.promotion!.modelVersion,
      goldenSet: result.goldenSet.ref,
    });
  }, 240_000);

  it('blocks a degraded model: agreement with the golden set below the threshold, nothing promoted', async () => {
    degrade = true;
    try {
      // Production is the Azure model now; move the OpenAI one again, by its version.
      const m = await migrate({ from: oldVersion, suffix: 'degraded' });
      const result = await m.handle.result();
      const p = result.pipeline;
      expect(p.stage).toBe('rejected');
      expect(p.approval!.decision).toMatchObject({ by: 'gates', how: 'gate' });
      const evalGate = p.approval!.gates.find((g) => g.gate === 'eval')!;
      expect(evalGate.verdict).toBe('block');
      expect(evalGate.eval!.models.find((x) => x.role === 'candidate')!.score).toBeLessThan(0.7);
      expect(p.approval!.promotion).toBeUndefined();
    } finally {
      degrade = false;
    }
  }, 240_000);
});

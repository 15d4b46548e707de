import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { WandbClient } from '../../src/wandb/index.js';
import {
  startHarness,
  TEST_WANDB_ENTITY,
  TEST_WANDB_KEY,
  type Harness,
} from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };
const ORG = { name: 'acme', orgEntity: 'acme-org' };

describe('promotion links into a registry collection', () => {
  let h: Harness;
  let wandb: WandbClient;
  beforeAll(async () => {
    h = await startHarness({}, { organization: ORG });
    await h.startWorker();
    wandb = new WandbClient({ apiKey: TEST_WANDB_KEY, baseUrl: h.wandb!.url });
  });
  afterAll(() => h?.close());

  const promote = async (registry: { collection: string; kind: 'registry' | 'legacy' }) => {
    const project = `registry-${randomUUID().slice(0, 8)}`;
    const started = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, {
        suffix: registry.kind,
        wandb: { project },
        promotion: { autoApprove: { by: 'release-bot' }, registry },
      }),
      { taskQueue: h.taskQueue },
    );
    return { project, result: await started.handle.result() };
  };

  it("W&B Registry: the organization entity's wandb-registry-model, with the production alias", async () => {
    const { project, result } = await promote({ collection: 'support-bot', kind: 'registry' });
    const link = result.approval!.promotion!.registryLink;
    expect(link).toBe(`${ORG.orgEntity}/wandb-registry-model/support-bot:production`);
    const linked = await wandb.fetchArtifact(link!);
    expect(linked?.aliases).toContain('production');
    const own = await wandb.fetchArtifact(
      `${TEST_WANDB_ENTITY}/${project}/model-metadata:production`,
    );
    expect(linked?.id).toBe(own?.id); // the same version, linked, not copied
  });

  it("legacy model registry: the entity's model-registry project", async () => {
    const { result } = await promote({ collection: 'support-bot', kind: 'legacy' });
    const link = result.approval!.promotion!.registryLink!;
    expect(link).toBe(`${TEST_WANDB_ENTITY}/model-registry/support-bot:production`);
    expect((await wandb.fetchArtifact(link))?.metadata.fine_tuned_model).toBe(
      result.fineTunedModel,
    );
  });
});

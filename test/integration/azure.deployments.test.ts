import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { resolve, rollback } from '../../src/client/promotion.js';
import { AZURE_HARNESS, answerFrom } from './support/azure.js';
import { startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };

describe('Azure deployments across promotions: clean-up and rollback', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(AZURE_HARNESS);
    await h.startWorker();
  });
  afterAll(() => h?.close());

  it('the clean-up removes deployments no alias points to but keeps the rollback target; rolling back to a removed one re-deploys it first', async () => {
    const project = `azdeploy-${randomUUID().slice(0, 8)}`;
    const where = { project, collection: 'model-metadata' };
    const opts = { taskQueue: h.taskQueue };
    const run = async (suffix: string) => {
      const started = await startFineTunePipeline(
        h.client,
        sampleInput(FAST, {
          suffix,
          wandb: { project },
          promotion: {
            autoApprove: { by: 'ops' },
            pruneDeployments: true,
            gates: { eval: 'off', drift: 'off' },
          },
        }),
        { taskQueue: h.taskQueue },
      );
      return started.handle.result();
    };
    const deployed = () => h.openai.deployments().map((d) => d.name);

    const first = await run('dep-one');
    const second = await run('dep-two');
    // Two promotions: the first is the rollback target of the second, so nothing is pruned.
    expect(second.approval!.promotion!.prunedDeployments ?? []).toEqual([]);
    expect(deployed()).toEqual(expect.arrayContaining([first.jobId, second.jobId]));

    const third = await run('dep-three');
    const pruned = third.approval!.promotion!.prunedDeployments!;
    expect(pruned).toEqual([expect.objectContaining({ deployment: first.jobId, removed: true })]);
    expect(pruned[0]!.ref).toMatch(/model-metadata:v0$/);
    expect(deployed()).not.toContain(first.jobId);
    expect(deployed()).toEqual(expect.arrayContaining([second.jobId, third.jobId]));

    // Back to v0, whose deployment the clean-up removed: it is re-created and probed first.
    const back = await rollback(
      h.client,
      { ...where, alias: 'production', to: 'v0', by: 'ops', reason: 'v2 regressed' },
      opts,
    );
    expect(back.model.ref).toMatch(/model-metadata:v0$/);
    expect(back.serving?.servedAs).toBe(first.jobId);
    expect(deployed()).toContain(first.jobId);
    const now = await resolve(h.client, { ...where, alias: 'production' }, opts);
    expect(now?.servedAs).toBe(first.jobId);
    expect(await answerFrom(h, now!.servedAs!)).toBeTruthy();

    // A rollback to a version whose deployment still stands leaves it as it is.
    const forward = await rollback(
      h.client,
      { ...where, alias: 'production', to: 'v2', by: 'ops', reason: 'fixed upstream' },
      opts,
    );
    expect(forward.serving?.servedAs).toBe(third.jobId);
    expect(deployed().filter((n) => n === third.jobId)).toHaveLength(1);
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceFrom } from '../../src/client/lineage.js';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { resolve, rollback } from '../../src/client/promotion.js';
import type { PipelineInput } from '../../src/shared/types.js';
import { startHarness, TEST_WANDB_ENTITY, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };
const DATA = join(import.meta.dirname, '..', '..', 'data', 'sample');

/** The sample training set plus a few lines: other bytes, so another dataset version. */
function otherTrainingFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollback-'));
  const lines = readFileSync(join(DATA, 'train.jsonl'), 'utf8').trim().split('\n');
  const path = join(dir, 'train.jsonl');
  writeFileSync(path, `${[...lines, ...lines.slice(0, 3)].join('\n')}\n`);
  return path;
}

describe('promotion, resolve, rollback and lineage', () => {
  let h: Harness;
  const project = `rollback-${randomUUID().slice(0, 8)}`;
  const where = { project, collection: 'model-metadata' };
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
  });
  afterAll(() => h?.close());

  const promote = async (suffix: string, extra: Partial<PipelineInput> = {}) => {
    const started = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, {
        suffix,
        wandb: { project },
        promotion: { autoApprove: { by: `approver-${suffix}` } },
        ...extra,
      }),
      { taskQueue: h.taskQueue },
    );
    return { workflowId: started.workflowId, result: await started.handle.result() };
  };
  const opts = () => ({ taskQueue: h.taskQueue });
  const aliasesOf = (collection: string) =>
    h
      .wandb!.state.artifactVersions(TEST_WANDB_ENTITY, project, collection)
      .map((v) => ({ v: `v${v.versionIndex}`, aliases: v.aliases }));

  it('resolve before any promotion finds nothing; after, it returns the model id', async () => {
    expect(await resolve(h.client, { ...where, alias: 'production' }, opts())).toBeNull();
    const first = await promote('one');
    const now = await resolve(h.client, { ...where, alias: 'production' }, opts());
    expect(now).toMatchObject({
      fineTunedModel: first.result.fineTunedModel,
      jobId: first.result.jobId,
      promotedBy: 'approver-one',
      replaced: null,
    });
    // Nothing earlier to go back to.
    await expect(
      rollback(h.client, { ...where, alias: 'production', by: 'ops', reason: 'test' }, opts()),
    ).rejects.toThrow(/replaced no earlier version/);
  });

  it('rolls the model and its dataset back by default, and forward again with --to', async () => {
    const before = await resolve(h.client, { ...where, alias: 'production' }, opts());
    const second = await promote('two', { training: { path: otherTrainingFile() } });
    const promoted = second.result.approval!.promotion!;
    expect(promoted.replaced).toBe(before!.ref);
    const trainMove = promoted.datasetVersions.find((d) => d.role === 'training')!;
    expect(trainMove.replaced).not.toBeNull();
    expect(trainMove.replaced).not.toBe(trainMove.ref);

    const back = await rollback(
      h.client,
      { ...where, alias: 'production', by: 'ops', reason: 'bad answers' },
      opts(),
    );
    expect(back.model).toEqual({ ref: before!.ref, replaced: promoted.modelVersion });
    expect(back.datasets.find((d) => d.role === 'training')).toEqual({
      role: 'training',
      ref: trainMove.replaced,
      replaced: trainMove.ref,
      from: trainMove.ref,
    });
    const resolved = await resolve(h.client, { ...where, alias: 'production' }, opts());
    expect(resolved?.fineTunedModel).toBe(before!.fineTunedModel);
    expect(
      aliasesOf('model-metadata').filter((v) => v.aliases.includes('production')),
    ).toHaveLength(1);
    expect(aliasesOf('train').find((v) => v.aliases.includes('production'))?.v).toBe(
      trainMove.replaced!.split(':').pop(),
    );

    // Who and why are on both versions.
    const versions = h.wandb!.state.artifactVersions(TEST_WANDB_ENTITY, project, 'model-metadata');
    const logOf = (ref: string) =>
      (versions.find((v) => ref.endsWith(`:v${v.versionIndex}`))?.metadata?.governanceLog ??
        []) as { kind: string; by: string; reason?: string }[];
    expect(logOf(before!.ref)).toContainEqual(
      expect.objectContaining({ kind: 'rollback_to', by: 'ops', reason: 'bad answers' }),
    );
    expect(logOf(promoted.modelVersion!)).toContainEqual(
      expect.objectContaining({ kind: 'rolled_back', by: 'ops', reason: 'bad answers' }),
    );

    const version = promoted.modelVersion!.split(':').pop()!;
    const forward = await rollback(
      h.client,
      { ...where, alias: 'production', to: version, by: 'ops', reason: 'fixed upstream' },
      opts(),
    );
    expect(forward.model.ref).toBe(promoted.modelVersion);
    expect(
      (await resolve(h.client, { ...where, alias: 'production' }, opts()))?.fineTunedModel,
    ).toBe(second.result.fineTunedModel);
  });

  it('lineage from the workflow id, the job id and the model version tell the same chain', async () => {
    const third = await promote('three');
    const fromWorkflow = await traceFrom(h.client, third.workflowId, { ...where, ...opts() });
    const fromJob = await traceFrom(h.client, third.result.jobId, { ...where, ...opts() });
    const ref = third.result.approval!.promotion!.modelVersion!;
    const fromVersion = await traceFrom(h.client, ref.split('/').pop()!, { ...where, ...opts() });
    for (const a of [fromWorkflow, fromJob, fromVersion]) {
      expect(a.wandb?.model).toMatchObject({
        ref,
        jobId: third.result.jobId,
        fineTunedModel: third.result.fineTunedModel,
      });
      expect(a.wandb?.model.aliases).toContain('production');
      expect(a.wandb?.runPath).toBe(`${TEST_WANDB_ENTITY}/${project}/${third.result.jobId}`);
      expect(a.wandb?.promotion).toMatchObject({ approvedBy: 'approver-three', how: 'auto' });
      expect(a.wandb?.gates.map((g) => g.gate)).toEqual(['pii', 'tokenLimit', 'drift', 'eval']);
      const training = a.wandb?.datasets.find((d) => d.role === 'training');
      expect(training?.digest).toBe(third.result.datasets[0]!.digest.replace(/^sha256:/, ''));
      expect(training?.fileIds).toContain(third.result.files[0]!.fileId);
    }
    expect(fromWorkflow.pipeline?.stage).toBe('promoted');
    expect(fromWorkflow.pipeline?.approval?.decision?.by).toBe('approver-three');
  });
});

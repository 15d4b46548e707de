import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPipelines, PIPELINE_STAGES, type PipelineListing } from '../../src/client/list.js';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import {
  FineTuneApprovedBy,
  FineTuneBaseModel,
  FineTuneStage,
  FineTunedModel,
} from '../../src/shared/searchAttributes.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';
import { FAST_WAIT, SHORT_JOBS } from './support/wandbHelpers.js';

const MINI = 'gpt-4.1-mini-2025-04-14';
// Another base that can still be trained (gpt-4.1-nano stopped serving: the runway check refuses it).
const NANO = 'gpt-4o-mini-2024-07-18';

/** `finetune list` against real visibility: pipelines only, newest first, each filter. */
describe('listPipelines', () => {
  let h: Harness;
  const run = randomUUID().slice(0, 8);
  const realPrefix = `list-it-${run}-real-`;
  const fakePrefix = `list-it-${run}-fake-`;
  const ids = { a: `${realPrefix}a`, b: `${realPrefix}b`, parked: `${fakePrefix}parked` };
  const ftModel = `ft:${MINI}:org:list-${run}:abcdefgh`;
  /** Both real pipelines once visibility shows their job ids; b (started second) first. */
  let listed: PipelineListing[];

  beforeAll(async () => {
    h = await startHarness(SHORT_JOBS);
    await h.startWorker();
    await startFineTunePipeline(h.client, sampleInput(FAST_WAIT), {
      workflowId: ids.a,
      taskQueue: h.taskQueue,
    });
    await startFineTunePipeline(h.client, sampleInput(FAST_WAIT, { model: NANO }), {
      workflowId: ids.b,
      taskQueue: h.taskQueue,
    });
    // A pipeline no worker runs (nobody polls its queue), holding the attributes of a fine-tune
    // awaiting approval: it stands still, so the stage, fine-tuned model and approver filters
    // are tested without depending on how far a real pipeline has got.
    await h.client.workflow.start('fineTunePipeline', {
      workflowId: ids.parked,
      taskQueue: `nobody-${randomUUID()}`,
      args: [],
      typedSearchAttributes: [
        { key: FineTuneBaseModel, value: MINI },
        { key: FineTuneStage, value: 'awaiting_approval' },
        { key: FineTunedModel, value: ftModel },
        { key: FineTuneApprovedBy, value: 'alice' },
      ],
    });
    listed = await eventually(
      'both pipelines with their jobs and children in visibility',
      async () => {
        const everything: string[] = [];
        for await (const w of h.client.workflow.list({
          query: `WorkflowId STARTS_WITH "${realPrefix}"`,
        }))
          everything.push(w.workflowId);
        const children = everything.filter((id) => id.includes('/'));
        const found = await listPipelines(h.client, { idPrefix: realPrefix });
        // Both pipelines' W&B children, so the test below sees a's (visibility lags a moment).
        return children.includes(`${ids.a}/wandb`) &&
          children.includes(`${ids.b}/wandb`) &&
          found.length === 2 &&
          found.every((p) => p.jobId)
          ? found
          : undefined;
      },
      90_000,
    );
  });
  afterAll(async () => {
    for (const id of Object.values(ids))
      await h?.client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
    await h?.close();
  });

  it('lists the two pipelines and none of their child workflows, newest first', async () => {
    const children: { id: string; type: string }[] = [];
    for await (const w of h.client.workflow.list({
      query: `WorkflowId STARTS_WITH "${realPrefix}"`,
    }))
      if (w.workflowId.includes('/')) children.push({ id: w.workflowId, type: w.type });
    expect(children.map((c) => c.id)).toContain(`${ids.a}/wandb`);
    expect(children.every((c) => c.type !== 'fineTunePipeline')).toBe(true);

    expect(listed.map((p) => p.workflowId)).toEqual([ids.b, ids.a]);
    const [b, a] = listed as [PipelineListing, PipelineListing];
    expect(a.baseModel).toBe(MINI);
    expect(b.baseModel).toBe(NANO);
    for (const p of listed) {
      expect(p.jobId).toMatch(/^ftjob-/);
      expect(PIPELINE_STAGES).toContain(p.stage);
      expect(['RUNNING', 'COMPLETED']).toContain(p.status);
      expect(Date.parse(p.startedAt)).toBeLessThanOrEqual(Date.now());
    }
    expect(Date.parse(b.startedAt)).toBeGreaterThanOrEqual(Date.parse(a.startedAt));
    expect(a.jobId).not.toBe(b.jobId);
  });

  it('--limit keeps the newest', async () => {
    const found = await listPipelines(h.client, { idPrefix: realPrefix, limit: 1 });
    expect(found.map((p) => p.workflowId)).toEqual([ids.b]);
    await expect(listPipelines(h.client, { limit: 0 })).rejects.toThrow(/limit/);
  });

  it('--model matches the base model or the fine-tuned model', async () => {
    const nano = await listPipelines(h.client, { model: NANO, idPrefix: realPrefix });
    expect(nano.map((p) => p.workflowId)).toEqual([ids.b]);

    const byFt = await eventually('the parked pipeline in visibility', async () => {
      const found = await listPipelines(h.client, { model: ftModel });
      return found.length ? found : undefined;
    });
    expect(byFt).toEqual([
      expect.objectContaining({
        workflowId: ids.parked,
        stage: 'awaiting_approval',
        fineTunedModel: ftModel,
        baseModel: MINI,
        approvedBy: 'alice',
        jobId: null,
        status: 'RUNNING',
      }),
    ]);
    // The base model matches the parked one and pipeline a, never b.
    const mini = await listPipelines(h.client, { model: MINI, idPrefix: `list-it-${run}-` });
    expect(mini.map((p) => p.workflowId).sort()).toEqual([ids.a, ids.parked].sort());
  });

  it('--stage filters on FineTuneStage', async () => {
    const waiting = await listPipelines(h.client, {
      stage: 'awaiting_approval',
      idPrefix: `list-it-${run}-`,
    });
    expect(waiting.map((p) => p.workflowId)).toEqual([ids.parked]);
    expect(await listPipelines(h.client, { stage: 'validating', idPrefix: fakePrefix })).toEqual(
      [],
    );
  });

  it('a value with quotes cannot change the query', async () => {
    // Unescaped, this would match every pipeline.
    const injected = await listPipelines(h.client, {
      model: 'x" OR WorkflowType = "fineTunePipeline',
      idPrefix: `list-it-${run}-`,
    });
    expect(injected).toEqual([]);
    expect(await listPipelines(h.client, { idPrefix: `${realPrefix}"` })).toEqual([]);
  });
});

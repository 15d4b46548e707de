import type { WorkflowHandle } from '@temporalio/client';
import type OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { FineTuneStage, FineTunedModel } from '../../src/shared/searchAttributes.js';
import type { PipelineInput } from '../../src/shared/types.js';
import { awaitWorkflowIdFor } from '../../src/workflows/awaitFineTuneJob.js';
import { progressQuery } from '../../src/workflows/definitions.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';
import {
  ENTITY,
  FAST_WAIT,
  SHORT_JOBS,
  expectedLine,
  openaiFor,
  refNames,
  resultsRowsOf,
  runOf,
  stateOf,
  timeless,
  versionsOf,
  wandbOf,
} from './support/wandbHelpers.js';

/** W&B answers every request 503: an outage. */
const OUTAGE = { rate5xx: 1 };

/** Activity types the workflow scheduled, in order, with how each ended. */
async function activities(
  h: Harness,
  workflowId: string,
): Promise<{ type: string; outcome: 'completed' | 'failed' | 'timed out' | 'open' }[]> {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const byId = new Map<
    string,
    { type: string; outcome: 'completed' | 'failed' | 'timed out' | 'open' }
  >();
  const order: string[] = [];
  for (const e of history.events ?? []) {
    const id = String(e.eventId);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      byId.set(id, { type: scheduled.activityType?.name ?? '?', outcome: 'open' });
      order.push(id);
    }
    const end =
      (e.activityTaskCompletedEventAttributes &&
        (['completed', e.activityTaskCompletedEventAttributes] as const)) ||
      (e.activityTaskFailedEventAttributes &&
        (['failed', e.activityTaskFailedEventAttributes] as const)) ||
      (e.activityTaskTimedOutEventAttributes &&
        (['timed out', e.activityTaskTimedOutEventAttributes] as const));
    if (end) {
      const a = byId.get(String(end[1].scheduledEventId));
      if (a) a.outcome = end[0];
    }
  }
  return order.map((id) => byId.get(id)!);
}

/** The stage and model id the pipeline shows in visibility (a list query, as the UI filters). */
async function listed(
  h: Harness,
  workflowId: string,
): Promise<{ stage?: string; model?: string } | undefined> {
  for await (const w of h.client.workflow.list({
    query: `WorkflowId = "${workflowId}" AND FineTuneStage = "succeeded"`,
  })) {
    return {
      stage: w.typedSearchAttributes.get(FineTuneStage),
      model: w.typedSearchAttributes.get(FineTunedModel),
    };
  }
  return undefined;
}

async function stageOf(handle: WorkflowHandle): Promise<string | undefined> {
  return (await handle.query(progressQuery).catch(() => undefined))?.stage;
}

describe('a W&B outage never holds a finished fine-tune', () => {
  let h: Harness;
  let openai: OpenAI;
  beforeAll(async () => {
    // Long enough to take W&B down while the job trains, with live metrics on.
    h = await startHarness({
      ...SHORT_JOBS,
      durations: { ...SHORT_JOBS.durations, runningMs: 4000 },
    });
    await h.startWorker();
    openai = openaiFor(h);
  });
  afterEach(() => wandbOf(h).setFaults(undefined));
  afterAll(() => h?.close());

  const start = (suffix: string, project: string, extra: Partial<PipelineInput> = {}) =>
    startFineTunePipeline(
      h.client,
      sampleInput(FAST_WAIT, { suffix, wandb: { project }, ...extra }),
      { taskQueue: h.taskQueue },
    );

  /** What the sync must have written for the job, exactly once. */
  async function expectSynced(project: string, jobId: string): Promise<void> {
    const run = runOf(h, project, jobId);
    expect(run.state).toBe('finished');
    expect(run.summary.status).toBe('succeeded');
    const rows = await resultsRowsOf(openai, jobId);
    expect(run.history.map(timeless)).toEqual(rows.map(expectedLine));
    expect(refNames(run.inputs)).toEqual(['train:v0', 'valid:v0']);
    const models = versionsOf(h, project, 'model-metadata').filter((v) => v.createdByRun === jobId);
    expect(models).toHaveLength(1);
    expect(versionsOf(h, project, 'train')).toHaveLength(1);
    expect(versionsOf(h, project, 'valid')).toHaveLength(1);
  }

  it('W&B down across the job’s end: the wait returns, the pipeline says succeeded with the model id, the sync catches up after', async () => {
    const project = 'outage-at-end';
    const w = wandbOf(h);
    const started = await start('end-outage', project, { promotion: false });
    const jobId = await eventually(
      'the job training, its run open',
      async () => {
        const p = await started.handle.query(progressQuery).catch(() => undefined);
        return p?.stage === 'training' && p.wandb?.runPath ? p.jobId : undefined;
      },
      60_000,
    );
    w.setFaults(OUTAGE);
    const refusedBefore = stateOf(h).stats().faultsInjected;

    const shown = await eventually(
      'succeeded, with the model id, in visibility',
      () => listed(h, started.workflowId),
      60_000,
    );
    // Still down: W&B refused requests meanwhile (live metrics, the sync) and holds no finished run.
    expect(stateOf(h).stats().faultsInjected).toBeGreaterThan(refusedBefore);
    expect(runOf(h, project, jobId).state).not.toBe('finished');
    expect(shown.stage).toBe('succeeded');
    const job = await openai.fineTuning.jobs.retrieve(jobId);
    expect(job.status).toBe('succeeded');
    expect(shown.model).toBe(job.fine_tuned_model);
    // The wait is over: W&B held none of its polls.
    const wait = await h.client.workflow.getHandle(awaitWorkflowIdFor(jobId)).describe();
    expect(wait.status.name).toBe('COMPLETED');
    // The sync child starts in the task that shows `succeeded`; the pipeline records it once the
    // start is confirmed, a task later.
    const sync = await eventually('the sync started', async () => {
      const p = await started.handle.query(progressQuery);
      return p.wandb?.sync;
    });
    expect(sync).toEqual({ workflowId: `${started.workflowId}/wandb`, state: 'running' });

    w.setFaults(undefined);
    const result = await started.handle.result();
    expect(result).toMatchObject({ status: 'succeeded', stage: 'succeeded', jobId });
    expect(result.fineTunedModel).toBe(job.fine_tuned_model);
    expect(result.wandb.sync).toEqual({ workflowId: `${started.workflowId}/wandb`, state: 'done' });
    expect(result.wandb.errors).toEqual([]);
    expect(result.wandb.skipped).toBeUndefined();
    expect(result.wandb.artifacts).toContain(`${ENTITY}/${project}/model-metadata:${jobId}`);
    await expectSynced(project, jobId);
  });

  it('W&B down across job creation: the job is created without it; versions, file ids and the run are made when W&B returns', async () => {
    const project = 'outage-at-creation';
    const w = wandbOf(h);
    w.setFaults(OUTAGE);
    const refusedBefore = stateOf(h).stats().faultsInjected;
    const started = await start('create-outage', project, { promotion: false });

    const shown = await eventually(
      'succeeded while W&B is down',
      () => listed(h, started.workflowId),
      120_000,
    );
    expect(stateOf(h).stats().faultsInjected).toBeGreaterThan(refusedBefore);
    const p = await started.handle.query(progressQuery);
    const jobId = p.jobId!;
    expect(shown.model).toMatch(/^ft:/);
    // Nothing reached W&B yet, and the pipeline says what it owes — not "no WANDB_API_KEY".
    expect(versionsOf(h, project, 'train')).toEqual([]);
    expect(stateOf(h).run(ENTITY, project, jobId)).toBeUndefined();
    expect(p.wandb?.skipped).toBeUndefined();
    // Whether the worker still knew its entity or had to ask W&B, the rest was owed at once.
    const deferred = p.wandb?.deferred ?? [];
    expect(deferred).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^versioning the training dataset: W&B (did not answer|was unre)/),
        'versioning the validation dataset: W&B was unreachable',
        'opening the W&B run: W&B was unreachable',
      ]),
    );
    expect(deferred.every((d) => / W&B (did not answer in time|was unreachable)/.test(d))).toBe(
      true,
    );
    // The pipeline tried W&B briefly and went on: nothing in W&B succeeded before the job.
    const done = await activities(h, started.workflowId);
    const types = done.map((a) => a.type);
    const created = types.indexOf('createFineTuneJob');
    expect(done[created]?.outcome).toBe('completed');
    for (const a of done.slice(0, created)) {
      if (['versionDataset', 'recordDatasetFile', 'openWandbRun'].includes(a.type)) {
        expect(a.outcome).not.toBe('completed');
      }
    }
    expect(types).not.toContain('openWandbRun');

    w.setFaults(undefined);
    const result = await started.handle.result();
    expect(result.wandb.sync?.state).toBe('done');
    expect(result.wandb.errors).toEqual([]);
    expect(result.wandb.deferred).toEqual(deferred); // the outage stays on record
    expect(result.wandb.datasetVersions).toEqual([
      { role: 'training', ref: `${ENTITY}/${project}/train:v0`, created: true },
      { role: 'validation', ref: `${ENTITY}/${project}/valid:v0`, created: true },
    ]);
    // Each version records its provider file, as if W&B had been up: the next run reuses it.
    const [train] = versionsOf(h, project, 'train');
    const [valid] = versionsOf(h, project, 'valid');
    expect(train?.aliases).toContain(result.files[0]!.fileId);
    expect(valid?.aliases).toContain(result.files[1]!.fileId);
    await expectSynced(project, jobId);
  });

  it('with promotion: the gates that need no W&B show at once; drift, eval and the alias wait for W&B', async () => {
    const project = 'outage-promotion';
    const w = wandbOf(h);
    const started = await start('gates-outage', project, {
      promotion: { autoApprove: { by: 'ops' }, gates: { eval: 'off' } },
    });
    await eventually(
      'the job training, its run open',
      async () => {
        const p = await started.handle.query(progressQuery).catch(() => undefined);
        return p?.stage === 'training' && p.wandb?.runPath ? true : undefined;
      },
      60_000,
    );
    w.setFaults(OUTAGE);
    const gates = await eventually(
      'the W&B-free gates while W&B is down',
      async () => {
        const p = await started.handle.query(progressQuery).catch(() => undefined);
        return p?.stage === 'evaluating' && p.approval?.gates.length ? p.approval.gates : undefined;
      },
      60_000,
    );
    expect(gates.map((g) => [g.gate, g.verdict])).toEqual([
      ['pii', 'pass'],
      ['tokenLimit', 'pass'],
    ]);
    const d = await started.handle.describe();
    expect(d.typedSearchAttributes.get(FineTunedModel)).toMatch(/^ft:/);
    expect(await stageOf(started.handle)).toBe('evaluating');

    w.setFaults(undefined);
    const result = await started.handle.result();
    expect(result.stage).toBe('promoted');
    expect(result.approval?.gates.map((g) => g.gate)).toEqual([
      'pii',
      'tokenLimit',
      'drift',
      'eval',
    ]);
    expect(result.approval?.promotion?.promoted).toBe(true);
    await expectSynced(project, result.jobId);
  });
});

import { randomUUID } from 'node:crypto';
import {
  WorkflowFailedError,
  WorkflowNotFoundError,
  type WorkflowHandle,
} from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { startSync } from '../../src/client/sync.js';
import type { PipelineInput } from '../../src/shared/types.js';
import { awaitWorkflowIdFor } from '../../src/workflows/awaitFineTuneJob.js';
import { jobProgressQuery, progressQuery } from '../../src/workflows/definitions.js';
import { syncWorkflowId } from '../../src/workflows/syncFineTune.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';
import {
  ENTITY,
  FAST_WAIT,
  SHORT_JOBS,
  createJob,
  openaiFor,
  runSync,
  stateOf,
  uploadSample,
  waitForJob,
  wandbOf,
} from './support/wandbHelpers.js';

// Each workflow with a best-effort catch, cancelled while that best-effort work is in flight (held
// there by an emulator's latency): it must end CANCELLED, without recording the cancellation as a
// best-effort failure and going on.

/** The activities a workflow has in flight (none while it is not started yet). */
async function pending(handle: WorkflowHandle): Promise<string[]> {
  const d = await handle.describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  });
  return (d?.raw.pendingActivities ?? []).map((a) => a.activityType?.name ?? '?');
}

async function inFlight(handle: WorkflowHandle, type: string, timeoutMs = 60_000): Promise<void> {
  await eventually(
    `${type} in flight in ${handle.workflowId}`,
    async () => (await pending(handle)).includes(type) || undefined,
    timeoutMs,
  );
}

/** Cancels and returns how the workflow ended. */
async function cancelled(handle: WorkflowHandle): Promise<string> {
  await handle.cancel();
  const err: unknown = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  return (await handle.describe()).status.name;
}

async function scheduled(h: Harness, workflowId: string): Promise<string[]> {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    return name ? [name] : [];
  });
}

describe('cancellation goes through best-effort work', () => {
  let h: Harness;
  let openai: OpenAI;
  beforeAll(async () => {
    h = await startHarness({
      ...SHORT_JOBS,
      durations: { ...SHORT_JOBS.durations, runningMs: 8000 },
    });
    await h.startWorker();
    openai = openaiFor(h);
  });
  afterEach(() => {
    wandbOf(h).setFaults(undefined);
    h.openai.setFaults(undefined);
  });
  afterAll(() => h?.close());

  const start = (suffix: string, extra: Partial<PipelineInput>) =>
    startFineTunePipeline(h.client, sampleInput(FAST_WAIT, { suffix, ...extra }), {
      taskQueue: h.taskQueue,
    });

  it('fineTunePipeline, while versioning a dataset in W&B: cancelled there, nothing uploaded, nothing recorded as failed or owed', async () => {
    wandbOf(h).setFaults({ latencyMs: 20_000 });
    const started = await start('cancel-versioning', {
      // The entity given: finding it needs no W&B call, so versioning is the first one.
      wandb: { project: 'cancel-versioning', entity: ENTITY },
      promotion: false,
    });
    await inFlight(started.handle, 'versionDataset');
    expect(await cancelled(started.handle)).toBe('CANCELLED');
    const p = await started.handle.query(progressQuery);
    expect(p.stage).toBe('cancelled');
    // Neither a W&B failure nor W&B work owed for later: the cancellation is neither.
    expect(p.wandb).toEqual({ datasetVersions: [], artifacts: [], errors: [] });
    expect(p.files).toEqual([]);
    expect(await scheduled(h, started.workflowId)).not.toContain('uploadDataset');
  });

  it('fineTunePipeline, while the eval gate calls the model: cancelled, no gate verdict made up from the cancellation', async () => {
    h.openai.setFaults({ latencyMs: 30_000, onlyPaths: /chat\/completions/ });
    const started = await start('cancel-eval', {
      wandb: { project: 'cancel-eval' },
      promotion: { gates: { drift: 'off', eval: 'warn' } },
    });
    await inFlight(started.handle, 'evaluateForGate', 90_000);
    expect(await cancelled(started.handle)).toBe('CANCELLED');
    const p = await started.handle.query(progressQuery);
    expect(p.stage).toBe('cancelled');
    expect(p.approval?.gates.map((g) => g.gate)).toEqual(['pii', 'tokenLimit', 'drift']);
    expect(p.approval?.decision).toBeUndefined();
  });

  it('awaitFineTuneJob, while live metrics stream to W&B: the wait ends cancelled, the live view records no error', async () => {
    const project = 'cancel-live';
    const started = await start('cancel-live', { wandb: { project }, promotion: false });
    const jobId = await eventually(
      'the job training, its run open',
      async () => {
        const p = await started.handle.query(progressQuery).catch(() => undefined);
        return p?.stage === 'training' && p.wandb?.runPath ? p.jobId : undefined;
      },
      60_000,
    );
    wandbOf(h).setFaults({ latencyMs: 20_000, onlyPaths: /file_stream/ });
    const wait = h.client.workflow.getHandle(awaitWorkflowIdFor(jobId));
    await inFlight(wait, 'appendLiveMetrics');
    expect(await cancelled(started.handle)).toBe('CANCELLED');
    const ended = await eventually('the wait to end', async () => {
      const s = (await wait.describe()).status.name;
      return s === 'RUNNING' ? undefined : s;
    });
    expect(ended).toBe('CANCELLED');
    expect((await wait.query(jobProgressQuery)).liveError).toBeUndefined();
    expect((await openai.fineTuning.jobs.retrieve(jobId)).status).toBe('cancelled');
  });

  it('syncFineTune, while it catches up on W&B work an outage left: cancelled there; the pipeline records the sync as ended and goes on', async () => {
    const w = wandbOf(h);
    w.setFaults({ rate5xx: 1 });
    // The entity given: neither the pipeline nor its sync has to ask W&B for it.
    const started = await start('cancel-catch-up', {
      wandb: { project: 'cancel-catch-up', entity: ENTITY },
      promotion: false,
    });
    const sync = h.client.workflow.getHandle(`${started.workflowId}/wandb`);
    // W&B is still down: the catch-up's versioning (the sync's first W&B call) is retried.
    await inFlight(sync, 'versionDataset', 120_000);
    expect(await cancelled(sync)).toBe('CANCELLED');
    // It stopped where it was, not going on to copies of the files instead.
    const meta = await sync.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toMatch(/versioning the training dataset/);
    w.setFaults(undefined);
    const result = await started.handle.result();
    expect(result.status).toBe('succeeded');
    expect(result.wandb.sync?.state).toBe('failed');
    expect(result.wandb.errors).toEqual([expect.stringMatching(/^syncing the job to W&B: /)]);
  });

  it('syncFineTunes, while its children write history to W&B: the batch ends CANCELLED, its children too — not COMPLETED with every job "skipped"', async () => {
    const project = `cancel-batch-${randomUUID().slice(0, 6)}`;
    const files = await uploadSample(openai);
    const jobs = [await createJob(openai, files), await createJob(openai, files)];
    await Promise.all(jobs.map((j) => waitForJob(openai, j)));
    wandbOf(h).setFaults({ latencyMs: 20_000, onlyPaths: /file_stream/ });
    const started = await startSync(
      h.client,
      { numFineTunes: 2, project, wait: FAST_WAIT },
      { taskQueue: h.taskQueue },
    );
    const children = jobs.map((j) => h.client.workflow.getHandle(syncWorkflowId(null, project, j)));
    for (const c of children) await inFlight(c, 'logResultsHistory');
    expect(await cancelled(started.handle)).toBe('CANCELLED');
    for (const c of children) expect((await c.describe()).status.name).toBe('CANCELLED');
    for (const j of jobs)
      expect(stateOf(h).run(ENTITY, project, j)?.summary.status).toBeUndefined();
  });

  describe('governance workflows', () => {
    const project = 'cancel-governance';
    let promotedJob = '';
    beforeAll(async () => {
      const started = await start('cancel-gov', {
        wandb: { project },
        promotion: { autoApprove: { by: 'ops' }, gates: { eval: 'off', drift: 'off' } },
      });
      const r = await started.handle.result();
      expect(r.stage).toBe('promoted');
      promotedJob = r.jobId;
    });

    it("resolveModelAlias, while it reads the model's serving dates: cancelled, not answered without them", async () => {
      h.openai.setFaults({ latencyMs: 30_000, onlyPaths: /^\/v1\/models/ });
      const handle = await h.client.workflow.start('resolveModelAlias', {
        workflowId: `cancel-resolve-${randomUUID()}`,
        taskQueue: h.taskQueue,
        args: [{ project, collection: 'model-metadata', alias: 'production' }],
      });
      await inFlight(handle, 'checkTrainingRunway');
      expect(await cancelled(handle)).toBe('CANCELLED');
    });

    it('moveModelAlias, while it looks for deployments to prune: cancelled, not completed with "could not list"', async () => {
      const files = await uploadSample(openai);
      const next = await createJob(openai, files, { suffix: 'cancel-prune' });
      await runSync(h, { fineTuneJobId: next, project });
      // Every W&B call slow: the move's own steps, then the pruning's listing, are each in flight long.
      wandbOf(h).setFaults({ latencyMs: 3_000 });
      const workflowId = `cancel-move-${randomUUID()}`;
      const handle = await h.client.workflow.start('moveModelAlias', {
        workflowId,
        taskQueue: h.taskQueue,
        args: [
          {
            request: {
              kind: 'promote',
              target: { entity: ENTITY, project },
              alias: 'production',
              collection: 'model-metadata',
              version: next,
              pruneServing: true,
            },
            record: {
              id: workflowId,
              at: new Date().toISOString(),
              by: 'test',
              how: 'signal',
              workflowId,
              jobId: next,
            },
          },
        ],
      });
      await inFlight(handle, 'listUnaliasedServing', 120_000);
      expect(await cancelled(handle)).toBe('CANCELLED');
      expect(promotedJob).not.toBe(next);
    });
  });
});

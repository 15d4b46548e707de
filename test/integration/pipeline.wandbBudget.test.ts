import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { ErrorType } from '../../src/shared/errorTypes.js';
import { rootMessage } from '../../src/client/pipeline.js';
import { progressQuery } from '../../src/workflows/definitions.js';
import { startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };

/** scheduleToCloseTimeout (seconds) of each scheduled activity, by type, from a run's history. */
async function budgets(h: Harness, workflowId: string): Promise<Map<string, number>> {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const out = new Map<string, number>();
  for (const e of history.events ?? []) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a?.activityType?.name)
      out.set(a.activityType.name, Number(a.scheduleToCloseTimeout?.seconds ?? 0));
  }
  return out;
}

describe('failures that mean what they say', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
  });
  afterAll(() => h?.close());

  it("the pipeline's best-effort W&B calls have a budget of minutes, the sync's a day", async () => {
    const started = await startFineTunePipeline(h.client, sampleInput(FAST, { suffix: 'budget' }), {
      taskQueue: h.taskQueue,
    });
    await started.handle.result();
    const pipeline = await budgets(h, started.workflowId);
    expect(pipeline.get('resolveWandbTarget')).toBeLessThanOrEqual(600);
    expect(pipeline.get('openWandbRun')).toBeLessThanOrEqual(600);
    const sync = await budgets(h, `${started.workflowId}/wandb`);
    expect(sync.get('openWandbRun')).toBe(24 * 3600);
  });

  it('an invalid wait policy that reaches the workflow fails it with a typed failure', async () => {
    // Straight to Temporal, past any client-side check.
    const handle = await h.client.workflow.start('fineTunePipeline', {
      workflowId: `bad-wait-${Date.now()}`,
      taskQueue: h.taskQueue,
      args: [sampleInput({ minPollMs: -5 })],
    });
    const err: unknown = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(rootMessage(err)).toMatch(/invalid wait policy: minPollMs must be a positive number/);
    expect(((err as WorkflowFailedError).cause as { type?: string }).type).toBe(
      ErrorType.InvalidWaitPolicy,
    );
  });
});

describe('a results file that cannot be read', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ loseResultsFile: (job) => job.suffix === 'no-results' }, false);
    await h.startWorker();
  });
  afterAll(() => h?.close());

  it('does not fail a pipeline whose job succeeded: the model is returned, the reason recorded', async () => {
    const started = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, { suffix: 'no-results', wandb: false }),
      { taskQueue: h.taskQueue },
    );
    const result = await started.handle.result();
    expect(result.status).toBe('succeeded');
    expect(result.fineTunedModel).toMatch(/:no-results:/);
    expect(result.results).toBeUndefined();
    const p = await started.handle.query(progressQuery);
    expect(p.resultsError).toMatch(/not found/i);
  });
});

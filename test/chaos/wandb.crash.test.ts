import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSync } from '../../src/client/sync.js';
import { syncWorkflowId } from '../../src/workflows/syncFineTune.js';
import { eventually, startHarness, type Harness } from '../integration/support/harness.js';
import {
  FAST_WAIT,
  SHORT_JOBS,
  createJob,
  openaiFor,
  outcomeOf,
  resultsRowsOf,
  runOf,
  stateOf,
  uploadSample,
  versionsOf,
  waitForJob,
  wandbOf,
} from '../integration/support/wandbHelpers.js';
import { spawnWorker, type WorkerProcess } from '../integration/support/workerProcess.js';

const STEPS = 3000;
/** The client sends history in posts of 2,000 lines: the kill lands between the two. */
const FIRST_POST_LINES = 2000;

/** Attempts of each activity type in a workflow's history (the last attempt, as recorded). */
async function activityAttempts(h: Harness, workflowId: string): Promise<Map<string, number>> {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const types = new Map<string, string>();
  const attempts = new Map<string, number>();
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) types.set(String(event.eventId), scheduled.activityType?.name ?? '');
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const type = types.get(String(started.scheduledEventId)) ?? '';
      attempts.set(type, Math.max(attempts.get(type) ?? 0, started.attempt ?? 1));
    }
  }
  return attempts;
}

describe('a worker killed while the sync writes history', () => {
  let h: Harness;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    h = await startHarness({
      ...SHORT_JOBS,
      steps: STEPS,
      durations: { ...SHORT_JOBS.durations, runningMs: 3000 },
    });
  });
  afterAll(async () => {
    await worker?.kill();
    await h?.close();
  });

  it('is replaced, and W&B ends up with every row once and one version per artifact', async () => {
    const openai = openaiFor(h);
    const files = await uploadSample(openai);
    const jobId = await createJob(openai, files);
    await waitForJob(openai, jobId);
    const rows = await resultsRowsOf(openai, jobId);
    expect(rows).toHaveLength(STEPS);

    // Slow history posts so the activity is surely mid-way when the worker dies.
    wandbOf(h).setFaults({ latencyMs: 1500, onlyPaths: /file_stream/ });
    worker = spawnWorker(h);
    const project = 'crash';
    const started = await startSync(
      h.client,
      { fineTuneJobId: jobId, project, wait: FAST_WAIT },
      { taskQueue: h.taskQueue },
    );
    await eventually(
      'the first history post to land',
      () => (stateOf(h).run('tester', project, jobId)?.history.length ?? 0) >= FIRST_POST_LINES,
      60_000,
    );
    expect(runOf(h, project, jobId).history.length).toBeLessThan(STEPS);
    await worker.kill();
    wandbOf(h).setFaults(undefined);
    worker = spawnWorker(h);

    const result = await started.handle.result();
    expect(outcomeOf(result, jobId)).toMatchObject({ outcome: 'synced', historyRows: STEPS });
    // The kill really hit the history activity: it needed a second attempt.
    const attempts = await activityAttempts(h, syncWorkflowId(null, project, jobId));
    expect(attempts.get('logResultsHistory')).toBeGreaterThanOrEqual(2);

    const run = runOf(h, project, jobId);
    expect(run.state).toBe('finished');
    expect(run.history).toHaveLength(STEPS);
    expect(run.history.map((l) => l._step)).toEqual(rows.map((r) => Number(r.step)));
    expect(run.history.map((l) => l.train_loss)).toEqual(rows.map((r) => Number(r.train_loss)));
    for (const name of [`train-${files.training}`, `valid-${files.validation}`, 'model-metadata']) {
      expect(versionsOf(h, project, name), name).toHaveLength(1);
    }
    expect(run.inputs).toHaveLength(2);
    expect(run.outputs).toHaveLength(1);
  });
});

import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSync } from '../../src/client/sync.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import {
  FAST_WAIT,
  SHORT_JOBS,
  createJob,
  expectedLine,
  openaiFor,
  outcomeOf,
  resultsRowsOf,
  runOf,
  runSync,
  stateOf,
  timeless,
  uploadSample,
  versionsOf,
  waitForJob,
  wandbOf,
  type SampleFiles,
} from './support/wandbHelpers.js';

const OUTAGE_MS = 4000;

describe('W&B outages during a sync', () => {
  let h: Harness;
  let openai: OpenAI;
  let files: SampleFiles;
  beforeAll(async () => {
    h = await startHarness({ ...SHORT_JOBS, steps: 20 });
    await h.startWorker();
    openai = openaiFor(h);
    files = await uploadSample(openai);
  });
  afterAll(() => h?.close());

  /** Everything the sync should have written, exactly once. */
  async function expectComplete(project: string, jobId: string): Promise<void> {
    const rows = await resultsRowsOf(openai, jobId);
    const run = runOf(h, project, jobId);
    expect(run.state).toBe('finished');
    expect(run.summary.status).toBe('succeeded');
    expect(run.history.map(timeless)).toEqual(rows.map(expectedLine));
    for (const name of [`train-${files.training}`, `valid-${files.validation}`, 'model-metadata']) {
      const versions = versionsOf(h, project, name);
      expect(versions, name).toHaveLength(1);
      expect(versions[0]?.state).toBe('COMMITTED');
    }
    expect(run.inputs).toHaveLength(2);
    expect(run.outputs).toHaveLength(1);
    expect(run.config.n_train).toBeGreaterThan(0);
  }

  it('an outage that heals mid-sync: the sync waits, then completes with nothing lost', async () => {
    const project = 'outage';
    const jobId = await createJob(openai, files);
    await waitForJob(openai, jobId);
    const w = wandbOf(h);
    // Slow W&B down so the sync is surely still running when the outage starts.
    w.setFaults({ latencyMs: 150 });
    const started = await startSync(
      h.client,
      { fineTuneJobId: jobId, project, wait: FAST_WAIT },
      { taskQueue: h.taskQueue },
    );
    await eventually(
      'the run to be opened',
      () => stateOf(h).run('tester', project, jobId),
      30_000,
    );
    w.setFaults({ rate5xx: 1 });
    const faultsAtStart = stateOf(h).stats().faultsInjected;
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    // W&B refused every request meanwhile, and the run is not finished.
    expect(stateOf(h).stats().faultsInjected).toBeGreaterThan(faultsAtStart);
    expect(runOf(h, project, jobId).state).not.toBe('finished');
    w.setFaults(undefined);

    const result = await started.handle.result();
    expect(outcomeOf(result, jobId)).toMatchObject({ outcome: 'synced', jobStatus: 'succeeded' });
    await expectComplete(project, jobId);
  });

  it('answers lost after W&B handled the request: retries never duplicate anything', async () => {
    const project = 'lost-answers';
    const jobId = await createJob(openai, files);
    await waitForJob(openai, jobId);
    const faultsBefore = stateOf(h).stats().faultsInjected;
    wandbOf(h).setFaults({ rate5xxAfterHandling: 0.2 });
    try {
      const result = await runSync(h, { fineTuneJobId: jobId, project });
      expect(outcomeOf(result, jobId).outcome).toBe('synced');
    } finally {
      wandbOf(h).setFaults(undefined);
    }
    expect(stateOf(h).stats().faultsInjected).toBeGreaterThan(faultsBefore);
    await expectComplete(project, jobId);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { awaitWorkflowIdFor } from '../../src/workflows/awaitFineTuneJob.js';
import {
  jobProgressQuery,
  progressQuery,
  watchProgressSignal,
} from '../../src/workflows/definitions.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

// What the wait costs in provider calls, and that a rate-limited provider never fails it.
const RETRIEVE = 'GET /v1/fine_tuning/jobs/:fine_tuning_job_id';
const EVENTS = 'GET /v1/fine_tuning/jobs/:fine_tuning_job_id/events';
const JOB_PATH = /^\/v1\/fine_tuning\/jobs\/ftjob-[^/]+$/;

/** Webhooks on; the safety net's own sleeps are a minute, far longer than the job. */
const SPARSE = { webhooks: true, minPollMs: 200, maxPollMs: 2_000, safetyNetPollMs: 60_000 };

describe('the wait with webhooks: sparse unless watched, and 429s waited out', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(
      { durations: { validatingMs: 300, queuedMs: 300, runningMs: 3000 } },
      false,
    );
    await h.startWorker();
  });
  afterAll(() => h?.close());

  const calls = () => {
    const r = h.openai.stats().requests;
    return { retrieve: r[RETRIEVE] ?? 0, events: r[EVENTS] ?? 0 };
  };

  it('nobody watching: one poll at the start and the one the webhook triggers', async () => {
    const before = calls();
    const started = await startFineTunePipeline(h.client, sampleInput(SPARSE), {
      taskQueue: h.taskQueue,
    });
    const result = await started.handle.result();
    expect(result.status).toBe('succeeded');
    const wait = await h.client.workflow
      .getHandle(awaitWorkflowIdFor(result.jobId))
      .query(jobProgressQuery);
    expect(wait.wakeups).toBeGreaterThanOrEqual(1);
    expect(wait.polls).toBe(2);
    expect(calls().retrieve - before.retrieve).toBe(2);
    // The webhook's poll ran in the signal's own workflow task: known within a second.
    const terminalAt = h.openai.jobTimeline(result.jobId)!.terminalAtMs!;
    expect(wait.result!.detectedAtMs - terminalAt).toBeLessThan(1_000);
  });

  it('a watcher gets frequent polls with training metrics until its lease ends', async () => {
    const started = await startFineTunePipeline(
      h.client,
      sampleInput({ ...SPARSE, watchPollMs: 200 }),
      { taskQueue: h.taskQueue },
    );
    const waitId = await eventually('the wait to start', async () => {
      const p = await started.handle.query(progressQuery);
      return p.waitWorkflowId;
    });
    const wait = h.client.workflow.getHandle(waitId);
    await eventually('the wait to run', () => wait.query(jobProgressQuery).catch(() => undefined));
    await wait.signal(watchProgressSignal, { leaseMs: 60_000, by: 'test' });
    const result = await started.handle.result();
    expect(result.status).toBe('succeeded');
    const progress = await wait.query(jobProgressQuery);
    // Training polled every 200 ms from the signal on (a loaded machine manages fewer), where
    // the unwatched wait above polled twice in all.
    expect(progress.polls).toBeGreaterThanOrEqual(4);
    expect(progress.watchedUntilMs).toBeGreaterThan(0);
    const pipeline = await started.handle.query(progressQuery);
    expect(pipeline.job?.step).toEqual(expect.any(Number));
  });

  it('429s with retry-after are honoured and do not fail the wait', async () => {
    // Every read of the job answers 429 (retry-after: 1 s) the first six times.
    h.openai.setFaults({
      rate429: 1,
      retryAfterSeconds: 1,
      onlyPaths: JOB_PATH,
      onlyMethods: ['GET'],
      maxFaults: 6,
    });
    try {
      const started = await startFineTunePipeline(h.client, sampleInput(SPARSE), {
        taskQueue: h.taskQueue,
      });
      const result = await started.handle.result();
      expect(result.status).toBe('succeeded');
      const faults = h.openai.injectedFaults().filter((f) => f.status === 429);
      expect(faults).toHaveLength(6);
      // Nothing asked again before the retry-after had passed (a little slack for clock reads).
      for (let i = 1; i < faults.length; i++) {
        expect(faults[i]!.atMs - faults[i - 1]!.atMs).toBeGreaterThanOrEqual(950);
      }
    } finally {
      h.openai.setFaults(undefined);
    }
  });
});

import { awaitWorkflowIdFor } from '../../src/workflows/awaitFineTuneJob.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { FineTuneJobId } from '../../src/shared/searchAttributes.js';
import { jobProgressQuery } from '../../src/workflows/definitions.js';
import { startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

// The safety-net poll is set to a minute: finishing in seconds proves the webhook woke the workflow.
const SLOW_POLL = { minPollMs: 60_000, maxPollMs: 120_000 };

describe('pipeline with webhooks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
  });
  afterAll(() => h?.close());

  it('validates, uploads once, trains and learns of the end from a verified webhook', async () => {
    const started = await startFineTunePipeline(h.client, sampleInput(SLOW_POLL), {
      taskQueue: h.taskQueue,
    });
    const result = await started.handle.result();

    expect(result.status).toBe('succeeded');
    expect(result.fineTunedModel).toMatch(/^ft:gpt-4\.1-mini-2025-04-14:[^:]*:it:[A-Za-z0-9]{8}$/);
    expect(result.datasets.map((d) => d.role)).toEqual(['training', 'validation']);
    expect(result.files).toHaveLength(2);
    expect(result.results?.rows).toBeGreaterThan(0);
    expect(result.results?.finalTrainLoss).toEqual(expect.any(Number));

    const stats = h.openai.stats();
    expect(stats.jobsCreated).toBe(1);
    expect(stats.filesCreated).toBe(2);
    expect(h.receiver.stats.signalled).toBeGreaterThanOrEqual(1);

    const wait = await h.client.workflow
      .getHandle(awaitWorkflowIdFor(result.jobId))
      .query(jobProgressQuery);
    expect(wait.wakeups).toBeGreaterThanOrEqual(1);
    const timeline = h.openai.jobTimeline(result.jobId);
    expect(timeline?.terminalAtMs).toBeDefined();
    // Known well inside the first (one-minute) poll interval.
    expect(wait.result!.detectedAtMs - timeline!.terminalAtMs!).toBeLessThan(10_000);

    const described = await started.handle.describe();
    expect(described.typedSearchAttributes.get(FineTuneJobId)).toBe(result.jobId);
  });

  it('a second pipeline on the same data reuses the uploaded files', async () => {
    const before = h.openai.stats().filesCreated;
    const started = await startFineTunePipeline(h.client, sampleInput(SLOW_POLL), {
      taskQueue: h.taskQueue,
    });
    const result = await started.handle.result();
    expect(result.files.every((f) => f.reused)).toBe(true);
    expect(h.openai.stats().filesCreated).toBe(before);
  });
});

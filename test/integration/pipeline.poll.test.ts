import { awaitWorkflowIdFor } from '../../src/workflows/awaitFineTuneJob.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { jobProgressQuery } from '../../src/workflows/definitions.js';
import { startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

describe('pipeline when every webhook is lost', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.openai.setWebhook({ url: h.receiver.url, secret: h.webhookSecret, dropRate: 1 });
    await h.startWorker();
  });
  afterAll(() => h?.close());

  it('the adaptive poll still finds the end, with a bounded number of polls', async () => {
    const started = await startFineTunePipeline(
      h.client,
      sampleInput({ minPollMs: 300, maxPollMs: 2000 }),
      { taskQueue: h.taskQueue },
    );
    const result = await started.handle.result();
    expect(result.status).toBe('succeeded');
    expect(h.openai.stats().webhooks.dropped).toBeGreaterThanOrEqual(1);
    expect(h.receiver.stats.accepted).toBe(0);

    const wait = await h.client.workflow
      .getHandle(awaitWorkflowIdFor(result.jobId))
      .query(jobProgressQuery);
    expect(wait.wakeups).toBe(0);
    expect(wait.polls).toBeGreaterThan(1);
    // About three seconds of emulated job: a fixed 300 ms loop would poll ~10 times.
    expect(wait.polls).toBeLessThan(15);
    const timeline = h.openai.jobTimeline(result.jobId)!;
    expect(wait.result!.detectedAtMs - timeline.terminalAtMs!).toBeLessThan(2500);
  });
});

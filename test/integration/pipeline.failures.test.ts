import { WorkflowFailedError } from '@temporalio/client';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootMessage, startFineTunePipeline } from '../../src/client/pipeline.js';
import { progressQuery } from '../../src/workflows/definitions.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { FIXTURES, sampleInput } from './support/pipelineInput.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };

async function failureOf(p: Promise<unknown>): Promise<{ message: string; type?: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  let cause: unknown = err;
  let type: string | undefined;
  while (cause instanceof Error && cause.cause instanceof Error) {
    cause = cause.cause;
    const t = (cause as { type?: unknown }).type;
    if (typeof t === 'string') type = t;
  }
  return { message: rootMessage(err), type };
}

describe('pipeline failures', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ failTraining: (job) => job.suffix === 'fail-me' });
    await h.startWorker();
  });
  afterAll(() => h?.close());

  it('a job that fails fails the workflow with the job error, readable', async () => {
    const started = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, { suffix: 'fail-me' }),
      {
        taskQueue: h.taskQueue,
      },
    );
    const f = await failureOf(started.handle.result());
    expect(f.type).toBe('FineTuneJobFailed');
    expect(f.message).toMatch(/^Fine-tuning job ftjob-\S+ failed: \w+: .+/);
    const progress = await started.handle.query(progressQuery);
    expect(progress.stage).toBe('failed');
  });

  it('an invalid dataset is rejected with line numbers before anything is uploaded', async () => {
    const before = h.openai.stats();
    const started = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, {
        training: { path: join(FIXTURES, 'invalid.jsonl') },
        validation: undefined,
      }),
      { taskQueue: h.taskQueue },
    );
    const f = await failureOf(started.handle.result());
    expect(f.type).toBe('InvalidDataset');
    expect(f.message).toMatch(/line \d+: /);
    const after = h.openai.stats();
    expect(after.filesCreated).toBe(before.filesCreated);
    expect(after.uploadsCreated).toBe(before.uploadsCreated);
    expect(after.jobsCreated).toBe(before.jobsCreated);
  });

  it('an organisation that may no longer train gets a clear, permanent error', async () => {
    h.openai.setTrainingNotAvailable(true);
    try {
      const before = h.openai.stats().requests['POST /v1/fine_tuning/jobs'] ?? 0;
      const started = await startFineTunePipeline(h.client, sampleInput(FAST), {
        taskQueue: h.taskQueue,
      });
      const f = await failureOf(started.handle.result());
      expect(f.type).toBe('TrainingNotAvailable');
      expect(f.message).toMatch(/no longer/i);
      // Not retried: one create request only.
      expect((h.openai.stats().requests['POST /v1/fine_tuning/jobs'] ?? 0) - before).toBe(1);
    } finally {
      h.openai.setTrainingNotAvailable(false);
    }
  });

  it('cancelling the workflow cancels the OpenAI job', async () => {
    const started = await startFineTunePipeline(h.client, sampleInput(FAST), {
      taskQueue: h.taskQueue,
    });
    const jobId = await eventually('the job to be created', async () => {
      const p = await started.handle.query(progressQuery).catch(() => undefined);
      return p?.jobId;
    });
    await started.handle.cancel();
    await expect(started.handle.result()).rejects.toThrow();
    const timeline = await eventually('the job to be cancelled', () => {
      const t = h.openai.jobTimeline(jobId);
      return t?.status === 'cancelled' ? t : undefined;
    });
    expect(timeline.status).toBe('cancelled');
    const progress = await started.handle.query(progressQuery);
    expect(progress.stage).toBe('cancelled');
  });
});

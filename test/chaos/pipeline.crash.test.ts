import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { eventually, startHarness, type Harness } from '../integration/support/harness.js';
import { sampleInput } from '../integration/support/pipelineInput.js';
import { spawnWorker, type WorkerProcess } from '../integration/support/workerProcess.js';

describe('a worker killed mid-pipeline', () => {
  let h: Harness;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await worker?.kill();
    await h?.close();
  });

  it('is replaced without a second upload or a second job', async () => {
    worker = spawnWorker(h);
    const started = await startFineTunePipeline(
      h.client,
      sampleInput({ minPollMs: 500, maxPollMs: 2000 }),
      { taskQueue: h.taskQueue },
    );

    // Kill 1: as soon as the first dataset reached OpenAI, the upload activity may not have reported.
    await eventually(
      'the first upload',
      () => (h.openai.stats().filesCreated >= 1 ? true : undefined),
      60_000,
    );
    await worker.kill();
    worker = spawnWorker(h);

    // Kill 2: as soon as the job exists, the create activity may not have reported.
    await eventually(
      'the job',
      () => (h.openai.stats().jobsCreated >= 1 ? true : undefined),
      120_000,
    );
    await worker.kill();
    worker = spawnWorker(h);

    const result = await started.handle.result();
    expect(result.status).toBe('succeeded');
    const stats = h.openai.stats();
    expect(stats.filesCreated).toBe(2);
    expect(stats.uploadsCreated).toBe(0);
    expect(stats.jobsCreated).toBe(1);
    expect(new Set(result.files.map((f) => f.fileId)).size).toBe(2);
  });
});

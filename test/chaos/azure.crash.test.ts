import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { AZURE_HARNESS, azureWorkerEnv } from '../integration/support/azure.js';
import { eventually, startHarness, type Harness } from '../integration/support/harness.js';
import { sampleInput } from '../integration/support/pipelineInput.js';
import { spawnWorker, type WorkerProcess } from '../integration/support/workerProcess.js';

const CREATE = 'POST /openai/v1/fine_tuning/jobs';

describe.each([
  ['Azure echoes the metadata', true],
  ['Azure drops the metadata', false],
])('a worker killed at job creation on Azure, the answer lost (%s)', (_name, echoMetadata) => {
  let h: Harness;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    h = await startHarness({ ...AZURE_HARNESS, azure: { ...AZURE_HARNESS.azure, echoMetadata } });
  });
  afterAll(async () => {
    await worker?.kill();
    await h?.close();
  });

  it('makes exactly one job: the retry finds the one the lost answer was about', async () => {
    // The create is handled (the job exists) and its answer lost; the worker is killed as well.
    h.openai.setFaults({
      rateLoseAnswer: 1,
      maxFaults: 1,
      onlyMethods: ['POST'],
      onlyPaths: /fine_tuning\/jobs$/,
    });
    worker = spawnWorker(h, azureWorkerEnv(h));
    const started = await startFineTunePipeline(
      h.client,
      sampleInput({ minPollMs: 300, maxPollMs: 2000 }, { promotion: false, suffix: 'crash' }),
      { taskQueue: h.taskQueue },
    );
    await eventually(
      'the create request',
      () => ((h.openai.stats().requests[CREATE] ?? 0) >= 1 ? true : undefined),
      90_000,
    );
    await worker.kill();
    await eventually(
      'the job to exist',
      () => (h.openai.stats().jobsCreated >= 1 ? true : undefined),
      10_000,
    );
    h.openai.setFaults(undefined);
    worker = spawnWorker(h, azureWorkerEnv(h));
    const result = await started.handle.result();
    expect(result.status).toBe('succeeded');
    expect(h.openai.stats().jobsCreated).toBe(1);
    expect(result.fineTunedModel).toMatch(/\.ft-[0-9a-f]{32}-crash$/);
  }, 180_000);
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { eventually } from '../integration/support/harness.js';
import {
  startTogetherHarness,
  togetherInput,
  togetherWorkerEnv,
  type TogetherHarness,
} from '../integration/support/together.js';
import { spawnWorkerWith, type WorkerProcess } from '../integration/support/workerProcess.js';

const CREATE = 'POST /v1/fine-tunes';
const FINALISE = 'POST /v1/files/:id/preprocess';

describe('a Together worker SIGKILLed mid-way: exactly one job trains', () => {
  let h: TogetherHarness;
  let worker: WorkerProcess | undefined;
  beforeEach(async () => {
    h = await startTogetherHarness();
  });
  afterEach(async () => {
    await worker?.kill();
    await h?.close();
  });

  const requests = (route: string) => h.together.stats().requests[route] ?? 0;

  it('killed between the create request and its answer: the next worker adopts the job the request made', async () => {
    // The create is handled (the job exists) and its answer lost; the worker is killed as well.
    h.together.setFaults({
      rateLoseAnswer: 1,
      maxFaults: 1,
      onlyMethods: ['POST'],
      onlyPaths: /^\/v1\/fine-tunes$/,
    });
    worker = spawnWorkerWith(togetherWorkerEnv(h));
    const started = await startFineTunePipeline(h.client, togetherInput({ suffix: 'crash' }), {
      taskQueue: h.taskQueue,
    });
    await eventually(
      'the create request',
      () => (requests(CREATE) >= 1 ? true : undefined),
      90_000,
    );
    await worker.kill();
    await eventually(
      'the job to exist',
      () => (h.together.stats().jobsCreated >= 1 ? true : undefined),
      10_000,
    );
    h.together.setFaults(undefined);
    worker = spawnWorkerWith(togetherWorkerEnv(h));
    const result = await started.handle.result();
    expect(result.status).toBe('succeeded');
    const { data: jobs } = await h.api.fineTuning.list();
    expect(jobs.map((j) => j.id)).toEqual([result.jobId]);
    expect(h.together.stats().jobsCreated).toBe(1);
  }, 180_000);

  it('killed mid-upload (bytes sent, not finalised): the next worker finishes with one file per dataset and one job', async () => {
    h.together.setFaults({ latencyMs: 2500, onlyMethods: ['POST'], onlyPaths: /\/preprocess$/ });
    worker = spawnWorkerWith(togetherWorkerEnv(h));
    const started = await startFineTunePipeline(
      h.client,
      togetherInput({ suffix: 'upload-crash' }),
      {
        taskQueue: h.taskQueue,
      },
    );
    await eventually(
      'the upload to be finalising',
      () => (requests(FINALISE) >= 1 ? true : undefined),
      90_000,
    );
    await worker.kill();
    h.together.setFaults(undefined);
    worker = spawnWorkerWith(togetherWorkerEnv(h));
    const result = await started.handle.result();
    expect(result.status).toBe('succeeded');
    expect(h.together.stats().jobsCreated).toBe(1);
    // The bytes already at Together were found again, not sent a second time.
    const { data: files } = await h.api.files.list();
    expect(files.filter((f) => f.filename?.startsWith('train.sha256-'))).toHaveLength(1);
  }, 180_000);

  it('killed while the eval gate runs on its short-lived endpoint: the next worker stops it', async () => {
    worker = spawnWorkerWith(togetherWorkerEnv(h));
    const started = await startFineTunePipeline(
      h.client,
      togetherInput({
        suffix: 'eval-crash',
        promotion: { autoApprove: { by: 'ops' }, gates: { drift: 'off' } },
      }),
      { taskQueue: h.taskQueue },
    );
    // The first deployment is the eval gate's (production's comes after the decision).
    await eventually(
      "the eval gate's endpoint",
      () => (h.together.stats().deploymentsCreated >= 1 ? true : undefined),
      120_000,
    );
    await worker.kill();
    worker = spawnWorkerWith(togetherWorkerEnv(h));
    const result = await started.handle.result();
    expect(result.stage).toBe('promoted');
    expect(result.approval!.gates.find((g) => g.gate === 'eval')?.verdict).toBe('pass');
    // Only production's endpoint is left, and only it bills.
    const names: string[] = [];
    for await (const e of h.apiV2.beta.endpoints.list({})) names.push(e.name);
    expect(names).toEqual([result.approval!.promotion!.serving!.servedAs]);
    expect(h.together.servingCharges().filter((c) => c.running)).toHaveLength(1);
  }, 240_000);
});

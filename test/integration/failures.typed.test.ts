import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMigration } from '../../src/client/migration.js';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { ErrorType } from '../../src/shared/errorTypes.js';
import { progressQuery } from '../../src/workflows/definitions.js';
import { AZURE_HARNESS, azureWorkerEnv } from './support/azure.js';
import { startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';
import {
  FAST_WAIT,
  createJob,
  openaiFor,
  runSync,
  uploadSample,
  waitForJob,
} from './support/wandbHelpers.js';
import { spawnWorker, type WorkerProcess } from './support/workerProcess.js';

/** The innermost failure a workflow failed with. */
async function failureOf(result: Promise<unknown>): Promise<ApplicationFailure> {
  const err: unknown = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  expect(e).toBeInstanceOf(ApplicationFailure);
  return e as ApplicationFailure;
}

/** How the workflow's history went: failed workflow tasks (a plain Error), and attempts per activity. */
async function historyFacts(h: Harness, workflowId: string) {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<string, string>();
  const attempts = new Map<string, number>();
  let failedTasks = 0;
  for (const e of history.events ?? []) {
    if (e.workflowTaskFailedEventAttributes) failedTasks++;
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '?');
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const type = scheduled.get(String(started.scheduledEventId)) ?? '?';
      attempts.set(type, Math.max(attempts.get(type) ?? 0, started.attempt ?? 1));
    }
  }
  return { failedTasks, attempts };
}

describe('only typed failures leave workflow code: a permanent condition fails at once', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
  });
  afterAll(() => h?.close());

  it('migrating a model version that no pipeline trained fails the workflow at once, typed, saying what to give instead', async () => {
    const project = `no-lineage-${randomUUID().slice(0, 6)}`;
    const openai = openaiFor(h);
    const jobId = await createJob(openai, await uploadSample(openai));
    await waitForJob(openai, jobId);
    // `finetune sync` makes a model version with no recorded training dataset version.
    await runSync(h, { fineTuneJobId: jobId, project });
    const started = await startMigration(h.client, {
      from: jobId,
      project,
      collection: 'model-metadata',
      sourceTaskQueue: h.taskQueue,
      targetTaskQueue: h.taskQueue,
      minAgreement: 0.7,
      wait: FAST_WAIT,
    });
    const f = await failureOf(started.handle.result());
    expect(f.type).toBe(ErrorType.MigrationSourceIncomplete);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toMatch(/no recorded training dataset version/);
    expect(f.message).toMatch(/give --from a version a pipeline trained/);
    // Not a workflow task failing (and retried) over and over: one clean workflow failure.
    expect((await historyFacts(h, started.workflowId)).failedTasks).toBe(0);
  });
});

describe('an Azure worker without its management-plane settings', () => {
  let h: Harness;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    h = await startHarness(AZURE_HARNESS);
    const env = azureWorkerEnv(h);
    // Trains (the data plane is all it needs) but cannot deploy.
    worker = spawnWorker(h, {
      ...env,
      AZURE_SUBSCRIPTION_ID: '',
      AZURE_RESOURCE_GROUP: '',
      AZURE_OPENAI_ACCOUNT: '',
    });
  });
  afterAll(async () => {
    await worker?.kill();
    await h?.close();
  });

  it('fails an approved promotion at once with what to set, instead of retrying a configuration error for hours', async () => {
    const started = await startFineTunePipeline(
      h.client,
      sampleInput(FAST_WAIT, {
        suffix: 'no-arm',
        promotion: { autoApprove: { by: 'ops' }, gates: { eval: 'off', drift: 'off' } },
      }),
      { taskQueue: h.taskQueue },
    );
    const f = await failureOf(started.handle.result());
    expect(f.type).toBe(ErrorType.ProviderNotConfigured);
    expect(f.nonRetryable).toBe(true);
    for (const setting of [
      'AZURE_SUBSCRIPTION_ID',
      'AZURE_RESOURCE_GROUP',
      'AZURE_OPENAI_ACCOUNT',
    ]) {
      expect(f.message).toContain(setting);
    }
    const facts = await historyFacts(h, started.workflowId);
    expect(facts.attempts.get('prepareServing')).toBe(1);
    const p = await started.handle.query(progressQuery);
    expect(p.stage).toBe('failed');
    expect(p.approval?.decision).toMatchObject({ decision: 'approve', by: 'ops' });
  }, 180_000);
});

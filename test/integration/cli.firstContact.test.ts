import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline, type PipelineStatus } from '../../src/client/pipeline.js';
import { progressQuery } from '../../src/workflows/definitions.js';
import { ROOT, runCli } from '../cli/support/runCli.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

// `finetune start`, `sync`, `status` and `cancel` as a person meets them, run as processes on the
// real dev server: a queue nobody polls, unknown ids, a cancelled and a finished pipeline.

const SAMPLE = join(ROOT, 'data/sample/train.jsonl');
const MODEL = 'gpt-4.1-mini-2025-04-14';
const FAST = { minPollMs: 300, maxPollMs: 2000 };
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('with no worker on the task queue', () => {
  let h: Harness;
  const started: string[] = [];
  // The harness's worker is never started: its queue has no pollers.
  beforeAll(async () => {
    h = await startHarness({}, false);
  });
  afterAll(async () => {
    for (const id of started)
      await h.client.workflow
        .getHandle(id)
        .terminate('test cleanup')
        .catch(() => undefined);
    await h?.close();
  });
  const cli = (args: string[]) =>
    runCli([...args, '--address', h.temporalAddress, '--namespace', 'default'], {
      timeoutMs: 60_000,
    });

  it('finetune start refuses, naming the queue and how to start a worker, and starts nothing', async () => {
    const workflowId = `cli-${randomUUID()}`;
    const r = await cli([
      'start',
      '--training',
      SAMPLE,
      '--model',
      MODEL,
      '--task-queue',
      h.taskQueue,
      '--workflow-id',
      workflowId,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`No worker is polling task queue "${h.taskQueue}"`);
    expect(r.stderr).toContain(`FINETUNE_TASK_QUEUE=${h.taskQueue} finetune worker`);
    expect(r.stderr).toContain('--no-worker-check');
    expect(r.stderr).toContain('Nothing was started.');
    noStack(r.stderr);
    await expect(h.client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
  });

  it('--no-worker-check starts it; status says at once why it does not move', async () => {
    const workflowId = `cli-${randomUUID()}`;
    const r = await cli([
      'start',
      '--training',
      SAMPLE,
      '--model',
      MODEL,
      '--task-queue',
      h.taskQueue,
      '--workflow-id',
      workflowId,
      '--no-worker-check',
    ]);
    expect(r.stderr).not.toMatch(/No worker/);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(workflowId);
    // Nobody can run its pre-flight: it is not waited for, and the note says why.
    expect(r.stderr).toContain(`note: no worker polls task queue "${h.taskQueue}"`);
    started.push(workflowId);

    const status = await cli(['status', workflowId]);
    expect(status.code).toBe(0);
    // No query is sent to a worker that is not there, so the answer comes in seconds.
    expect(status.ms).toBeLessThan(20_000);
    expect(status.stdout).toContain(`workflow  ${workflowId}  (running)`);
    expect(status.stdout).toMatch(
      new RegExp(`note {6}No worker is polling task queue "${h.taskQueue}".*not moving`),
    );
    expect(status.stdout).toContain(`FINETUNE_TASK_QUEUE=${h.taskQueue} finetune worker`);

    const json = await cli(['status', workflowId, '--json']);
    const parsed = JSON.parse(json.stdout) as PipelineStatus;
    expect(parsed.worker).toEqual({ taskQueue: h.taskQueue, polling: false });
    expect(parsed.execution).toBe('RUNNING');

    // Cancelling it records the request, and says that nothing happens until a worker runs.
    const cancel = await cli(['cancel', workflowId]);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain(`cancellation requested for ${workflowId}`);
    expect(cancel.stderr).toMatch(
      new RegExp(`no worker is polling task queue "${h.taskQueue}".*cancelled only once one runs`),
    );
  });

  it('finetune sync refuses the same way; --no-worker-check --detach starts it', async () => {
    const r = await cli(['sync', '--task-queue', h.taskQueue, '--last', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`No worker is polling task queue "${h.taskQueue}"`);
    expect(r.stderr).toContain('so the sync would wait for one');
    noStack(r.stderr);
    const detached = await cli([
      'sync',
      '--task-queue',
      h.taskQueue,
      '--last',
      '1',
      '--detach',
      '--no-worker-check',
    ]);
    expect(detached.code).toBe(0);
    started.push(detached.stdout.trim());
    expect(detached.stdout).toMatch(/^wandb-sync-/);
  });

  it('status and cancel of an unknown id say so, without a stack trace', async () => {
    const id = `nope-${randomUUID()}`;
    for (const command of ['status', 'cancel']) {
      const r = await cli([command, id]);
      expect(r.code, command).toBe(1);
      expect(r.stderr).toContain(
        `error: No pipeline with workflow id "${id}" in namespace "default".`,
      );
      noStack(r.stderr);
    }
  });
});

describe('cancel and status of pipelines a worker runs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(
      { durations: { validatingMs: 300, queuedMs: 300, runningMs: 6000 }, steps: 10 },
      false,
    );
    await h.startWorker();
  });
  afterAll(() => h?.close());
  const cli = (args: string[]) =>
    runCli([...args, '--address', h.temporalAddress, '--namespace', 'default'], {
      timeoutMs: 60_000,
    });

  it('after a cancel, status shows the job as cancelled; a second cancel says it had ended', async () => {
    const pipeline = await startFineTunePipeline(h.client, sampleInput(FAST), {
      taskQueue: h.taskQueue,
    });
    const jobId = await eventually('the job to be training', async () => {
      const p = await pipeline.handle.query(progressQuery).catch(() => undefined);
      return p?.stage === 'training' && p.jobId ? p.jobId : undefined;
    });
    const cancel = await cli(['cancel', pipeline.workflowId]);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain(`cancellation requested for ${pipeline.workflowId}`);
    expect(cancel.stderr).toBe('');
    await expect(pipeline.handle.result()).rejects.toThrow();
    await eventually('the job to be cancelled', () =>
      h.openai.jobTimeline(jobId)?.status === 'cancelled' ? true : undefined,
    );

    const status = await cli(['status', pipeline.workflowId]);
    expect(status.code).toBe(2); // ended without a model: the exit code says so
    expect(status.stdout).toContain(`workflow  ${pipeline.workflowId}  (cancelled)`);
    expect(status.stdout).toContain('stage     cancelled');
    expect(status.stdout).toMatch(/^status {4}cancelled/m);
    expect(status.stdout).not.toMatch(/^status {4}(running|queued|validating_files)$/m);
    expect(status.stdout).toContain(
      `note      The pipeline was cancelled, and its fine-tuning job ${jobId} with it`,
    );

    const again = await cli(['cancel', pipeline.workflowId]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(
        `Nothing to cancel: pipeline ${pipeline.workflowId} had already been cancelled at \\d{4}-\\d\\d-\\d\\dT`,
      ),
    );
    expect(again.stdout).toContain(`finetune status ${pipeline.workflowId}`);
  });

  it('cancel of a completed pipeline says it had completed', async () => {
    const pipeline = await startFineTunePipeline(h.client, sampleInput(FAST), {
      taskQueue: h.taskQueue,
    });
    await pipeline.handle.result();
    const r = await cli(['cancel', pipeline.workflowId]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`Nothing to cancel: pipeline ${pipeline.workflowId} had already completed at `),
    );
  });

  it('finetune start with a worker polling starts, and returns once the pre-flight passed', async () => {
    const r = await cli([
      'start',
      '--training',
      SAMPLE,
      '--model',
      MODEL,
      '--task-queue',
      h.taskQueue,
      '--suffix',
      'cli',
    ]);
    expect(r.stderr).not.toMatch(/No worker/);
    expect(r.code).toBe(0);
    const workflowId = r.stdout.trim();
    expect(workflowId).toMatch(/^finetune-/);
    expect(r.stderr).toMatch(/^pre-flight passed in /m);
    await h.client.workflow.getHandle(workflowId).cancel();
  });
});

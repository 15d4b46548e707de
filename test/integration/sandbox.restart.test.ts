import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { traceFrom } from '../../src/client/lineage.js';
import { listPipelines } from '../../src/client/list.js';
import { resolve } from '../../src/client/promotion.js';
import { runSandbox, type SandboxOptions } from '../../src/sandbox/run.js';
import { SANDBOX_OPENAI_KEY, type SandboxStack } from '../../src/sandbox/stack.js';
import { SYNC_DEFAULTS } from '../../src/shared/syncTypes.js';
import { TASK_QUEUE } from '../../src/shared/types.js';

// The sandbox's memory is one folder: the Temporal history and the emulators' state together.
// Stopped and started again on it, the sandbox lists the earlier pipeline, and that pipeline's
// lineage, the alias it moved and its provider job are all still there. A folder from before
// the emulators were kept says so at start, and lineage says what is missing.

const where = { project: SYNC_DEFAULTS.project, collection: SYNC_DEFAULTS.modelArtifactName };
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
  dirs.push(d);
  return d;
}

const options = (dir: string, by: string): SandboxOptions => ({
  ui: false,
  persist: true,
  stateDir: dir,
  runningSeconds: 1,
  dropWebhooks: false,
  autoApprove: { by },
});

describe('a sandbox restarted on the same folder', () => {
  it('lists the earlier pipeline, whose lineage, alias and provider job are still there', async () => {
    const dir = stateDir();
    const first = await runSandbox(options(dir, 'first'));
    await first.stack.stop();
    expect(first.result).toMatchObject({ status: 'succeeded', stage: 'promoted' });

    const notices: string[] = [];
    let second: { stack: SandboxStack } | undefined;
    try {
      second = await runSandbox({ ...options(dir, 'second'), onNotice: (n) => notices.push(n) });
      const { client } = second.stack;
      expect(notices).toEqual([]);
      const listed = (await listPipelines(client)).map((p) => p.workflowId);
      expect(listed).toContain(first.result.workflowId);

      const chain = await traceFrom(client, first.result.workflowId, {
        ...where,
        taskQueue: TASK_QUEUE,
      });
      expect(chain.wandbError).toBeUndefined();
      expect(chain.pipeline?.workflowId).toBe(first.result.workflowId);
      expect(chain.wandb?.model).toMatchObject({
        jobId: first.result.jobId,
        fineTunedModel: first.result.fineTunedModel,
      });
      expect(chain.wandb?.promotion?.approvedBy).toBe('first');

      // The second promotion replaced the first's version: the W&B emulator remembered it.
      const now = await resolve(
        client,
        { ...where, alias: 'production' },
        { taskQueue: TASK_QUEUE },
      );
      expect(now?.promotedBy).toBe('second');
      expect(now?.replaced).toBe(first.result.promotion!.modelVersion);

      // The provider still has the first job, and its model answers.
      const openai = new OpenAI({
        baseURL: second.stack.openai!.baseURL,
        apiKey: SANDBOX_OPENAI_KEY,
      });
      const job = await openai.fineTuning.jobs.retrieve(first.result.jobId!);
      expect(job).toMatchObject({
        status: 'succeeded',
        fine_tuned_model: first.result.fineTunedModel,
      });
    } finally {
      await second?.stack.stop();
    }
  });

  it('a folder with the history but not the emulators says so, and lineage says what is missing', async () => {
    const dir = stateDir();
    const first = await runSandbox(options(dir, 'first'));
    await first.stack.stop();
    // What a sandbox folder from before this version looks like: temporal.db alone.
    rmSync(join(dir, 'openai'), { recursive: true, force: true });
    rmSync(join(dir, 'wandb'), { recursive: true, force: true });

    const notices: string[] = [];
    let second: { stack: SandboxStack } | undefined;
    try {
      second = await runSandbox({ ...options(dir, 'second'), onNotice: (n) => notices.push(n) });
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(
        /holds pipelines from an earlier sandbox whose emulator state was not kept .*their provider files and jobs and their W&B runs and model versions are gone.*Remove /,
      );
      const chain = await traceFrom(second.stack.client, first.result.workflowId, {
        ...where,
        taskQueue: TASK_QUEUE,
      });
      expect(chain.pipeline?.jobId).toBe(first.result.jobId);
      expect(chain.wandb).toBeUndefined();
      expect(chain.wandbError).toMatch(
        new RegExp(
          `^the W&B record of this model is gone: the pipeline synced job ${first.result.jobId} to W&B run .*/${first.result.jobId}, but W&B ${where.project} has no model-metadata:${first.result.jobId} now`,
        ),
      );
    } finally {
      await second?.stack.stop();
    }
  });
});

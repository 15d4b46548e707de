import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { createWandbClient } from '../../src/activities/wandb/index.js';
import { openAIProviderFor } from '../../src/providers/fromEnv.js';
import { traceFrom } from '../../src/client/lineage.js';
import { listPipelines } from '../../src/client/list.js';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { lineage, resolve } from '../../src/client/promotion.js';
import { buildLocalStack } from '../../src/localStack/index.js';
import {
  eventually,
  startHarness,
  TEST_OPENAI_KEY,
  TEST_WANDB_KEY,
  type Harness,
} from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

// `finetune resolve` and `lineage` are reads: they run as standalone activities on the worker and
// leave no workflow execution behind (counted by visibility). Where the server has no standalone
// activities, or the worker predates them, they still answer, as the read workflows they were.

const FAST = { minPollMs: 300, maxPollMs: 2000 };
const READ_WORKFLOWS = '("resolveModelAlias", "traceModelLineage")';

const count = async (c: Client, query: string) => Number((await c.workflow.count(query)).count);

/** The count once visibility has settled (the same three times in a row). */
async function settledCount(c: Client, query: string): Promise<number> {
  let last = -1;
  let same = 0;
  for (;;) {
    const now = await count(c, query);
    same = now === last ? same + 1 : 0;
    if (same >= 2) return now;
    last = now;
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('reads leave no workflow executions', () => {
  let h: Harness;
  const project = `reads-${randomUUID().slice(0, 8)}`;
  const where = { project, collection: 'model-metadata' };
  let pipeline: { workflowId: string; jobId: string; fineTunedModel: string };
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    const started = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, {
        wandb: { project },
        promotion: { autoApprove: { by: 'reader' } },
      }),
      { taskQueue: h.taskQueue },
    );
    const result = await started.handle.result();
    pipeline = { workflowId: started.workflowId, ...result };
  });
  afterAll(() => h?.close());

  it('ten reads answer and add no workflow execution; the reads are activities of their own', async () => {
    const onQueue = `TaskQueue = "${h.taskQueue}"`;
    const before = await settledCount(h.client, onQueue);
    expect(before).toBeGreaterThan(0); // the pipeline and its child workflows
    const opts = { taskQueue: h.taskQueue };
    for (let i = 0; i < 4; i++) {
      const now = await resolve(h.client, { ...where, alias: 'production' }, opts);
      expect(now).toMatchObject({ fineTunedModel: pipeline.fineTunedModel, promotedBy: 'reader' });
      const chain = await lineage(h.client, { ...where, start: pipeline.jobId }, opts);
      expect(chain.model.fineTunedModel).toBe(pipeline.fineTunedModel);
    }
    const fromWorkflow = await traceFrom(h.client, pipeline.workflowId, { ...where, ...opts });
    expect(fromWorkflow.wandb?.model.jobId).toBe(pipeline.jobId);
    await expect(
      lineage(h.client, { ...where, start: 'model-metadata:v99' }, opts),
    ).rejects.toThrow(/trace the lineage of model-metadata:v99 failed: .*is not in W&B/);

    // Visibility has seen the ten reads (as activities) before the workflows are counted again.
    const reads = await eventually(
      'the reads in visibility',
      async () => {
        const n = Number((await h.client.activity.count(onQueue)).count);
        return n >= 10 ? n : undefined;
      },
      30_000,
    );
    expect(reads).toBe(10);
    expect(await count(h.client, onQueue)).toBe(before);
    expect(await count(h.client, `${onQueue} AND WorkflowType IN ${READ_WORKFLOWS}`)).toBe(0);
    // `finetune list` shows the pipeline, and only it.
    const listed = await listPipelines(h.client, { idPrefix: pipeline.workflowId });
    expect(listed.map((p) => p.workflowId)).toEqual([pipeline.workflowId]);
  });

  it('a worker that predates the read activities still answers, through the read workflow', async () => {
    // An older worker on a queue of its own: the same workflows, no readModelAlias/Lineage.
    const taskQueue = `old-${randomUUID()}`;
    const all = createActivities({
      provider: openAIProviderFor({ apiKey: TEST_OPENAI_KEY, baseURL: `${h.openai.url}/v1` }),
      multipartThresholdBytes: 64 * 1024 * 1024,
      partSizeBytes: 32 * 1024 * 1024,
      wandb: createWandbClient({ apiKey: TEST_WANDB_KEY, baseUrl: h.wandb!.url }),
    });
    const older = Object.fromEntries(
      Object.entries(all).filter(([name]) => !name.startsWith('readModel')),
    );
    const connection = await NativeConnection.connect({ address: h.temporalAddress });
    const worker = await Worker.create({
      connection,
      taskQueue,
      activities: older,
      workflowBundle: { codePath: h.bundlePath },
    });
    const running = worker.run();
    try {
      await eventually('the old worker to poll', async () =>
        (
          await h.client.workflowService.describeTaskQueue({
            namespace: 'default',
            taskQueue: { name: taskQueue },
          })
        ).pollers?.length
          ? true
          : undefined,
      );
      const started = Date.now();
      const now = await resolve(h.client, { ...where, alias: 'production' }, { taskQueue });
      expect(now?.fineTunedModel).toBe(pipeline.fineTunedModel);
      // At once, not after the read's two-minute budget of retries.
      expect(Date.now() - started).toBeLessThan(30_000);
      await eventually('the read workflow in visibility', async () =>
        (await count(
          h.client,
          `TaskQueue = "${taskQueue}" AND WorkflowType = "resolveModelAlias"`,
        )) === 1
          ? true
          : undefined,
      );
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
    }
  });
});

describe('on a server without standalone activities', () => {
  it('reads still answer, as read workflows', async () => {
    const stack = await buildLocalStack({
      sdkLogs: 'silent',
      temporal: {
        start: { startTimeoutMs: 90_000, dynamicConfig: { 'activity.enableStandalone': false } },
      },
      openai: { apiKey: TEST_OPENAI_KEY },
      wandb: { emulator: { apiKeys: [TEST_WANDB_KEY], defaultEntity: 'tester' } },
      worker: {
        taskQueue: `nostandalone-${randomUUID()}`,
        workflowBundle: { codePath: inject('workflowBundlePath') },
        shutdownGraceTime: '1s',
      },
    });
    try {
      const taskQueue = stack.worker!.taskQueue;
      await eventually('the worker to poll', async () =>
        (
          await stack.client.workflowService.describeTaskQueue({
            namespace: 'default',
            taskQueue: { name: taskQueue },
          })
        ).pollers?.length
          ? true
          : undefined,
      );
      const where = { project: 'empty', collection: 'model-metadata' };
      expect(
        await resolve(stack.client, { ...where, alias: 'production' }, { taskQueue }),
      ).toBeNull();
      await expect(
        lineage(stack.client, { ...where, start: 'model-metadata:v1' }, { taskQueue }),
      ).rejects.toThrow(/is not in W&B/);
      await eventually('the read workflows in visibility', async () =>
        (await count(stack.client, `WorkflowType IN ${READ_WORKFLOWS}`)) === 2 ? true : undefined,
      );
    } finally {
      await stack.stop();
    }
  });
});

// Replay fixtures for failures that stop when they should (added with the patches
// `wandb-never-holds-the-fine-tune`, `wait-live-metrics-aside`, `best-effort-lets-cancellation-through`):
// the pipeline with its W&B sync beside it, W&B down across job creation and across a job's end,
// cancellation through best-effort work, and a migration refused with a typed failure.
// Run by scripts/capture-histories.ts (`npm run capture:histories -- --only=failures`).
import type { WorkflowHandle } from '@temporalio/client';
import { startMigration } from '../src/client/migration.js';
import { startFineTunePipeline } from '../src/client/pipeline.js';
import { startSync } from '../src/client/sync.js';
import type { LocalStack } from '../src/localStack/index.js';
import type { PipelineInput, PipelineProgress } from '../src/shared/types.js';
import { progressQuery } from '../src/workflows/definitions.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';

type Save = (type: string, scenario: string, workflowId: string) => void;

const fast = { minPollMs: 300, maxPollMs: 2000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 3000; i++) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    await sleep(100);
  }
  throw new Error(`never saw ${what}`);
}

const progressOf = (h: WorkflowHandle) =>
  h.query(progressQuery).catch(() => undefined as PipelineProgress | undefined);

async function pendingActivity(h: WorkflowHandle, type: string): Promise<true | undefined> {
  const d = await h.describe();
  return (d.raw.pendingActivities ?? []).some((a) => a.activityType?.name === type)
    ? true
    : undefined;
}

async function settle(h: WorkflowHandle): Promise<void> {
  await h.result().catch(() => undefined);
}

export async function captureFailures(stack: LocalStack, save: Save): Promise<void> {
  const client = stack.client;
  const wandb = stack.wandb!.emulator!;
  const emulator = stack.openai!;
  const start = (id: string, extra: Partial<PipelineInput>) =>
    startFineTunePipeline(client, sampleInput(fast, { suffix: id, ...extra }), {
      taskQueue: 'capture',
      workflowId: `replay-${id}`,
    });

  // W&B down from the start (a fresh worker: it must ask W&B for the entity): the job is created
  // without it; the sync child catches up on the versions, file ids and the run.
  wandb.setFaults({ rate5xx: 1 });
  const atCreation = await start('wandb-down-at-creation', {
    wandb: { project: 'outage-creation' },
    promotion: false,
  });
  await until('succeeded', async () =>
    (await progressOf(atCreation.handle))?.stage === 'succeeded' ? true : undefined,
  );
  wandb.setFaults(undefined);
  await settle(atCreation.handle);
  save('fineTunePipeline', 'wandb-down-at-creation', atCreation.workflowId);
  save('syncFineTune', 'catch-up-after-outage', `${atCreation.workflowId}/wandb`);

  // W&B healthy: the sync beside the pipeline, live metrics beside the wait.
  const aside = await start('wandb-aside', { wandb: { project: 'aside' }, promotion: false });
  await settle(aside.handle);
  save('fineTunePipeline', 'wandb-aside-succeeded', aside.workflowId);
  const asideWait = (await progressOf(aside.handle))?.waitWorkflowId;
  if (asideWait) save('awaitFineTuneJob', 'live-metrics-aside', asideWait);

  // W&B down across the job's end, with promotion: PII/token limit at once, the rest after W&B.
  const atEnd = await start('wandb-down-at-end', {
    wandb: { project: 'outage-end' },
    promotion: { autoApprove: { by: 'capture-bot' }, gates: { eval: 'off' } },
  });
  await until('training with its run open', async () => {
    const p = await progressOf(atEnd.handle);
    return p?.stage === 'training' && p.wandb?.runPath ? true : undefined;
  });
  wandb.setFaults({ rate5xx: 1 });
  await until('the W&B-free gates', async () =>
    (await progressOf(atEnd.handle))?.approval?.gates.length ? true : undefined,
  );
  await sleep(3000); // the sync retries against the outage for a while
  wandb.setFaults(undefined);
  await settle(atEnd.handle);
  save('fineTunePipeline', 'wandb-down-at-end-promoted', atEnd.workflowId);

  // Cancelled while training (the sync starts beside the cancellation), and in the eval gate.
  const cancelled = await start('aside-cancelled', {
    wandb: { project: 'aside' },
    promotion: false,
  });
  await until('the job', async () => (await progressOf(cancelled.handle))?.jobId);
  await cancelled.handle.cancel();
  await settle(cancelled.handle);
  save('fineTunePipeline', 'cancelled-while-training-sync-beside', cancelled.workflowId);

  emulator.setFaults({ latencyMs: 30_000, onlyPaths: /chat\/completions/ });
  const inGate = await start('cancelled-in-gate', {
    wandb: { project: 'aside' },
    promotion: { gates: { drift: 'off', eval: 'warn' } },
  });
  await until('the eval gate', () => pendingActivity(inGate.handle, 'evaluateForGate'));
  await inGate.handle.cancel();
  await settle(inGate.handle);
  emulator.setFaults(undefined);
  save('fineTunePipeline', 'cancelled-in-eval-gate', inGate.workflowId);

  // A sync batch cancelled while its children write history: it ends cancelled.
  const jobs = await Promise.all(
    ['batch-a', 'batch-b'].map(async (suffix) => {
      const p = await start(suffix, { wandb: false, promotion: false });
      return (await p.handle.result()).jobId;
    }),
  );
  wandb.setFaults({ latencyMs: 20_000, onlyPaths: /file_stream/ });
  const batch = await startSync(
    client,
    { numFineTunes: 2, project: 'cancelled-batch', wait: fast },
    { taskQueue: 'capture', workflowId: 'replay-sync-cancelled' },
  );
  await until('history being written', async () =>
    (
      await Promise.all(
        jobs.map((j) =>
          pendingActivity(
            client.workflow.getHandle(`wandb-sync/~/cancelled-batch/${j}`),
            'logResultsHistory',
          ),
        ),
      )
    ).every(Boolean)
      ? true
      : undefined,
  );
  await batch.handle.cancel();
  await settle(batch.handle);
  wandb.setFaults(undefined);
  save('syncFineTunes', 'cancelled-mid-history', batch.workflowId);

  // A migration from a version `finetune sync` made (no recorded training data): refused, typed.
  const [synced] = jobs;
  await (
    await startSync(
      client,
      { fineTuneJobId: synced, project: 'no-lineage', wait: fast },
      { taskQueue: 'capture', workflowId: 'replay-sync-no-lineage' },
    )
  ).handle.result();
  const migration = await startMigration(
    client,
    {
      from: synced!,
      project: 'no-lineage',
      collection: 'model-metadata',
      sourceTaskQueue: 'capture',
      targetTaskQueue: 'capture',
      minAgreement: 0.7,
      wait: fast,
    },
    { workflowId: 'replay-migrate-no-lineage' },
  );
  await settle(migration.handle);
  save('migrateModel', 'source-without-lineage', migration.workflowId);
}

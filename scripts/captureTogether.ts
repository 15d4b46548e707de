// Replay fixtures of the pipeline on Together AI (the emulator, through the Together provider):
// the price checked before the job, and a run stopped by --max-cost. Run by
// scripts/capture-histories.ts (`npm run capture:histories -- --only=together`), on a stack of
// its own: one provider per worker.
import type { WorkflowHandle } from '@temporalio/client';
import { startFineTunePipeline } from '../src/client/pipeline.js';
import { buildLocalStack } from '../src/localStack/index.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';

type Save = (type: string, scenario: string, workflowId: string) => void;

const fast = { minPollMs: 300, maxPollMs: 2000 };
const TASK_QUEUE = 'capture-together';

async function settle(h: WorkflowHandle): Promise<void> {
  await h.result().catch(() => undefined);
}

export async function captureTogether(
  temporal: { address: string },
  wandbKey: string,
  save: Save,
): Promise<void> {
  const stack = await buildLocalStack({
    temporal: { address: temporal.address },
    together: { timeScale: 400, apiKey: 'together-capture', seed: 11 },
    wandb: { emulator: { apiKeys: [wandbKey], defaultEntity: 'capture' } },
    worker: { taskQueue: TASK_QUEUE },
  });
  try {
    const input = (suffix: string, extra: Parameters<typeof sampleInput>[1] = {}) =>
      sampleInput(fast, { model: 'Qwen/Qwen3-8B', suffix, ...extra });
    // training-cost-check (new branch), serving on a dedicated endpoint at promotion.
    const checked = await startFineTunePipeline(
      stack.client,
      input('cost-checked', {
        wandb: { project: 'together-capture' },
        promotion: { autoApprove: { by: 'capture-bot' } },
      }),
      { taskQueue: TASK_QUEUE, workflowId: 'replay-together-cost-checked' },
    );
    await settle(checked.handle);
    save('fineTunePipeline', 'together-cost-checked', checked.workflowId);

    // An estimate above --max-cost: stopped before the job, this run's uploads deleted.
    const refused = await startFineTunePipeline(
      stack.client,
      input('too-dear', { maxCostUsd: 0.000001 }),
      { taskQueue: TASK_QUEUE, workflowId: 'replay-together-max-cost-refused' },
    );
    await settle(refused.handle);
    save('fineTunePipeline', 'together-max-cost-refused', refused.workflowId);
  } finally {
    await stack.stop();
  }
}

// Replay fixtures for patch branches no other scenario reaches (src/workflows/patches.ts names
// them as guards). Run by scripts/capture-histories.ts (`npm run capture:histories -- --only=patches`).
import type { WorkflowHandle } from '@temporalio/client';
import { startMigration } from '../src/client/migration.js';
import { startFineTunePipeline } from '../src/client/pipeline.js';
import type { LocalStack } from '../src/localStack/index.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';

type Save = (type: string, scenario: string, workflowId: string) => void;

const fast = { minPollMs: 300, maxPollMs: 2000 };

async function settle(h: WorkflowHandle): Promise<void> {
  await h.result().catch(() => undefined);
}

export async function capturePatchPaths(stack: LocalStack, save: Save): Promise<void> {
  const client = stack.client;
  const where = { project: 'patch-paths', collection: 'model-metadata' };

  // migrate-requires-a-base: a migration told to train on no base fails before any work.
  const promoted = await startFineTunePipeline(
    client,
    sampleInput(fast, {
      suffix: 'to-migrate',
      wandb: { project: where.project },
      promotion: { autoApprove: { by: 'capture-bot' }, gates: { eval: 'off', drift: 'off' } },
    }),
    { taskQueue: 'capture', workflowId: 'replay-patch-paths-promoted' },
  );
  await settle(promoted.handle);
  const noBase = await startMigration(
    client,
    {
      from: 'production',
      ...where,
      base: '',
      sourceTaskQueue: 'capture',
      targetTaskQueue: 'capture',
      minAgreement: 0.7,
      wait: fast,
    },
    { workflowId: 'replay-migrate-base-missing' },
  );
  await settle(noBase.handle);
  save('migrateModel', 'base-missing', noBase.workflowId);
}

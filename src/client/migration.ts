import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { MigrateInput } from '../shared/migrationTypes.js';
import type { migrateModel } from '../workflows/migrateModel.js';
import { requireWorker } from './pollers.js';

export interface StartedMigration {
  workflowId: string;
  /** The pipeline that retrains at the target; approve it when it waits. */
  pipelineWorkflowId: string;
  handle: WorkflowHandle<typeof migrateModel>;
}

/** Starts `finetune migrate`; both workers (source and target) must be polling. */
export async function startMigration(
  client: Client,
  input: MigrateInput,
  options: { workflowId?: string; workerCheck?: boolean } = {},
): Promise<StartedMigration> {
  if (options.workerCheck !== false) {
    await requireWorker(
      client,
      input.sourceTaskQueue,
      'recording the current model (the source provider)',
    );
    await requireWorker(client, input.targetTaskQueue, 'retraining at the target provider');
  }
  const workflowId = options.workflowId ?? `migrate-${randomUUID()}`;
  const handle = await client.workflow.start<typeof migrateModel>('migrateModel', {
    workflowId,
    taskQueue: input.sourceTaskQueue,
    args: [input],
    staticSummary: `migrate ${input.from} to ${input.targetTaskQueue}`,
  });
  return { workflowId, pipelineWorkflowId: `${workflowId}/pipeline`, handle };
}

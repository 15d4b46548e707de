import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { FineTuneBaseModel } from '../shared/searchAttributes.js';
import type { PipelineInput, PipelineProgress, PipelineResult } from '../shared/types.js';
import { TASK_QUEUE } from '../shared/types.js';
import {
  jobProgressQuery,
  progressQuery,
  type AwaitJobProgress,
} from '../workflows/definitions.js';
import type { fineTunePipeline } from '../workflows/fineTunePipeline.js';

export interface StartOptions {
  workflowId?: string;
  taskQueue?: string;
}

export interface StartedPipeline {
  workflowId: string;
  runId: string;
  handle: WorkflowHandle<typeof fineTunePipeline>;
}

/** Starts a pipeline and returns at once; the workflow id is the handle to everything after. */
export async function startFineTunePipeline(
  client: Client,
  input: PipelineInput,
  options: StartOptions = {},
): Promise<StartedPipeline> {
  const workflowId = options.workflowId ?? `finetune-${randomUUID()}`;
  const handle = await client.workflow.start<typeof fineTunePipeline>('fineTunePipeline', {
    workflowId,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    args: [input],
    typedSearchAttributes: [{ key: FineTuneBaseModel, value: input.model }],
    staticSummary: `fine-tune ${input.model} on ${input.training.path}`,
  });
  return { workflowId, runId: handle.firstExecutionRunId, handle };
}

export interface PipelineStatus {
  workflowId: string;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, … */
  execution: string;
  progress?: PipelineProgress;
  job?: AwaitJobProgress;
  result?: PipelineResult;
  failure?: string;
}

/** One call for `finetune status`: pipeline stage plus the waiting child's live job view. */
export async function getPipelineStatus(
  client: Client,
  workflowId: string,
): Promise<PipelineStatus> {
  const handle = client.workflow.getHandle<typeof fineTunePipeline>(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new Error(`No pipeline with workflow id "${workflowId}" in this namespace.`);
    }
    throw err;
  }
  const status: PipelineStatus = { workflowId, execution: description.status.name };
  status.progress = await handle.query(progressQuery).catch(() => undefined);
  if (status.progress?.waitWorkflowId) {
    status.job = await client.workflow
      .getHandle(status.progress.waitWorkflowId)
      .query(jobProgressQuery)
      .catch(() => undefined);
  }
  if (description.status.name === 'COMPLETED') status.result = await handle.result();
  if (description.status.name === 'FAILED') {
    status.failure = await handle.result().then(
      () => undefined,
      (err: unknown) => rootMessage(err),
    );
  }
  return status;
}

/** Temporal wraps failures (WorkflowFailedError → ApplicationFailure); the innermost says why. */
export function rootMessage(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

export async function cancelPipeline(client: Client, workflowId: string): Promise<void> {
  await client.workflow.getHandle(workflowId).cancel();
}

import { readEventDeliveries, type EventStatus } from './events.js';
import { rootMessage } from '../shared/rootCause.js';
import { estimatedCostOf, type EstimatedCost } from '../shared/estimatedCost.js';
import type { ServingState } from '../shared/providerTypes.js';
import { readRunningServing } from './runningServing.js';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { Connection, WorkflowNotFoundError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { FineTuneBaseModel, FineTuneJobId, FineTuneStage } from '../shared/searchAttributes.js';
import type { Reach } from '../shared/commandHints.js';
import { pipelineStaticDetails, pipelineSummary } from './pipelineMetadata.js';
import { hasWorkflowPollers, startWorkerHint } from './pollers.js';
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
  /**
   * How a person reaches this Temporal (the commands in the Web UI's details carry it). Default:
   * the client's address and namespace.
   */
  reach?: Reach;
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
  const reach = options.reach ?? {
    address:
      client.connection instanceof Connection ? client.connection.options.address : undefined,
    namespace: client.options.namespace,
  };
  const handle = await client.workflow.start<typeof fineTunePipeline>('fineTunePipeline', {
    workflowId,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    args: [input],
    typedSearchAttributes: [{ key: FineTuneBaseModel, value: input.model }],
    staticSummary: pipelineSummary(input),
    staticDetails: pipelineStaticDetails(input, workflowId, reach),
  });
  return { workflowId, runId: handle.firstExecutionRunId, handle };
}

export interface PipelineStatus {
  workflowId: string;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, … */
  execution: string;
  /** The task queue the pipeline runs on, and whether any worker polls it right now. */
  worker?: { taskQueue: string; polling: boolean };
  progress?: PipelineProgress;
  job?: AwaitJobProgress;
  result?: PipelineResult;
  failure?: string;
  /** The stage from the pipeline's search attribute, when its progress could not be queried. */
  stage?: string;
  /** Sentences a person needs to read the rest: why it does not move, what a cancel did. */
  notes?: string[];
  /** The events it emitted and their deliveries (a dead endpoint shows here). */
  events?: EventStatus[];
  /** The training price estimated before the job (the provider's, or ours), once known. */
  estimatedCost?: EstimatedCost;
  /** Everything of ours serving and billed now, live (with `{ serving: true }`, where billed). */
  running?: ServingState[];
}

/** `status` or `cancel` of a workflow id the namespace does not know. */
export class PipelineNotFoundError extends Error {
  override name = 'PipelineNotFoundError';
  constructor(
    readonly workflowId: string,
    namespace: string,
  ) {
    super(
      `No pipeline with workflow id "${workflowId}" in namespace "${namespace}". ` +
        'Check the id (`finetune start` prints it; `finetune list` shows recent ones) and --namespace.',
    );
  }
}

type Description = Awaited<ReturnType<WorkflowHandle['describe']>>;

async function describeOrExplain(
  client: Client,
  handle: WorkflowHandle,
  workflowId: string,
): Promise<Description> {
  try {
    return await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || (err as { code?: number }).code === 5) {
      throw new PipelineNotFoundError(workflowId, client.options.namespace);
    }
    throw err;
  }
}

/** Whether a worker polls the queue; undefined when the server will not say (e.g. permissions). */
async function polling(client: Client, taskQueue: string): Promise<boolean | undefined> {
  try {
    return await hasWorkflowPollers(client, taskQueue);
  } catch {
    return undefined;
  }
}

/** One call for `finetune status`: pipeline stage plus the waiting child's live job view. */
export async function getPipelineStatus(
  client: Client,
  workflowId: string,
  opts: { serving?: boolean } = {},
): Promise<PipelineStatus> {
  const handle = client.workflow.getHandle<typeof fineTunePipeline>(workflowId);
  const description = await describeOrExplain(client, handle, workflowId);
  const execution = description.status.name;
  const status: PipelineStatus = { workflowId, execution };
  const notes: string[] = [];
  const taskQueue = description.taskQueue;
  const workerPolls = await polling(client, taskQueue);
  if (workerPolls !== undefined) status.worker = { taskQueue, polling: workerPolls };
  // Queries are answered by a worker (even for a closed workflow, which a worker replays): with
  // none polling they would wait for one, so they are skipped and the search attribute says where
  // the pipeline stands.
  if (workerPolls !== false) {
    status.progress = await handle.query(progressQuery).catch(() => undefined);
    if (status.progress?.waitWorkflowId) {
      status.job = await client.workflow
        .getHandle(status.progress.waitWorkflowId)
        .query(jobProgressQuery)
        .catch(() => undefined);
    }
  }
  const estimatedCost = status.progress && estimatedCostOf(status.progress);
  if (estimatedCost) status.estimatedCost = estimatedCost;
  if (opts.serving && workerPolls) {
    const running = await readRunningServing(client, taskQueue);
    if (running) status.running = running;
  }
  if (status.progress?.events?.length) {
    status.events = await readEventDeliveries(client, status.progress.events);
  }
  if (!status.progress) {
    const stage = description.typedSearchAttributes.get(FineTuneStage);
    if (stage) status.stage = stage;
  }
  if (workerPolls === false) {
    notes.push(
      execution === 'RUNNING'
        ? `No worker is polling task queue "${taskQueue}" (namespace "${client.options.namespace}"), so this pipeline is not moving: ` +
            `it resumes where it stopped once one runs. Start one with \`${startWorkerHint(taskQueue)}\`.`
        : `No worker is polling task queue "${taskQueue}", so the pipeline's stage and job details are not shown; ` +
            `start one with \`${startWorkerHint(taskQueue)}\` to see them.`,
    );
  }
  if (execution === 'COMPLETED') status.result = await handle.result();
  if (execution === 'FAILED') {
    status.failure = await handle.result().then(
      () => undefined,
      (err: unknown) => rootMessage(err),
    );
  }
  if (execution === 'CANCELLED')
    notes.push(cancelledNote(status, description.typedSearchAttributes.get(FineTuneJobId)));
  if (execution === 'TERMINATED')
    notes.push(
      'The pipeline was terminated (not cancelled): its fine-tuning job, if any, was left as it was at the provider.',
    );
  if (notes.length) status.notes = notes;
  return status;
}

/**
 * What a cancel did. The waiting child's last snapshot (and the pipeline's own copy) still hold
 * the status the job had before the cancel, so say plainly that the job was cancelled.
 */
function cancelledNote(s: PipelineStatus, jobIdAttribute: string | undefined): string {
  const p = s.progress;
  const jobId = p?.jobId ?? s.job?.jobId ?? jobIdAttribute;
  if (!jobId)
    return p
      ? 'The pipeline was cancelled before it created a fine-tuning job.'
      : 'The pipeline was cancelled.';
  const last = s.job?.last?.status ?? p?.job?.status;
  const before = last && last !== 'cancelled' ? ` (it was ${last} when the cancel came)` : '';
  return `The pipeline was cancelled, and its fine-tuning job ${jobId} with it${before}.`;
}

/** What `cancelPipeline` did. */
export type CancelOutcome =
  | {
      /** The request is recorded; the pipeline cancels its OpenAI job and ends. */
      requested: true;
      workflowId: string;
      taskQueue: string;
      /** False when no worker polls the queue: nothing happens until one runs. */
      workerPolling?: boolean;
    }
  | {
      /** The pipeline had already ended; nothing was sent. */
      requested: false;
      workflowId: string;
      execution: string;
      closedAt?: Date;
    };

/**
 * Requests cancellation of a running pipeline (its OpenAI job is cancelled too). A pipeline that
 * has already ended is left alone and reported as such; an unknown id throws PipelineNotFoundError.
 */
export async function cancelPipeline(client: Client, workflowId: string): Promise<CancelOutcome> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await describeOrExplain(client, handle, workflowId);
  if (description.status.name !== 'RUNNING') {
    return {
      requested: false,
      workflowId,
      execution: description.status.name,
      ...(description.closeTime ? { closedAt: description.closeTime } : {}),
    };
  }
  await handle.cancel();
  const workerPolling = await polling(client, description.taskQueue);
  return {
    requested: true,
    workflowId,
    taskQueue: description.taskQueue,
    ...(workerPolling !== undefined ? { workerPolling } : {}),
  };
}

export { rootMessage };

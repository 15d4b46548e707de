import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type {
  KbLineage,
  KbMoveResult,
  KbProgress,
  KbQueryAnswer,
  KbQueryInput,
  KbReadInput,
  KnowledgeBaseInput,
  KnowledgeBaseResult,
  ResolvedKnowledgeBase,
  RollbackKnowledgeBaseInput,
} from '../shared/knowledgeBaseTypes.js';
import type { DecisionKind, DecisionReply, DecisionRequest } from '../shared/promotionTypes.js';
import { rootMessage } from '../shared/rootCause.js';
import { FineTuneStage } from '../shared/searchAttributes.js';
import { TASK_QUEUE } from '../shared/types.js';
import { kbProgressQuery } from '../workflows/definitions.js';
import type { knowledgeBasePipeline } from '../workflows/knowledgeBasePipeline.js';
import { kbInputProblems } from '../workflows/kb/rules.js';
import { readEventDeliveries, type EventStatus } from './events.js';
import { PipelineNotFoundError } from './pipeline.js';
import { hasWorkflowPollers, requireWorker } from './pollers.js';
import { decidePromotion } from './promotion.js';
import { failedOnWorker, readOnWorker } from './reads.js';

// The knowledge base's library functions: what `finetune kb …` calls, and what scripts call
// instead of shelling out. Ingests are workflows (knowledgeBasePipeline); rollback is a workflow
// (rollbackKnowledgeBase); resolve, query and lineage are reads the worker answers as standalone
// activities (the worker holds the store's credentials and the W&B key).

export const KB_WORKFLOW_TYPE = 'knowledgeBasePipeline';

/** Input the pipeline would refuse, refused before anything starts. */
export class KnowledgeBaseInputError extends Error {
  override name = 'KnowledgeBaseInputError';
}

export interface KbRunOptions {
  taskQueue?: string;
  workflowId?: string;
}

export interface StartedKnowledgeBase {
  workflowId: string;
  runId: string;
  handle: WorkflowHandle<typeof knowledgeBasePipeline>;
}

/** `finetune kb ingest`: starts an ingest and returns at once (the workflow id is its handle). */
export async function startKnowledgeBaseIngest(
  client: Client,
  input: KnowledgeBaseInput,
  options: KbRunOptions = {},
): Promise<StartedKnowledgeBase> {
  const problems = kbInputProblems(input);
  if (problems.length) throw new KnowledgeBaseInputError(problems.join('; '));
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  await requireWorker(client, taskQueue, 'the ingest');
  const workflowId = options.workflowId ?? `kb-${input.kb}-${randomUUID()}`;
  const handle = await client.workflow.start<typeof knowledgeBasePipeline>(KB_WORKFLOW_TYPE, {
    workflowId,
    taskQueue,
    args: [input],
    staticSummary: `knowledge base ${input.kb}: ingest ${input.sources.join(', ')}`,
  });
  return { workflowId, runId: handle.firstExecutionRunId, handle };
}

export interface KnowledgeBaseStatus {
  workflowId: string;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, … */
  execution: string;
  progress?: KbProgress;
  result?: KnowledgeBaseResult;
  failure?: string;
  /** The events it emitted and their deliveries (a dead endpoint shows here). */
  events?: EventStatus[];
  /** The stage from the search attribute, when no worker could answer the query. */
  stage?: string;
  worker?: { taskQueue: string; polling: boolean };
}

/** `finetune kb status`: the ingest's stage, figures, gates and decision. */
export async function getKnowledgeBaseStatus(
  client: Client,
  workflowId: string,
): Promise<KnowledgeBaseStatus> {
  const handle = client.workflow.getHandle<typeof knowledgeBasePipeline>(workflowId);
  let description: Awaited<ReturnType<typeof handle.describe>>;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new PipelineNotFoundError(workflowId, client.options.namespace);
    }
    throw err;
  }
  const execution = description.status.name;
  const status: KnowledgeBaseStatus = { workflowId, execution };
  const polling = await hasWorkflowPollers(client, description.taskQueue).catch(() => undefined);
  if (polling !== undefined) status.worker = { taskQueue: description.taskQueue, polling };
  if (polling !== false) {
    status.progress = await handle.query(kbProgressQuery).catch(() => undefined);
  }
  if (status.progress?.events?.length) {
    status.events = await readEventDeliveries(client, status.progress.events);
  }
  if (!status.progress) {
    const stage = description.typedSearchAttributes.get(FineTuneStage);
    if (stage) status.stage = stage;
  }
  if (execution === 'COMPLETED') status.result = await handle.result();
  if (execution === 'FAILED') {
    status.failure = await handle.result().then(
      () => undefined,
      (err: unknown) => rootMessage(err),
    );
  }
  return status;
}

/** `finetune kb approve|reject`: the same desk and Update as a fine-tune's promotion. */
export function decideKnowledgeBase(
  client: Client,
  workflowId: string,
  decision: DecisionKind,
  request: DecisionRequest,
  options: { taskQueue?: string } = {},
): Promise<DecisionReply> {
  return decidePromotion(client, workflowId, decision, request, options);
}

/** `finetune kb rollback`: production back (store and W&B), saying from which version to which. */
export async function rollBackKnowledgeBase(
  client: Client,
  input: RollbackKnowledgeBaseInput,
  options: KbRunOptions = {},
): Promise<KbMoveResult> {
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  const what = `roll back production of knowledge base ${input.kb}`;
  await requireWorker(client, taskQueue, what);
  try {
    return await client.workflow.execute<(i: RollbackKnowledgeBaseInput) => Promise<KbMoveResult>>(
      'rollbackKnowledgeBase',
      {
        workflowId: options.workflowId ?? `kb-rollback-${input.kb}-${randomUUID()}`,
        taskQueue,
        args: [input],
        staticSummary: what,
      },
    );
  } catch (err) {
    throw failedOnWorker(what, err);
  }
}

function readKb<T>(
  client: Client,
  what: string,
  activity: 'readKnowledgeBase' | 'queryKnowledgeBase' | 'readKbLineage',
  input: unknown,
  options: KbRunOptions,
): Promise<T> {
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  return readOnWorker<T>(client, { what, activity, input, taskQueue }, () => {
    throw new Error(
      `${what} needs standalone activities (Temporal Server 1.32 or later with activity.enableStandalone, as the dev server of Temporal CLI 1.9 has) and a worker of this version.`,
    );
  });
}

/** `finetune kb resolve`: what a RAG service opens for production (null: nothing promoted yet). */
export function resolveKnowledgeBase(
  client: Client,
  input: KbReadInput,
  options: KbRunOptions = {},
): Promise<ResolvedKnowledgeBase | null> {
  return readKb(
    client,
    `resolve production of knowledge base ${input.kb}`,
    'readKnowledgeBase',
    input,
    options,
  );
}

/** `finetune kb query`: a question against production, or a named version, to try an index. */
export function queryKnowledgeBase(
  client: Client,
  input: KbQueryInput,
  options: KbRunOptions = {},
): Promise<KbQueryAnswer> {
  return readKb(client, `query knowledge base ${input.kb}`, 'queryKnowledgeBase', input, options);
}

/** `finetune kb lineage`: index → chunks → documents, gates and promotion, from W&B. */
export function knowledgeBaseLineage(
  client: Client,
  input: KbReadInput & { version?: string },
  options: KbRunOptions = {},
): Promise<KbLineage> {
  return readKb(
    client,
    `trace the lineage of knowledge base ${input.kb}`,
    'readKbLineage',
    input,
    options,
  );
}

import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import {
  FineTuneApprovedBy,
  FineTuneBaseModel,
  FineTuneJobId,
  FineTuneStage,
  FineTunedModel,
} from '../shared/searchAttributes.js';
import type { PipelineStage } from '../shared/types.js';

/** The workflow type of a pipeline: children (`…/job`, `…/wandb`, syncs) have other types. */
export const PIPELINE_WORKFLOW_TYPE = 'fineTunePipeline';

/** Every value the pipeline writes into `FineTuneStage`, in pipeline order. */
export const PIPELINE_STAGES = [
  'validating',
  'uploading',
  'creating_job',
  'training',
  'evaluating',
  'awaiting_approval',
  'promoting',
  'promoted',
  'rejected',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type ListedStage = (typeof PIPELINE_STAGES)[number];
// A stage added to PipelineStage but not here fails to compile, so `--stage` always accepts it.
const everyStageListed: Exclude<PipelineStage, ListedStage> extends never ? true : false = true;
void everyStageListed;

export interface PipelineListFilter {
  /** FineTuneStage equals this. */
  stage?: string;
  /** The base model (FineTuneBaseModel) or the fine-tuned model (FineTunedModel) equals this. */
  model?: string;
  /** The workflow id starts with this. */
  idPrefix?: string;
}

export interface ListPipelinesOptions extends PipelineListFilter {
  /** At most this many, newest first; default: every match. */
  limit?: number;
}

/** One pipeline run as visibility sees it (eventually consistent: seconds behind at most). */
export interface PipelineListing {
  workflowId: string;
  runId: string;
  stage: string | null;
  jobId: string | null;
  fineTunedModel: string | null;
  baseModel: string | null;
  approvedBy: string | null;
  /** Temporal's status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT. */
  status: string;
  /** ISO 8601 UTC. */
  startedAt: string;
  closedAt: string | null;
}

/**
 * A string literal for a visibility query: double-quoted, with `\` and `"` escaped, so a value
 * can never end the literal and inject query syntax.
 */
export function quoteQueryValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The visibility query `finetune list` runs; paste it into the Temporal Web UI's search box
 * (or `temporal workflow list --query`) to see the same pipelines there.
 */
export function pipelineListQuery(filter: PipelineListFilter = {}): string {
  const clauses = [`WorkflowType = ${quoteQueryValue(PIPELINE_WORKFLOW_TYPE)}`];
  if (filter.stage !== undefined) {
    clauses.push(`${FineTuneStage.name} = ${quoteQueryValue(filter.stage)}`);
  }
  if (filter.model !== undefined) {
    const m = quoteQueryValue(filter.model);
    clauses.push(`(${FineTuneBaseModel.name} = ${m} OR ${FineTunedModel.name} = ${m})`);
  }
  if (filter.idPrefix !== undefined) {
    clauses.push(`WorkflowId STARTS_WITH ${quoteQueryValue(filter.idPrefix)}`);
  }
  return clauses.join(' AND ');
}

function toListing(w: WorkflowExecutionInfo): PipelineListing {
  const sa = w.typedSearchAttributes;
  return {
    workflowId: w.workflowId,
    runId: w.runId,
    stage: sa.get(FineTuneStage) ?? null,
    jobId: sa.get(FineTuneJobId) ?? null,
    fineTunedModel: sa.get(FineTunedModel) ?? null,
    baseModel: sa.get(FineTuneBaseModel) ?? null,
    approvedBy: sa.get(FineTuneApprovedBy) ?? null,
    status: w.status.name,
    startedAt: w.startTime.toISOString(),
    closedAt: w.closeTime?.toISOString() ?? null,
  };
}

/**
 * Pipelines (never their child workflows) matching the filter, newest start first.
 * Visibility has no portable ORDER BY (SQL stores and Temporal Cloud refuse it; the server's own
 * order puts running executions first), so every match is read and sorted here, then cut to
 * `limit`. A run that continued as new is left out: its successor is listed instead.
 */
export async function listPipelines(
  client: Client,
  options: ListPipelinesOptions = {},
): Promise<PipelineListing[]> {
  const { limit, ...filter } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new RangeError(`limit must be a whole number of 1 or more, got ${limit}`);
  }
  const listings: PipelineListing[] = [];
  for await (const w of client.workflow.list({ query: pipelineListQuery(filter) })) {
    if (w.status.name !== 'CONTINUED_AS_NEW') listings.push(toListing(w));
  }
  listings.sort(
    (a, b) => b.startedAt.localeCompare(a.startedAt) || a.workflowId.localeCompare(b.workflowId),
  );
  return limit === undefined ? listings : listings.slice(0, limit);
}

import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ErrorType } from '../shared/errorTypes.js';
import type { LineageReport } from '../shared/governanceTypes.js';
import type { ApprovalRecord } from '../shared/promotionTypes.js';
import type { DatasetSummary, PipelineWandbResult, UploadedFile } from '../shared/types.js';
import { progressQuery } from '../workflows/definitions.js';
import { rootMessage } from './pipeline.js';
import { lineage } from './promotion.js';
import { WorkerRequestError } from './reads.js';

/** What the pipeline itself knows (from its query), when lineage starts from a workflow id. */
export interface PipelineFacts {
  workflowId: string;
  stage: string;
  datasets: Pick<DatasetSummary, 'role' | 'path' | 'digest' | 'examples'>[];
  files: Pick<UploadedFile, 'fileId' | 'reused'>[];
  jobId: string | null;
  fineTunedModel: string | null;
  approval: ApprovalRecord | null;
  /** Where the pipeline synced to W&B (or why it did not); null before its sync ran. */
  wandb: Pick<PipelineWandbResult, 'runPath' | 'skipped' | 'artifacts'> | null;
}

export interface LineageAnswer {
  pipeline?: PipelineFacts;
  wandb?: LineageReport;
  /** Why the W&B part is missing: not synced (yet, or W&B off), or synced and gone since. */
  wandbError?: string;
}

async function pipelineFacts(client: Client, workflowId: string): Promise<PipelineFacts | null> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    const d = await handle.describe();
    if (d.type !== 'fineTunePipeline') return null;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
  const p = await handle.query(progressQuery);
  return {
    workflowId,
    stage: p.stage,
    datasets: p.datasets.map((d) => ({
      role: d.role,
      path: d.path,
      digest: d.digest,
      examples: d.examples,
    })),
    files: p.files.map((f) => ({ fileId: f.fileId, reused: f.reused })),
    jobId: p.jobId ?? null,
    fineTunedModel: p.job?.fineTunedModel ?? null,
    approval: p.approval ?? null,
    wandb: p.wandb
      ? { runPath: p.wandb.runPath, skipped: p.wandb.skipped, artifacts: p.wandb.artifacts }
      : null,
  };
}

const ENDED = new Set(['failed', 'cancelled']);

/**
 * What is really missing when W&B has no model version for a pipeline's job: the record of a
 * sync that happened (gone since), or a sync that never happened (yet).
 */
export function missingWandbRecord(
  p: PipelineFacts,
  where: { project: string; entity?: string; collection: string },
): string {
  const place = `${where.entity ? `${where.entity}/` : ''}${where.project}`;
  const version = `${where.collection}:${p.jobId}`;
  if (p.wandb?.runPath) {
    return (
      `the W&B record of this model is gone: the pipeline synced job ${p.jobId} to W&B run ` +
      `${p.wandb.runPath}, but W&B ${place} has no ${version} now. It was deleted, or the worker ` +
      `now writes to another W&B server, entity or project (as a sandbox does whose W&B emulator ` +
      `started empty).`
    );
  }
  if (p.wandb?.skipped) {
    return `not synced to W&B: the pipeline skipped it (${p.wandb.skipped}); \`finetune sync ${p.jobId}\` syncs the job now.`;
  }
  if (ENDED.has(p.stage)) {
    return `not synced to W&B: the pipeline ended (${p.stage}) before its W&B sync; \`finetune sync ${p.jobId}\` syncs the job now.`;
  }
  return `not synced to W&B yet: the pipeline is at ${p.stage}, and syncs when training ends.`;
}

/**
 * `finetune lineage <model version | job id | workflow id>`: a pipeline's own record (when given
 * its workflow id) joined with the W&B chain of its model version.
 */
export async function traceFrom(
  client: Client,
  start: string,
  w: { project: string; entity?: string; collection: string; taskQueue?: string },
): Promise<LineageAnswer> {
  const looksLikeVersion = start.includes(':') || /^ftjob-|\.ft-/.test(start);
  const pipeline = looksLikeVersion ? null : await pipelineFacts(client, start);
  const from = pipeline ? pipeline.jobId : start;
  const answer: LineageAnswer = pipeline ? { pipeline } : {};
  if (!from) return { ...answer, wandbError: 'the pipeline has no job yet' };
  try {
    answer.wandb = await lineage(
      client,
      { project: w.project, entity: w.entity, collection: w.collection, start: from },
      { taskQueue: w.taskQueue },
    );
  } catch (err) {
    if (!pipeline) throw err;
    const notFound =
      err instanceof WorkerRequestError && err.failureType === ErrorType.WandbNotFound;
    answer.wandbError = notFound ? missingWandbRecord(pipeline, w) : rootMessage(err);
  }
  return answer;
}

import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { LineageReport } from '../shared/governanceTypes.js';
import type { ApprovalRecord } from '../shared/promotionTypes.js';
import type { DatasetSummary, UploadedFile } from '../shared/types.js';
import { progressQuery } from '../workflows/definitions.js';
import { rootMessage } from './pipeline.js';
import { lineage } from './promotion.js';

/** What the pipeline itself knows (from its query), when lineage starts from a workflow id. */
export interface PipelineFacts {
  workflowId: string;
  stage: string;
  datasets: Pick<DatasetSummary, 'role' | 'path' | 'digest' | 'examples'>[];
  files: Pick<UploadedFile, 'fileId' | 'reused'>[];
  jobId: string | null;
  fineTunedModel: string | null;
  approval: ApprovalRecord | null;
}

export interface LineageAnswer {
  pipeline?: PipelineFacts;
  wandb?: LineageReport;
  /** Why the W&B part is missing (W&B off, not synced, …). */
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
  };
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
    answer.wandbError = rootMessage(err);
  }
  return answer;
}

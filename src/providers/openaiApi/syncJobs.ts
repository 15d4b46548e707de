import type OpenAI from 'openai';
import type { JobForSync } from '../../shared/syncTypes.js';
import { jobError } from './snapshot.js';

type Job = OpenAI.FineTuning.FineTuningJob;

/** The job facts the W&B sync needs, including whether the service's own W&B integration is on. */
export function jobForSync(job: Job): JobForSync {
  const wandb = (job.integrations ?? []).find((i) => i.type === 'wandb')?.wandb;
  return {
    jobId: job.id,
    status: job.status,
    model: job.model,
    method: job.method?.type ?? 'supervised',
    trainingFile: job.training_file,
    validationFile: job.validation_file ?? null,
    resultFiles: job.result_files ?? [],
    fineTunedModel: job.fine_tuned_model ?? null,
    error: jobError(job),
    wandbIntegration: wandb ? { project: wandb.project, entity: wandb.entity ?? null } : null,
  };
}

/**
 * Job ids to sync, newest first, across every page (WandbLogger read only the first page of 20,
 * and took the oldest N of it). With `limit`, the N newest.
 */
export async function listJobIds(
  client: OpenAI,
  limit: number | undefined,
  signal?: AbortSignal,
): Promise<string[]> {
  const ids: string[] = [];
  const pageSize = Math.min(100, limit ?? 100);
  for await (const job of client.fineTuning.jobs.list({ limit: pageSize }, { signal })) {
    ids.push(job.id);
    if (limit !== undefined && ids.length >= limit) break;
  }
  return ids;
}

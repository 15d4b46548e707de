import { Context } from '@temporalio/activity';
import type OpenAI from 'openai';
import type { JobForSync } from '../../shared/syncTypes.js';
import { calling } from './errors.js';
import { jobError } from './snapshot.js';

/** The job facts the W&B sync needs, including whether OpenAI's own W&B integration is on. */
export async function describeJobForSync(client: OpenAI, jobId: string): Promise<JobForSync> {
  const job = await calling(`Reading fine-tuning job ${jobId}`, () =>
    client.fineTuning.jobs.retrieve(jobId, { signal: Context.current().cancellationSignal }),
  );
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
export async function listFineTuneJobIds(
  client: OpenAI,
  opts: { limit?: number },
): Promise<string[]> {
  const ids: string[] = [];
  await calling('Listing fine-tuning jobs', async () => {
    const pageSize = Math.min(100, opts.limit ?? 100);
    for await (const job of client.fineTuning.jobs.list({ limit: pageSize })) {
      ids.push(job.id);
      if (opts.limit !== undefined && ids.length >= opts.limit) break;
    }
  });
  return ids;
}

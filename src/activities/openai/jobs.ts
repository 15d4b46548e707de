import { activityInfo, Context } from '@temporalio/activity';
import type OpenAI from 'openai';
import type { FineTuneMethod, JobSnapshot } from '../../shared/types.js';
import { isTerminal, WORKFLOW_ID_METADATA_KEY } from '../../shared/types.js';
import { calling } from './errors.js';
import { toApiMethod } from './method.js';
import { latestMetrics, toSnapshot } from './snapshot.js';

export const RUN_ID_METADATA_KEY = 'tf_run_id';

export interface CreateJobInput {
  /** Identifies the pipeline run; written to job metadata so a retry finds the job it made. */
  workflowId: string;
  runId: string;
  model: string;
  trainingFileId: string;
  validationFileId?: string;
  method?: FineTuneMethod;
  suffix?: string;
  seed?: number;
  metadata?: Record<string, string>;
}

async function findJobFor(
  client: OpenAI,
  workflowId: string,
  runId: string,
  signal?: AbortSignal,
): Promise<OpenAI.FineTuning.FineTuningJob | undefined> {
  const page = client.fineTuning.jobs.list(
    { metadata: { [WORKFLOW_ID_METADATA_KEY]: workflowId }, limit: 20 },
    { signal },
  );
  for await (const job of page) {
    if (job.metadata?.[RUN_ID_METADATA_KEY] === runId) return job;
  }
  return undefined;
}

/**
 * Creates the job exactly once per pipeline run. OpenAI honours no idempotency key, so the job is
 * tagged with the workflow and run ids and looked up first; the SDK's own retries are off for the
 * POST, leaving retries to Temporal, which looks up again before creating.
 */
export async function createFineTuneJob(
  client: OpenAI,
  input: CreateJobInput,
): Promise<JobSnapshot> {
  const signal = Context.current().cancellationSignal;
  const existing = await calling('Looking up an existing fine-tuning job', () =>
    findJobFor(client, input.workflowId, input.runId, signal),
  );
  if (existing) {
    Context.current().log.info('job already created by an earlier attempt', { jobId: existing.id });
    return toSnapshot(existing);
  }
  const job = await calling('Creating the fine-tuning job', () =>
    client.fineTuning.jobs.create(
      {
        model: input.model,
        training_file: input.trainingFileId,
        validation_file: input.validationFileId ?? null,
        suffix: input.suffix ?? null,
        seed: input.seed ?? null,
        method: toApiMethod(input.method),
        metadata: {
          ...input.metadata,
          [WORKFLOW_ID_METADATA_KEY]: input.workflowId,
          [RUN_ID_METADATA_KEY]: input.runId,
        },
      },
      { maxRetries: 0, signal },
    ),
  );
  Context.current().log.info('fine-tuning job created', {
    jobId: job.id,
    attempt: activityInfo().attempt,
  });
  return toSnapshot(job);
}

/** One safety-net poll: the job, plus its latest metrics while it trains. */
export async function pollFineTuneJob(client: OpenAI, jobId: string): Promise<JobSnapshot> {
  const signal = Context.current().cancellationSignal;
  const job = await calling(`Reading fine-tuning job ${jobId}`, () =>
    client.fineTuning.jobs.retrieve(jobId, { signal }),
  );
  if (job.status !== 'running' && !isTerminal(job.status)) return toSnapshot(job);
  const events = await calling(`Reading events of ${jobId}`, () =>
    client.fineTuning.jobs.listEvents(jobId, { limit: 20 }, { signal }),
  );
  return toSnapshot(job, latestMetrics(events.data));
}

/** Cancels the job unless it already finished; safe to repeat. */
export async function cancelFineTuneJob(client: OpenAI, jobId: string): Promise<JobSnapshot> {
  const current = await calling(`Reading fine-tuning job ${jobId}`, () =>
    client.fineTuning.jobs.retrieve(jobId),
  );
  if (isTerminal(current.status)) return toSnapshot(current);
  const job = await calling(`Cancelling fine-tuning job ${jobId}`, () =>
    client.fineTuning.jobs.cancel(jobId),
  );
  return toSnapshot(job);
}

/** For cancellation before the create activity reported back: the job may exist anyway. */
export async function cancelJobForRun(
  client: OpenAI,
  workflowId: string,
  runId: string,
): Promise<JobSnapshot | null> {
  const job = await calling('Looking up the fine-tuning job to cancel', () =>
    findJobFor(client, workflowId, runId),
  );
  return job ? cancelFineTuneJob(client, job.id) : null;
}

import { activityInfo, Context } from '@temporalio/activity';
import type OpenAI from 'openai';
import type { FineTuneMethod, JobSnapshot } from '../../shared/types.js';
import { isTerminal, WORKFLOW_ID_METADATA_KEY } from '../../shared/types.js';
import { calling } from './errors.js';
import { toApiMethod } from './method.js';
import type { FineTuneProvider, JobMatch } from '../../providers/types.js';
import type { Pulse } from '../pulse.js';
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

type Job = OpenAI.FineTuning.FineTuningJob;

/** How far back a provider without a metadata filter is searched (pages are newest first). */
const UNFILTERED_SCAN_LIMIT = 500;

/**
 * The job an earlier attempt of this run created, if any. OpenAI filters on metadata; Azure
 * documents no such filter, so its jobs are listed and matched here — by metadata while Azure
 * echoes it, else by what only this run's request had (model, files, created after the first
 * attempt began), recorded in the activity's heartbeat before the POST.
 */
async function findJobFor(
  provider: FineTuneProvider,
  match: JobMatch,
  signal?: AbortSignal,
): Promise<Job | undefined> {
  const { client } = provider;
  if (provider.filtersJobsByMetadata) {
    const page = client.fineTuning.jobs.list(
      { metadata: { [WORKFLOW_ID_METADATA_KEY]: match.workflowId }, limit: 20 },
      { signal },
    );
    for await (const job of page) {
      if (job.metadata?.[RUN_ID_METADATA_KEY] === match.runId) return job;
    }
    return undefined;
  }
  let seen = 0;
  let lookalike: Job | undefined;
  for await (const job of client.fineTuning.jobs.list({ limit: 100 }, { signal })) {
    if (job.metadata?.[RUN_ID_METADATA_KEY] === match.runId) return job;
    const sameRequest =
      !job.metadata?.[RUN_ID_METADATA_KEY] &&
      job.model === match.model &&
      job.training_file === match.trainingFileId &&
      (job.validation_file ?? undefined) === match.validationFileId &&
      match.notBefore !== undefined &&
      job.created_at >= match.notBefore;
    if (sameRequest) lookalike ??= job;
    if (++seen >= UNFILTERED_SCAN_LIMIT) break;
    if (match.notBefore !== undefined && job.created_at < match.notBefore - 3600) break;
  }
  return lookalike;
}

/** What a retried attempt needs to know of the first: when it began (unix seconds). */
export interface CreateCheckpoint {
  firstAttemptAt: number;
}

/**
 * Creates the job exactly once per pipeline run. OpenAI honours no idempotency key, so the job is
 * tagged with the workflow and run ids and looked up first; the SDK's own retries are off for the
 * POST, leaving retries to Temporal, which looks up again before creating.
 */
export async function createFineTuneJob(
  provider: FineTuneProvider,
  input: CreateJobInput,
  pulse: Pulse<CreateCheckpoint>,
): Promise<JobSnapshot> {
  const { client } = provider;
  const signal = Context.current().cancellationSignal;
  const resumed = activityInfo().heartbeatDetails as CreateCheckpoint | undefined;
  // A little slack for clock skew between the worker and the provider.
  const firstAttemptAt = resumed?.firstAttemptAt ?? Math.floor(Date.now() / 1000) - 60;
  pulse.checkpoint({ firstAttemptAt });
  const existing = await calling('Looking up an existing fine-tuning job', () =>
    findJobFor(
      provider,
      {
        workflowId: input.workflowId,
        runId: input.runId,
        model: input.model,
        trainingFileId: input.trainingFileId,
        validationFileId: input.validationFileId,
        notBefore: resumed ? firstAttemptAt : undefined,
      },
      signal,
    ),
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
        // Provider-only keys (Azure's trainingType) travel in the same body.
        ...provider.jobCreateExtras(),
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

export interface PollOptions {
  /**
   * Read the latest training metrics too (one more call): by default while running and at the
   * end. The sparse safety net (webhooks on, nobody watching) asks for the job alone.
   */
  metrics?: boolean;
}

/** One poll: the job, plus its latest metrics while it trains (unless told not to). */
export async function pollFineTuneJob(
  client: OpenAI,
  jobId: string,
  opts: PollOptions = {},
): Promise<JobSnapshot> {
  const signal = Context.current().cancellationSignal;
  const job = await calling(`Reading fine-tuning job ${jobId}`, () =>
    client.fineTuning.jobs.retrieve(jobId, { signal }),
  );
  if (opts.metrics === false) return toSnapshot(job);
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
  provider: FineTuneProvider,
  workflowId: string,
  runId: string,
): Promise<JobSnapshot | null> {
  const job = await calling('Looking up the fine-tuning job to cancel', () =>
    findJobFor(provider, { workflowId, runId, model: '', trainingFileId: '' }),
  );
  return job ? cancelFineTuneJob(provider.client, job.id) : null;
}

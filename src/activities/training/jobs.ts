import { activityInfo, Context } from '@temporalio/activity';
import type { CreateCheckpoint, CreateJobInput, FineTuneProvider } from '../../providers/types.js';
import type { JobSnapshot } from '../../shared/types.js';
import { activityCall, type Pulse } from '../pulse.js';

export type { CreateCheckpoint, CreateJobInput };

/**
 * Creates the job exactly once per pipeline run. When the attempt began is recorded in the
 * heartbeat before the request, so a retry (after a lost answer, or a worker killed between the
 * request and its answer) knows which jobs could be this run's; the provider finds the job an
 * earlier attempt made (by metadata, or by the run's key and request) before creating one.
 */
export async function createFineTuneJob(
  provider: FineTuneProvider,
  input: CreateJobInput,
  pulse: Pulse<CreateCheckpoint>,
): Promise<JobSnapshot> {
  const resumed = activityInfo().heartbeatDetails as CreateCheckpoint | undefined;
  // A little slack for clock skew between the worker and the provider.
  const firstAttemptAt = resumed?.firstAttemptAt ?? Math.floor(Date.now() / 1000) - 60;
  pulse.checkpoint({ firstAttemptAt });
  const job = await provider.jobs.create(input, {
    ...activityCall(pulse),
    ...(resumed ? { resumed } : {}),
    firstAttemptAt,
  });
  Context.current().log.info('fine-tuning job created', {
    jobId: job.jobId,
    attempt: activityInfo().attempt,
  });
  return job;
}

export interface PollOptions {
  /**
   * Read the latest training metrics too (one more call): by default while running and at the
   * end. The sparse safety net (webhooks on, nobody watching) asks for the job alone.
   */
  metrics?: boolean;
}

/** One poll: the job, plus its latest metrics while it trains (unless told not to). */
export function pollFineTuneJob(
  provider: FineTuneProvider,
  jobId: string,
  opts: PollOptions = {},
): Promise<JobSnapshot> {
  return provider.jobs.retrieve(jobId, opts, activityCall().signal);
}

/** Cancels the job unless it already finished; safe to repeat. */
export function cancelFineTuneJob(provider: FineTuneProvider, jobId: string): Promise<JobSnapshot> {
  return provider.jobs.cancel(jobId, activityCall().signal);
}

/** For cancellation before the create activity reported back: the job may exist anyway. */
export async function cancelJobForRun(
  provider: FineTuneProvider,
  workflowId: string,
  runId: string,
): Promise<JobSnapshot | null> {
  const { signal } = activityCall();
  const jobId = await provider.jobs.findForRun(
    { workflowId, runId, model: '', trainingFileId: '' },
    signal,
  );
  return jobId ? provider.jobs.cancel(jobId, signal) : null;
}

import type OpenAI from 'openai';
import type { JobError, JobSnapshot } from '../../shared/types.js';

type Job = OpenAI.FineTuning.FineTuningJob;
type JobEvent = OpenAI.FineTuning.FineTuningJobEvent;

interface MetricsData {
  step?: number;
  total_steps?: number;
  train_loss?: number;
  valid_loss?: number;
  full_valid_loss?: number;
}

/** The real service sends `error: {}` (or all-null fields) on healthy jobs: only a code counts. */
export function jobError(job: Job): JobError | null {
  const e = job.error as Partial<Job['error']> | null | undefined;
  if (!e || !e.code) return null;
  return { code: e.code, message: e.message ?? '', param: e.param ?? null };
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function latestMetrics(events: JobEvent[]): MetricsData | undefined {
  // Events come newest first; the first metrics event is the latest step.
  const ev = events.find((e) => e.type === 'metrics' && e.data && typeof e.data === 'object');
  return ev?.data as MetricsData | undefined;
}

export function toSnapshot(job: Job, metrics?: MetricsData): JobSnapshot {
  return {
    jobId: job.id,
    status: job.status, // may be 'paused', which the SDK's union omits
    model: job.model,
    fineTunedModel: job.fine_tuned_model ?? null,
    estimatedFinish: job.estimated_finish ?? null,
    finishedAt: job.finished_at ?? null,
    trainedTokens: job.trained_tokens ?? null,
    resultFiles: job.result_files ?? [],
    error: jobError(job),
    step: num(metrics?.step),
    totalSteps: num(metrics?.total_steps),
    trainLoss: num(metrics?.train_loss),
    validLoss: num(metrics?.full_valid_loss) ?? num(metrics?.valid_loss),
  };
}

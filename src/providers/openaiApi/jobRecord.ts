import type OpenAI from 'openai';
import type { JobRecord } from '../types.js';

type Job = OpenAI.FineTuning.FineTuningJob;

/** Unix seconds → ISO 8601 in UTC, zone explicit (WandbLogger wrote local time with no zone). */
export function isoUtc(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds <= 0)
    return null;
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `error: {}` on a healthy job means no error. */
function errorOf(job: Job): Record<string, unknown> | null {
  const e = job.error as Record<string, unknown> | null | undefined;
  return e && typeof e.code === 'string' && e.code ? e : null;
}

/**
 * The W&B run config for a job: every field the API returned, nested values as real JSON (not
 * Python repr), `result_files` as its first id (as WandbLogger does), times in UTC.
 */
export function jobRunConfig(job: Job): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(job)) as Record<string, unknown>;
  return {
    ...plain,
    result_files: job.result_files?.[0] ?? null,
    created_at: isoUtc(job.created_at),
    finished_at: isoUtc(job.finished_at),
    error: errorOf(job),
  };
}

/** The job as `model_metadata.json` and artifact metadata: real JSON, unix times kept as numbers. */
export function jobMetadata(job: Job): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(job)) as Record<string, unknown>;
  return { ...plain, error: errorOf(job) };
}

/** Run summary keys that describe the job's outcome. */
export function jobOutcomeSummary(job: Job): Record<string, unknown> {
  const summary: Record<string, unknown> = { status: job.status };
  if (job.fine_tuned_model) summary.fine_tuned_model = job.fine_tuned_model;
  if (job.trained_tokens !== null && job.trained_tokens !== undefined)
    summary.trained_tokens = job.trained_tokens;
  const error = errorOf(job);
  if (error) summary.error = error;
  return summary;
}

/** The job as W&B records it (config, model metadata, outcome summary). */
export function jobRecord(job: Job): JobRecord {
  return {
    jobId: job.id,
    status: job.status,
    config: jobRunConfig(job),
    metadata: jobMetadata(job),
    outcome: jobOutcomeSummary(job),
    createdAt: isoUtc(job.created_at),
  };
}

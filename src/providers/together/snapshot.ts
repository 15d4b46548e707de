import type { JobError, JobSnapshot } from '../../shared/types.js';

/** The fields of a Together job (truncated or full) the pipeline reads. */
export interface TogetherJob {
  id: string;
  status: string;
  created_at?: string;
  updated_at?: string;
  model?: string;
  model_output_name?: string;
  suffix?: string;
  training_file?: string;
  validation_file?: string;
  token_count?: number;
  total_price?: number;
  epochs_completed?: number;
  n_epochs?: number;
  progress?: { estimate_available: boolean; seconds_remaining: number };
  events?: TogetherEvent[];
}

export interface TogetherEvent {
  created_at?: string;
  type?: string;
  message?: string;
  level?: string | null;
  step?: number;
  total_steps?: number;
  hash?: string;
}

/**
 * Together's statuses in the pipeline's words (succeeded, failed, cancelled end the wait). The
 * snapshot keeps Together's own in `rawStatus`. Anything not listed — a status added after the
 * facts sheet — is taken as still running, and shown as sent.
 */
const STATUS_MAP: Record<string, string> = {
  pending: 'queued',
  queued: 'queued',
  running: 'running',
  // After training: the model is packed and stored; still not usable, time left still known.
  compressing: 'running',
  uploading: 'running',
  cancel_requested: 'running',
  completed: 'succeeded',
  error: 'failed',
  // Seen in older third-party lists (facts sheet §4).
  user_error: 'failed',
  cancelled: 'cancelled',
};

export function neutralStatus(raw: string): string {
  return STATUS_MAP[raw] ?? 'running';
}

/** Nano-dollars (py1's `finetune_price_to_dollars`) → USD. */
export const nanoToUsd = (nano: number | undefined): number | null =>
  typeof nano === 'number' && Number.isFinite(nano) ? nano / 1e9 : null;

const seconds = (iso: string | undefined): number | null => {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
};

/** Why a failed job failed: its last `job_error` event (Together keeps no error field). */
export function jobErrorOf(job: TogetherJob): JobError | null {
  if (neutralStatus(job.status) !== 'failed') return null;
  const e = [...(job.events ?? [])].reverse().find((x) => x.type === 'job_error');
  return { code: 'job_error', message: e?.message ?? `the job ended with status ${job.status}` };
}

/** The latest step and the total, from the events (they carry `step` and `total_steps`). */
export function stepsOf(job: TogetherJob): { step: number | null; totalSteps: number | null } {
  let step: number | null = null;
  let totalSteps: number | null = null;
  for (const e of job.events ?? []) {
    if (typeof e.step === 'number' && (step === null || e.step > step)) step = e.step;
    if (typeof e.total_steps === 'number' && e.total_steps > 0) totalSteps = e.total_steps;
  }
  return { step, totalSteps };
}

export interface LatestMetrics {
  step: number;
  trainLoss: number | null;
  validLoss: number | null;
}

/**
 * The pipeline's view of a Together job. The time left is Together's own estimate for the
 * current phase (`progress.seconds_remaining`, "to the next state"): the wait's adaptive poll
 * closes in on it phase by phase. The job's results are read from its metrics endpoint, so the
 * job id is its one "result file".
 */
export function toSnapshot(
  job: TogetherJob,
  metrics?: LatestMetrics,
  nowMs = Date.now(),
): JobSnapshot {
  const status = neutralStatus(job.status);
  const ended = status === 'succeeded' || status === 'failed' || status === 'cancelled';
  const steps = stepsOf(job);
  const estimate =
    !ended && job.progress?.estimate_available ? Math.max(0, job.progress.seconds_remaining) : null;
  return {
    jobId: job.id,
    status,
    ...(status !== job.status ? { rawStatus: job.status } : {}),
    model: job.model ?? '',
    fineTunedModel: status === 'succeeded' ? (job.model_output_name ?? null) : null,
    estimatedFinish: estimate === null ? null : Math.floor(nowMs / 1000) + estimate,
    ...(estimate === null ? {} : { estimateCovers: 'phase' as const }),
    finishedAt: ended ? seconds(job.updated_at) : null,
    trainedTokens: typeof job.token_count === 'number' ? job.token_count : null,
    resultFiles: ended ? [job.id] : [],
    error: jobErrorOf(job),
    step: metrics?.step ?? steps.step,
    totalSteps: steps.totalSteps,
    trainLoss: metrics?.trainLoss ?? null,
    validLoss: metrics?.validLoss ?? null,
    ...(typeof job.epochs_completed === 'number' ? { epoch: job.epochs_completed } : {}),
    costUsd: nanoToUsd(job.total_price),
  };
}

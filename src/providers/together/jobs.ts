import type { JobForSync } from '../../shared/syncTypes.js';
import type { CreateJobInput, JobRecord, ProviderJobs } from '../types.js';
import type { TogetherClients } from './client.js';
import type { TogetherCalling } from './errors.js';
import { needsLoraDefaults, togetherTraining } from './method.js';
import { latestOf, metricsToHistory } from './metrics.js';
import {
  jobErrorOf,
  nanoToUsd,
  neutralStatus,
  stepsOf,
  toSnapshot,
  type TogetherJob,
} from './snapshot.js';
import { abortableSleep as sleep } from '../shared/abortableSleep.js';
import { runKey } from '../shared/runKey.js';

/** What Together records as the suffix: the person's (if any), then the run's key. */
export function suffixWithKey(suffix: string | undefined, key: string): string {
  return suffix ? `${suffix}-${key}` : key;
}

const carriesKey = (job: TogetherJob, key: string): boolean =>
  job.suffix === key || (job.suffix?.endsWith(`-${key}`) ?? false);

const createdMs = (job: TogetherJob): number => Date.parse(job.created_at ?? '') || 0;

/** The earliest first, ties by id: every attempt (even a stale one still running) agrees. */
const byAge = (a: TogetherJob, b: TogetherJob): number =>
  createdMs(a) - createdMs(b) || a.id.localeCompare(b.id);

const GONE = new Set(['cancelled', 'cancel_requested']);

/** Jobs of this run, oldest first: its key, and (when known) its model and training file. */
function ours(
  jobs: TogetherJob[],
  key: string,
  match: { model?: string; trainingFileId?: string },
): TogetherJob[] {
  return jobs
    .filter(
      (j) =>
        carriesKey(j, key) &&
        (!match.model || j.model === match.model) &&
        (!match.trainingFileId || j.training_file === match.trainingFileId),
    )
    .sort(byAge);
}

/** The job a run keeps: the earliest that is not being cancelled, else the earliest there is. */
function keeper(mine: TogetherJob[]): TogetherJob | undefined {
  return mine.find((j) => !GONE.has(j.status)) ?? mine[0];
}

export interface TogetherJobsOptions {
  /** Pause before the second look when the first found nothing after an ambiguous attempt. */
  relistDelayMs?: number;
  /** The model's default LoRA rank, when the request gives LoRA settings without one. */
  loraRank?: (model: string, signal?: AbortSignal) => Promise<number>;
}

/**
 * Together's fine-tunes. No metadata, no list filter, no idempotency key, and an SDK that
 * re-sends a create on its own: creation is made exactly-once here (README "Together AI: one job
 * per pipeline"). The run's key goes in the suffix; the SDK's retries are off for the POST; the
 * list is scanned before the create (an earlier attempt's job is adopted) and after it (a job a
 * lost answer made, or a stale attempt's, is cancelled before it trains — the earliest is kept,
 * a rule every attempt applies alike).
 */
export function togetherJobs(
  c: TogetherClients,
  calling: TogetherCalling,
  options: TogetherJobsOptions = {},
): ProviderJobs {
  const list = (signal?: AbortSignal) =>
    calling('Listing fine-tuning jobs', async () => {
      const { data } = await c.v1.fineTuning.list({ signal });
      return data;
    });
  const read = (jobId: string, signal?: AbortSignal) =>
    calling(`Reading fine-tuning job ${jobId}`, async () => {
      const job = await c.v1.fineTuning.retrieve(jobId, { signal });
      return job;
    });
  const metrics = (jobId: string, from: number | undefined, signal?: AbortSignal) =>
    calling(`Reading metrics of ${jobId}`, async () => {
      const res = await c.v1.fineTuning.listMetrics(
        jobId,
        from !== undefined ? { global_step_from: from } : {},
        { signal },
      );
      return res.metrics ?? [];
    });
  const cancelOne = (jobId: string, signal?: AbortSignal) =>
    calling(`Cancelling fine-tuning job ${jobId}`, async () => {
      const job = await c.v1.fineTuning.cancel(jobId, { signal });
      return job;
    });
  const cancel = async (jobId: string, signal?: AbortSignal) => {
    const current = await read(jobId, signal);
    const status = neutralStatus(current.status);
    if (status === 'succeeded' || status === 'failed' || status === 'cancelled')
      return toSnapshot(current);
    if (current.status === 'cancel_requested') return toSnapshot(current);
    return toSnapshot(await cancelOne(jobId, signal));
  };

  /** Cancels every job of the run but the keeper; returns the keeper. */
  const settle = async (
    mine: TogetherJob[],
    log: (m: string, meta?: Record<string, unknown>) => void,
    signal?: AbortSignal,
  ): Promise<TogetherJob | undefined> => {
    const keep = keeper(mine);
    for (const dup of mine) {
      if (dup === keep || GONE.has(dup.status)) continue;
      const done = neutralStatus(dup.status);
      if (done === 'succeeded' || done === 'failed') continue;
      // A cancelled job is billed for the steps it ran: cancel it now, before it trains.
      const cancelled = await cancelOne(dup.id, signal);
      log('cancelled a duplicate job of this run', {
        jobId: dup.id,
        kept: keep?.id,
        status: dup.status,
        costUsdSoFar: nanoToUsd(cancelled.total_price ?? dup.total_price),
      });
    }
    return keep;
  };

  return {
    async create(input: CreateJobInput, ctx) {
      const key = runKey(input.workflowId, input.runId);
      const log = (m: string, meta?: Record<string, unknown>) => ctx.log(m, meta);
      const match = { model: input.model, trainingFileId: input.trainingFileId };
      let mine = ours(await list(ctx.signal), key, match);
      if (mine.length === 0 && ctx.resumed && options.relistDelayMs !== 0) {
        // An earlier attempt may have sent the request: the list may lag a create (unverified),
        // so one more look before sending another.
        await sleep(options.relistDelayMs ?? 2_000, ctx.signal);
        mine = ours(await list(ctx.signal), key, match);
      }
      const earlier = await settle(mine, log, ctx.signal);
      if (earlier) {
        ctx.log('job already created by an earlier attempt', { jobId: earlier.id });
        return toSnapshot(earlier);
      }
      const rank =
        needsLoraDefaults(input.tuning) && options.loraRank
          ? { rank: await options.loraRank(input.model, ctx.signal) }
          : undefined;
      ctx.heartbeat();
      const created = await calling('Creating the fine-tuning job', async () => {
        const job = await c.v1.fineTuning.create(
          {
            model: input.model,
            training_file: input.trainingFileId,
            ...(input.validationFileId ? { validation_file: input.validationFileId } : {}),
            suffix: suffixWithKey(input.suffix, key),
            ...togetherTraining(input.method, input.tuning, input.seed, rank),
          },
          // The SDK would re-send the POST after a lost answer, making a second job.
          { maxRetries: 0, signal: ctx.signal },
        );
        return job;
      });
      // After the create: a job an earlier (or stale, still running) attempt made meanwhile is
      // cancelled; should that one be the earlier, it is kept and this one cancelled instead.
      const listed = ours(await list(ctx.signal), key, match);
      // The list may not show the new job yet: it counts all the same.
      const after = listed.some((j) => j.id === created.id)
        ? listed
        : [...listed, created].sort(byAge);
      const keep = await settle(after, log, ctx.signal);
      return toSnapshot(keep && keep.id !== created.id ? keep : created);
    },
    async findForRun(match, signal) {
      const mine = ours(await list(signal), runKey(match.workflowId, match.runId), {});
      return keeper(mine)?.id;
    },
    async retrieve(jobId, opts, signal) {
      const job = await read(jobId, signal);
      const status = neutralStatus(job.status);
      if (opts.metrics === false || status === 'queued') return toSnapshot(job);
      // From the last step an event names: a few rows, not the whole run, per poll.
      const from = stepsOf(job).step ?? undefined;
      const rows = await metrics(jobId, from, signal);
      return toSnapshot(job, latestOf(rows));
    },
    cancel,
    async listIds(limit, signal) {
      const jobs = (await list(signal)).sort((a, b) => byAge(b, a));
      return (limit === undefined ? jobs : jobs.slice(0, limit)).map((j) => j.id);
    },
    async forSync(jobId, signal): Promise<JobForSync> {
      const job = await read(jobId, signal);
      const snap = toSnapshot(job);
      const method = (job as { training_method?: { method?: string } }).training_method?.method;
      return {
        jobId: job.id,
        status: snap.status,
        model: job.model ?? '',
        method: method === 'dpo' ? 'dpo' : 'supervised',
        trainingFile: job.training_file ?? '',
        validationFile: job.validation_file ?? null,
        resultFiles: snap.resultFiles,
        fineTunedModel: snap.fineTunedModel,
        error: snap.error,
        // Together's own W&B logging names its run itself, never after the job: no clash.
        wandbIntegration: null,
      };
    },
    async record(jobId, signal): Promise<JobRecord> {
      const job = await read(jobId, signal);
      const checkpoints = await calling(`Reading checkpoints of ${jobId}`, async () => {
        const res = await c.v1.fineTuning.listCheckpoints(jobId, { signal });
        return res.data;
      });
      // The full job has no suffix (the list has): it carries the run's key, worth keeping.
      const listed = (await list(signal)).find((j) => j.id === jobId);
      return togetherJobRecord(job, checkpoints, listed?.suffix);
    },
    async metricsAfter(jobId, afterStep, signal) {
      const rows = await metrics(jobId, afterStep + 1, signal);
      return metricsToHistory(rows).filter((r) => r.step > afterStep);
    },
  };
}

/** The job as W&B records it: every field but the (long) event list, times in UTC. */
export function togetherJobRecord(
  job: TogetherJob,
  checkpoints: unknown[],
  suffix: string | undefined,
): JobRecord {
  const fields = JSON.parse(JSON.stringify(job)) as Record<string, unknown>;
  delete fields.events;
  const snap = toSnapshot(job);
  const plain = { ...fields, ...(suffix ? { suffix } : {}) };
  const error = jobErrorOf(job);
  const outcome: Record<string, unknown> = { status: snap.status };
  if (snap.fineTunedModel) outcome.fine_tuned_model = snap.fineTunedModel;
  if (snap.trainedTokens !== null) outcome.trained_tokens = snap.trainedTokens;
  if (snap.costUsd !== null && snap.costUsd !== undefined) outcome.total_price_usd = snap.costUsd;
  if (error) outcome.error = error;
  return {
    jobId: job.id,
    status: snap.status,
    config: { ...plain, status: snap.status, provider_status: job.status, error },
    metadata: {
      ...plain,
      fine_tuned_model: snap.fineTunedModel,
      checkpoints,
      error,
    },
    outcome,
    createdAt: job.created_at
      ? new Date(job.created_at).toISOString().replace(/\.\d{3}Z$/, 'Z')
      : null,
  };
}

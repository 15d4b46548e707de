import type OpenAI from 'openai';
import { isTerminal, WORKFLOW_ID_METADATA_KEY } from '../../shared/types.js';
import type { HistoryRow } from '../../wandb/fileStream.js';
import type { JobMatch, ProviderJobs } from '../types.js';
import type { Calling } from './errors.js';
import { jobRecord } from './jobRecord.js';
import { toApiMethod } from './method.js';
import { latestMetrics, toSnapshot } from './snapshot.js';
import { jobForSync, listJobIds } from './syncJobs.js';

export const RUN_ID_METADATA_KEY = 'tf_run_id';

type Job = OpenAI.FineTuning.FineTuningJob;

/** How far back a service without a metadata filter is searched (pages are newest first). */
const UNFILTERED_SCAN_LIMIT = 500;

export interface OpenAIApiJobOptions {
  /** Whether `GET /fine_tuning/jobs?metadata[k]=v` filters on the server. */
  filtersJobsByMetadata: boolean;
  /** Extra top-level keys of the job-creation body (Azure: `trainingType`). */
  createExtras?: () => Record<string, unknown>;
  /**
   * A run-unique key appended to the suffix, for services that may drop metadata: a job is then
   * recognised as this run's by its suffix (`user_provided_suffix`, or the model name).
   */
  suffixKey?: (workflowId: string, runId: string) => string;
}

/** Whether a job carries the run's suffix key (in the suffix it echoes, or its model's name). */
function carriesKey(job: Job, key: string): boolean {
  const echoed = job as Job & { user_provided_suffix?: string | null; suffix?: string | null };
  const suffix = echoed.user_provided_suffix ?? echoed.suffix ?? '';
  return suffix === key || suffix.endsWith(`-${key}`) || (job.fine_tuned_model ?? '').includes(key);
}

/**
 * The job an earlier attempt of this run created, if any. OpenAI filters on metadata; Azure
 * documents no such filter, so its jobs are listed and matched here — by metadata while Azure
 * echoes it, else by what only this run's request had (model, files, created after the first
 * attempt began), recorded in the activity's heartbeat before the POST.
 */
export async function findJobFor(
  client: OpenAI,
  filtered: boolean,
  match: JobMatch,
  signal?: AbortSignal,
  suffixKey?: string,
): Promise<Job | undefined> {
  if (filtered) {
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
    if (suffixKey && carriesKey(job, suffixKey)) return job;
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

/**
 * Jobs of services that speak OpenAI's API. Creation is exactly once per pipeline run: the API
 * honours no idempotency key, so the job is tagged with the workflow and run ids and looked up
 * first; the SDK's own retries are off for the POST, leaving retries to Temporal, which looks up
 * again before creating.
 */
export function openAIApiJobs(
  client: OpenAI,
  calling: Calling,
  options: OpenAIApiJobOptions,
): ProviderJobs {
  const read = (jobId: string, signal?: AbortSignal) =>
    calling(`Reading fine-tuning job ${jobId}`, () =>
      client.fineTuning.jobs.retrieve(jobId, { signal }),
    );
  const keyFor = (workflowId: string, runId: string) => options.suffixKey?.(workflowId, runId);
  const cancel = async (jobId: string, signal?: AbortSignal) => {
    const current = await read(jobId, signal);
    if (isTerminal(current.status)) return toSnapshot(current);
    const job = await calling(`Cancelling fine-tuning job ${jobId}`, () =>
      client.fineTuning.jobs.cancel(jobId, { signal }),
    );
    return toSnapshot(job);
  };
  return {
    async create(input, ctx) {
      const key = keyFor(input.workflowId, input.runId);
      const existing = await calling('Looking up an existing fine-tuning job', () =>
        findJobFor(
          client,
          options.filtersJobsByMetadata,
          {
            workflowId: input.workflowId,
            runId: input.runId,
            model: input.model,
            trainingFileId: input.trainingFileId,
            validationFileId: input.validationFileId,
            notBefore: ctx.resumed ? ctx.firstAttemptAt : undefined,
          },
          ctx.signal,
          key,
        ),
      );
      if (existing) {
        ctx.log('job already created by an earlier attempt', { jobId: existing.id });
        return toSnapshot(existing);
      }
      const job = await calling('Creating the fine-tuning job', () =>
        client.fineTuning.jobs.create(
          {
            model: input.model,
            training_file: input.trainingFileId,
            validation_file: input.validationFileId ?? null,
            suffix: key ? (input.suffix ? `${input.suffix}-${key}` : key) : (input.suffix ?? null),
            seed: input.seed ?? null,
            method: toApiMethod(input.method),
            metadata: {
              ...input.metadata,
              [WORKFLOW_ID_METADATA_KEY]: input.workflowId,
              [RUN_ID_METADATA_KEY]: input.runId,
            },
            // Service-only keys (Azure's trainingType) travel in the same body.
            ...options.createExtras?.(),
          },
          { maxRetries: 0, signal: ctx.signal },
        ),
      );
      return toSnapshot(job);
    },
    async findForRun(match, signal) {
      const job = await calling('Looking up the fine-tuning job to cancel', () =>
        findJobFor(
          client,
          options.filtersJobsByMetadata,
          match,
          signal,
          keyFor(match.workflowId, match.runId),
        ),
      );
      return job?.id;
    },
    async retrieve(jobId, opts, signal) {
      const job = await read(jobId, signal);
      if (opts.metrics === false) return toSnapshot(job);
      if (job.status !== 'running' && !isTerminal(job.status)) return toSnapshot(job);
      const events = await calling(`Reading events of ${jobId}`, () =>
        client.fineTuning.jobs.listEvents(jobId, { limit: 20 }, { signal }),
      );
      return toSnapshot(job, latestMetrics(events.data));
    },
    cancel,
    listIds: (limit, signal) =>
      calling('Listing fine-tuning jobs', () => listJobIds(client, limit, signal)),
    forSync: async (jobId, signal) => jobForSync(await read(jobId, signal)),
    record: async (jobId, signal) => jobRecord(await read(jobId, signal)),
    metricsAfter: (jobId, afterStep, signal) =>
      calling(`Reading events of ${jobId}`, () => newMetrics(client, jobId, afterStep, signal)),
  };
}

type MetricsEvent = { step?: unknown; [key: string]: unknown };

/** Metrics events newer than `afterStep`, oldest first (the API lists newest first). */
async function newMetrics(
  client: OpenAI,
  jobId: string,
  afterStep: number,
  signal?: AbortSignal,
): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  for await (const event of client.fineTuning.jobs.listEvents(jobId, { limit: 100 }, { signal })) {
    if (event.type !== 'metrics' || !event.data || typeof event.data !== 'object') continue;
    const { step, ...values } = event.data as MetricsEvent;
    if (typeof step !== 'number' || !Number.isInteger(step)) continue;
    if (step <= afterStep) break;
    rows.push({ step, values, timestamp: event.created_at });
  }
  return rows.reverse();
}

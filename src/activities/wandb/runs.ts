import { Context } from '@temporalio/activity';
import type { ExistingRun, WandbRunOptions, WandbTarget } from '../../shared/syncTypes.js';
import type { JobRecord } from '../../providers/types.js';
import { requireWandb, type WandbActivityDeps } from './deps.js';
import { wandbCalling } from './errors.js';
import {
  renderConfigYaml,
  renderMetadataJson,
  renderSummaryJson,
  type WandbClient,
} from '../../wandb/index.js';

export const RUN_JOB_TYPE = 'fine-tune';

export function runPath(target: WandbTarget, runId: string): string {
  return `${target.entity}/${target.project}/${runId}`;
}

/**
 * The entity to write to: the one given, else the API key's default entity. With `optional`, a
 * worker without W&B answers null (the pipeline then runs without W&B) instead of failing.
 */
export async function resolveWandbTarget(
  deps: WandbActivityDeps,
  input: { project: string; entity?: string; optional?: boolean },
): Promise<WandbTarget | null> {
  if (!deps.wandb && input.optional) return null;
  const wandb = requireWandb(deps);
  const entity =
    input.entity ?? (await wandbCalling('Finding your W&B entity', () => wandb.defaultEntity()));
  return { entity, project: input.project };
}

/**
 * "Already synced?": the run and its summary status. Unlike WandbLogger, an API error is not
 * taken to mean "not synced" — it fails (and retries), so an outage never causes a duplicate sync.
 */
export async function findWandbRun(
  deps: WandbActivityDeps,
  input: { target: WandbTarget; runId: string },
): Promise<ExistingRun | null> {
  const wandb = requireWandb(deps);
  const run = await wandbCalling(`Looking for W&B run ${runPath(input.target, input.runId)}`, () =>
    wandb.getRun({ ...input.target, runId: input.runId }),
  );
  if (!run) return null;
  const status = run.summary.status;
  return {
    runPath: runPath(input.target, input.runId),
    status: typeof status === 'string' ? status : null,
  };
}

export interface OpenRunInput {
  target: WandbTarget;
  jobId: string;
  runOptions?: WandbRunOptions;
  /** Extra config keys known later (n_train, n_valid). */
  extraConfig?: Record<string, unknown>;
  /** Best effort (the pipeline, before its wait): quick W&B tries, the workflow's budget decides. */
  quick?: boolean;
}

/** The full job as W&B records it (the config and metadata need every field, not the snapshot). */
export function readJob(
  deps: WandbActivityDeps,
  jobId: string,
  signal: AbortSignal,
): Promise<JobRecord> {
  return deps.provider.jobs.record(jobId, signal);
}

function runConfig(job: JobRecord, input: OpenRunInput): Record<string, unknown> {
  return { ...input.runOptions?.config, ...job.config, ...input.extraConfig };
}

async function upsert(
  wandb: WandbClient,
  input: OpenRunInput,
  config: Record<string, unknown>,
  signal: AbortSignal,
): Promise<void> {
  const opts = input.runOptions ?? {};
  await wandbCalling(`Writing W&B run ${runPath(input.target, input.jobId)}`, () =>
    wandb.upsertRun(
      {
        runId: input.jobId,
        project: input.target.project,
        entity: input.target.entity,
        displayName: input.jobId,
        jobType: RUN_JOB_TYPE,
        tags: opts.tags,
        notes: opts.notes,
        group: opts.group,
        config,
        program: 'temporal-finetune',
      },
      { signal },
    ),
  );
}

/** Creates or updates the run (id and name = job id) with the job as its config. Idempotent. */
export async function openWandbRun(
  deps: WandbActivityDeps,
  input: OpenRunInput,
): Promise<{ runPath: string }> {
  const wandb = requireWandb(deps);
  const signal = Context.current().cancellationSignal;
  const job = await readJob(deps, input.jobId, signal);
  await upsert(wandb, input, runConfig(job, input), signal);
  return { runPath: runPath(input.target, input.jobId) };
}

export interface FinishRunInput extends OpenRunInput {
  /** Last value of every history key, from logResultsHistory. */
  historySummary?: Record<string, unknown>;
}

/**
 * Finishes the run with the job's real outcome: summary status (succeeded, failed, cancelled),
 * the model name or the job's error, and exit code 0 only for success — WandbLogger left failed
 * and cancelled runs open.
 */
export async function finishWandbRun(
  deps: WandbActivityDeps,
  input: FinishRunInput,
): Promise<{ runPath: string; status: string }> {
  const wandb = requireWandb(deps);
  const signal = Context.current().cancellationSignal;
  const job = await readJob(deps, input.jobId, signal);
  const config = runConfig(job, input); // now with n_train / n_valid
  await upsert(wandb, input, config, signal);
  const summary = { ...input.historySummary, ...job.outcome };
  const run = { ...input.target, runId: input.jobId };
  // The run files the Python SDK leaves, so the Files tab and file-based tools find them too.
  const uploaded = await wandbCalling('Uploading run files', () =>
    wandb.uploadRunFiles(
      run,
      [
        { name: 'config.yaml', source: { text: renderConfigYaml(config) } },
        { name: 'wandb-summary.json', source: { text: renderSummaryJson(summary) } },
        {
          name: 'wandb-metadata.json',
          source: {
            text: renderMetadataJson({
              program: 'temporal-finetune',
              startedAt: job.createdAt,
              jobId: job.jobId,
            }),
          },
        },
      ],
      { signal },
    ),
  );
  await wandbCalling(`Finishing W&B run ${runPath(input.target, input.jobId)}`, () =>
    wandb.fileStream(run).finish({
      exitCode: job.status === 'succeeded' ? 0 : 1,
      summary,
      uploaded,
      signal,
    }),
  );
  return { runPath: runPath(input.target, input.jobId), status: job.status };
}

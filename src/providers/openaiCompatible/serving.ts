import { ApplicationFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import { ErrorType } from '../../shared/errorTypes.js';
import type { ServingRecord, ServingState } from '../../shared/providerTypes.js';
import { abortableSleep as sleep } from '../shared/abortableSleep.js';
import type { ServeRequest } from '../types.js';
import type { CustomModel, CustomModels } from './customModels.js';

export const PROVIDER_NAME = 'openai-compatible';

export interface DeploySettings {
  pollMs: number;
  timeoutMs: number;
}

/** Names the host gives our models: the short name we asked for, inside its full name. */
export function isNamed(model: CustomModel, short: string): boolean {
  const n = model.name;
  return (
    n === short || n.endsWith(`:${short}`) || n.includes(`:${short}-`) || n.endsWith(`/${short}`)
  );
}

/** A short model name the host takes: letters, digits and `-` (Nebius's own examples). */
export function shortName(name: string): string {
  return name
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

const LIVE = new Set(['validating', 'active']);

type Job = OpenAI.FineTuning.FineTuningJob;

/**
 * The job a model came from: the serving name carries its id (production: the job id; eval:
 * `eval-<job id>-<role>`); else the job list is searched for the model. The model is only
 * trusted as the job's when the job names it (or it is that job's `<job id>:<checkpoint>`).
 */
async function jobOf(client: OpenAI, req: ServeRequest, signal?: AbortSignal): Promise<Job> {
  const fromName = req.name.replace(/^eval-/, '').replace(/-(candidate|base|production)$/, '');
  const owns = (job: Job) =>
    job.fine_tuned_model === req.model || req.model.startsWith(`${job.id}:`);
  for (const id of new Set([req.name, fromName])) {
    const job = await client.fineTuning.jobs.retrieve(id, { signal }).catch(() => undefined);
    if (job && owns(job)) return job;
  }
  let seen = 0;
  for await (const job of client.fineTuning.jobs.list({ limit: 100 }, { signal })) {
    if (owns(job)) return job;
    if (++seen >= 500) break;
  }
  throw ApplicationFailure.nonRetryable(
    `No fine-tuning job at the host names ${req.model}, so there is no checkpoint to deploy.`,
    ErrorType.ServingFailed,
  );
}

/** `<job id>:<checkpoint id>` of the job's last checkpoint (the final model), as Nebius takes it. */
export async function lastCheckpointSource(
  client: OpenAI,
  jobId: string,
  signal?: AbortSignal,
): Promise<string> {
  const page = await client.fineTuning.jobs.checkpoints.list(jobId, { limit: 100 }, { signal });
  const last = [...page.data].sort((a, b) => b.step_number - a.step_number)[0];
  if (!last) {
    throw ApplicationFailure.nonRetryable(
      `Job ${jobId} lists no checkpoint, so the host cannot make it servable.`,
      ErrorType.ServingFailed,
    );
  }
  return `${jobId}:${last.id}`;
}

const checkpointSource = (client: OpenAI, job: Job, signal?: AbortSignal): Promise<string> =>
  job.fine_tuned_model?.startsWith(`${job.id}:`)
    ? Promise.resolve(job.fine_tuned_model)
    : lastCheckpointSource(client, job.id, signal);

/**
 * Makes a fine-tune servable through the host's deployment call (Nebius: `POST /v0/models` from a
 * job's checkpoint), waits until it is `active`, then until it answers a real chat completion.
 * Idempotent by name: a retry finds what an earlier attempt created (its answer may have been lost).
 */
export async function deployModel(
  client: OpenAI,
  models: CustomModels,
  settings: DeploySettings,
  req: ServeRequest,
  heartbeat: () => void,
  signal?: AbortSignal,
): Promise<ServingRecord> {
  const short = shortName(req.name);
  const began = Date.now();
  let model = (await models.list(signal)).find((m) => isNamed(m, short) && m.status !== 'deleted');
  if (!model) {
    const job = await jobOf(client, req, signal);
    const source = await checkpointSource(client, job, signal);
    model = await models
      .create(
        {
          name: short,
          base_model: job.model,
          source,
          description: `temporal-finetune ${req.purpose} serving of ${job.id}`,
        },
        signal,
      )
      .catch(async (err: unknown) => {
        // A create whose answer was lost, then retried: the host has it under our name.
        const again = (await models.list(signal)).find((m) => isNamed(m, short));
        if (again) return again;
        throw err;
      });
  }
  for (;;) {
    heartbeat();
    if (model.status === 'active') break;
    if (!LIVE.has(model.status)) {
      throw ApplicationFailure.nonRetryable(
        `The host could not make ${req.model} servable as ${model.name}: status ${model.status}` +
          `${model.reason ? ` (${model.reason})` : ''}. Check that the base model takes LoRA adapters ` +
          'at the host, or delete the model there and approve again; production is unchanged.',
        ErrorType.ServingFailed,
      );
    }
    if (Date.now() - began > settings.timeoutMs) {
      throw ApplicationFailure.retryable(
        `${model.name} is still ${model.status} after ${Math.round(settings.timeoutMs / 60_000)} min (FINETUNE_COMPATIBLE_DEPLOY_TIMEOUT_MS)`,
        ErrorType.DeploymentNotReady,
      );
    }
    await sleep(settings.pollMs, signal);
    model = (await models.get(model.name, signal)) ?? { ...model, status: 'deleted' };
  }
  await probe(client, model.name, settings, began, heartbeat, signal);
  return {
    provider: PROVIDER_NAME,
    model: req.model,
    servedAs: model.name,
    deployment: {
      name: short,
      sku: 'serverless',
      capacity: 0,
      createdAt: new Date(began).toISOString(),
      expiresAt: null,
      readyAfterMs: Date.now() - began,
      kind: 'deployment',
      purpose: req.purpose,
      deploymentId: model.name,
    },
  };
}

/** Active is not proof of answering: a real chat completion is, retried until the deadline. */
async function probe(
  client: OpenAI,
  model: string,
  settings: DeploySettings,
  began: number,
  heartbeat: () => void,
  signal?: AbortSignal,
): Promise<void> {
  for (;;) {
    heartbeat();
    try {
      await client.chat.completions.create(
        { model, messages: [{ role: 'user', content: 'Reply with OK.' }], max_tokens: 5 },
        { signal, maxRetries: 0 },
      );
      return;
    } catch (err) {
      if (signal?.aborted) throw err;
      const status = (err as { status?: number }).status;
      if (status === 401 || status === 403 || Date.now() - began > settings.timeoutMs) throw err;
    }
    await sleep(Math.min(settings.pollMs, 5_000), signal);
  }
}

const STATES: Record<string, ServingState['state']> = {
  active: 'running',
  validating: 'starting',
  error: 'failed',
  deleted: 'gone',
};

/** Per-token billing (Nebius's serverless LoRA) has no hourly price the API gives: null. */
export async function servingStates(
  models: CustomModels,
  records: ServingRecord[],
  signal?: AbortSignal,
): Promise<ServingState[]> {
  const out: ServingState[] = [];
  for (const r of records) {
    if (!r.deployment) continue;
    const m = await models.get(r.deployment.deploymentId ?? r.servedAs, signal);
    out.push({
      name: r.deployment.name,
      servedAs: r.servedAs,
      model: r.model,
      state: m ? (STATES[m.status] ?? 'starting') : 'gone',
      costPerHourUsd: null,
      hardware: r.deployment.sku,
    });
  }
  return out;
}

/** Deletes our eval models older than `olderThanMs` (a crashed gate's), by their `eval-` name. */
export async function sweepEvalModels(
  models: CustomModels,
  olderThanMs: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const cutoff = (Date.now() - olderThanMs) / 1000;
  const swept: string[] = [];
  for (const m of await models.list(signal)) {
    const ours = /(^|[:/])eval-ftjob-/.test(m.name);
    if (!ours || m.status === 'deleted' || m.createdAt === null || m.createdAt > cutoff) continue;
    if (await models.delete(m.name, signal)) swept.push(m.name);
  }
  return swept;
}

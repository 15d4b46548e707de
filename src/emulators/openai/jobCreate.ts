import { nowSeconds } from './clock.js';
import type { EmulatorContext } from './context.js';
import { invalidRequest, trainingNotAvailable } from './errors.js';
import { findFile } from './fileRecords.js';
import { addEvent } from './jobEvents.js';
import type { JobLifecycle } from './jobLifecycle.js';
import { parseCreateJobBody } from './jobRequest.js';
import type { Hyperparameters, JobRecord, MethodType } from './records.js';

const AUTO_KEYS: Record<MethodType, string[]> = {
  supervised: ['batch_size', 'learning_rate_multiplier', 'n_epochs'],
  dpo: ['batch_size', 'learning_rate_multiplier', 'n_epochs', 'beta'],
  reinforcement: [
    'batch_size',
    'learning_rate_multiplier',
    'n_epochs',
    'reasoning_effort',
    'compute_multiplier',
    'eval_interval',
    'eval_samples',
  ],
};

/** A file a job may train on: present, uploaded for fine-tuning, and processed. */
function usableFile(ctx: EmulatorContext, id: string | null | undefined, param: string): void {
  if (!id) return;
  const file = findFile(ctx, id);
  if (!file) throw invalidRequest(`Invalid file ${id}: no such file, or it was deleted.`, param);
  if (file.purpose !== 'fine-tune') {
    throw invalidRequest(
      `File ${id} has purpose '${file.purpose}'; fine-tuning needs a file uploaded with purpose 'fine-tune'.`,
      param,
    );
  }
  if (file.status !== 'processed') {
    // Observed wording (2023) for a file that is not processed yet.
    throw invalidRequest(
      `File '${id}' is still being processed and is not ready to be used for fine-tuning. Please try again later.`,
      param,
    );
  }
}

/**
 * Handles `POST …/fine_tuning/jobs`: checks like the service (the flavour adds its own rules),
 * records, starts the lifecycle.
 */
export function createJob(
  ctx: EmulatorContext,
  lifecycle: JobLifecycle,
  rawBody: unknown,
): JobRecord {
  if (ctx.settings.trainingNotAvailable) throw trainingNotAvailable();
  const rules = ctx.flavor.jobs;
  const prepared = rules.prepareCreate(rawBody);
  const body = parseCreateJobBody(prepared.body);
  const model = rules.resolveModel(body.model);
  usableFile(ctx, body.training_file, 'training_file');
  usableFile(ctx, body.validation_file, 'validation_file');

  const methodType: MethodType = body.method?.type ?? 'supervised';
  const block = body.method?.[methodType] as Record<string, unknown> | undefined;
  const { hyperparameters: requested, ...methodExtras } = block ?? {};
  const given = (requested ??
    (methodType === 'supervised' ? body.hyperparameters : undefined) ??
    {}) as Hyperparameters;
  const hyperparameters: Hyperparameters = {};
  for (const key of AUTO_KEYS[methodType]) {
    hyperparameters[key] = given[key] ?? (key === 'reasoning_effort' ? 'default' : 'auto');
  }

  const job: JobRecord = {
    id: ctx.ids.job(),
    seq: ctx.nextSeq(),
    createdAt: nowSeconds(),
    createdAtMs: Date.now(),
    model,
    trainingFile: body.training_file,
    validationFile: body.validation_file ?? null,
    suffix: body.suffix ?? null,
    seed: body.seed ?? ctx.ids.jobSeed(),
    metadata: body.metadata ?? null,
    integrations: body.integrations ?? null,
    methodType,
    methodExtras,
    hyperparameters,
    status: rules.initialStatus,
    error: null,
    fineTunedModel: null,
    finishedAt: null,
    trainedTokens: null,
    resultFiles: [],
    estimatedFinish: null,
    plan: null,
    stepsDone: 0,
    history: [],
    events: [],
    checkpoints: [],
  };
  ctx.jobs.set(job.id, job);
  prepared.record(job);
  ctx.stats.jobsCreated++;
  addEvent(ctx, job, `Created fine-tuning job: ${job.id}`);
  addEvent(
    ctx,
    job,
    job.validationFile
      ? `Validating training file: ${job.trainingFile} and validation file: ${job.validationFile}`
      : `Validating training file: ${job.trainingFile}`,
  );
  lifecycle.begin(job);
  return job;
}

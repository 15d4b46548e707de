import { isoNow } from './clock.js';
import { eventView } from './jobEvents.js';
import type { CheckpointRecord, JobRecord } from './records.js';
import { TERMINAL_JOB_STATUSES } from './records.js';

/**
 * Jobs as the API shows them: the truncated object (create, list, cancel: spec
 * `FinetuneResponseTruncated`) and the full one (retrieve: `FinetuneResponse`), which has no
 * `suffix` and no `wandb_name` (spec and SDK alike). Fields with no value are left out rather
 * than `null` (the spec types them as plain strings). Events are embedded in both.
 */

/** Spec `FineTuneProgress`: seconds to the next state ("remaining … to next state"). */
function progress(job: JobRecord): { estimate_available: boolean; seconds_remaining: number } {
  if (
    TERMINAL_JOB_STATUSES.has(job.status) ||
    job.stageEndsAtMs === null ||
    job.status === 'pending'
  ) {
    return { estimate_available: false, seconds_remaining: 0 };
  }
  return {
    estimate_available: true,
    seconds_remaining: Math.max(0, Math.ceil((job.stageEndsAtMs - Date.now()) / 1000)),
  };
}

const optional = (key: string, value: string | null | undefined): Record<string, string> =>
  value === null || value === undefined ? {} : { [key]: value };

/** What both shapes share. */
function common(job: JobRecord): Record<string, unknown> {
  const r = job.request;
  return {
    id: job.id,
    status: job.status,
    created_at: isoNow(job.createdAtMs),
    updated_at: isoNow(job.updatedAtMs),
    started_at: isoNow(job.stageStartedAtMs),
    user_id: job.userId,
    total_price: job.totalPriceNano,
    token_count: job.plan ? job.tokensPerEpoch * r.nEpochs : 0,
    events: job.events.map((e) => eventView(job, e)),
    training_file: r.trainingFile,
    ...optional('validation_file', r.validationFile),
    model: r.model,
    model_output_name: job.outputName,
    n_epochs: r.nEpochs,
    n_evals: r.nEvals,
    n_checkpoints: r.nCheckpoints,
    training_type: r.trainingType,
    training_method: r.trainingMethod,
    learning_rate: r.learningRate,
    lr_scheduler: r.lrScheduler,
    warmup_ratio: r.warmupRatio,
    max_grad_norm: r.maxGradNorm,
    weight_decay: r.weightDecay,
    ...(r.wandb ? { wandb_project_name: r.wandb.projectName } : {}),
    ...optional('from_checkpoint', r.fromCheckpoint),
    ...optional('from_hf_model', r.fromHfModel),
    ...optional('hf_model_revision', r.hfModelRevision),
    progress: progress(job),
  };
}

export function truncatedJobView(job: JobRecord): Record<string, unknown> {
  const r = job.request;
  return {
    ...common(job),
    owner_address: job.ownerAddress,
    packing: r.packing,
    max_seq_length: r.maxSeqLength,
    ...optional('suffix', r.suffix),
    // The truncated shape types it as an integer: `"max"` shows as the size it became.
    batch_size: job.batchSize,
    random_seed: r.randomSeed,
    ...optional('wandb_name', r.wandb?.name),
  };
}

export function fullJobView(job: JobRecord): Record<string, unknown> {
  const r = job.request;
  const completed = job.status === 'completed';
  const epochs = job.plan ? job.plan.epochEndSteps.filter((s) => s <= job.stepsDone).length : 0;
  return {
    ...common(job),
    batch_size: r.batchSize,
    model_output_path: job.outputPath,
    trainingfile_numlines: job.trainingLines,
    trainingfile_size: job.trainingBytes,
    eval_steps:
      r.nEvals > 0 && job.plan ? Math.max(1, Math.round(job.plan.totalSteps / r.nEvals)) : 0,
    train_on_inputs: r.trainOnInputs,
    job_id: job.id,
    param_count: job.paramCount,
    epochs_completed: epochs,
    queue_depth: job.queueDepth,
    ...optional('wandb_url', r.wandb?.url),
    ...(completed
      ? {
          model_object_id: job.modelObject.id,
          model_object_name: job.modelObject.name,
          model_object_revision_id: job.modelObject.revisionId,
          ...(job.adapterObject
            ? {
                adapter_object_id: job.adapterObject.id,
                adapter_object_name: job.adapterObject.name,
                adapter_object_revision_id: job.adapterObject.revisionId,
              }
            : {}),
        }
      : {}),
  };
}

/** Spec `FineTuneCheckpoint` plus the SDK's artifact selector and registry ids. */
export function checkpointView(c: CheckpointRecord): Record<string, unknown> {
  return {
    step: c.step,
    path: c.path,
    created_at: isoNow(c.createdAtMs),
    checkpoint_type: `${c.type} checkpoint (step ${c.step})${c.artifact === 'adapter' ? ', adapter' : ''}`,
    checkpoint: c.artifact,
    object_id: c.objectId,
    object_name: c.objectName,
    object_revision_id: c.revisionId,
  };
}

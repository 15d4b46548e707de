import type { CatalogModel, FineTuneLimits } from './catalog.js';
import type { TogetherContext } from './context.js';
import { badRequest } from './errors.js';
import { findFile } from './files.js';
import type { FileRecord, JobRecord, JobRequest } from './records.js';

/**
 * `POST /fine-tunes` body checks, with the defaults the description and the SDK name filled in
 * (facts sheet §3). Bounds come from the model's limits, as `GET /fine-tunes/models/limits`
 * reports them. Messages are the emulator's; every refusal is a 400 naming the field.
 */

type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const MIN_MAX_SEQ_LENGTH = 512;

/** A number field within bounds, or its default; `param` is its full name (`training_type.lora_r`). */
function bounded(
  kind: 'integer' | 'number',
  body: Body,
  key: string,
  fallback: number,
  min: number,
  max: number,
  param = key,
): number {
  const v = body[key];
  if (v === undefined || v === null) return fallback;
  const ok = kind === 'integer' ? Number.isInteger(v) : Number.isFinite(v);
  if (typeof v !== 'number' || !ok)
    throw badRequest(`${param} must be ${kind === 'integer' ? 'an integer' : 'a number'}`, param);
  if (v < min || v > max)
    throw badRequest(`${param} must be between ${min} and ${max}, got ${v}`, param);
  return v;
}

type Field = [body: Body, key: string, fallback: number, min: number, max: number, param?: string];
const int = (...field: Field): number => bounded('integer', ...field);
const num = (...field: Field): number => bounded('number', ...field);

function str(body: Body, key: string): string | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw badRequest(`${key} must be a string`, key);
  return v;
}

/** A file a job may train on: uploaded, `fine-tune`, and through validation. */
export function usableFile(ctx: TogetherContext, id: string, param: string): FileRecord {
  const file = findFile(ctx, id);
  if (!file) throw badRequest(`File ${id} not found`, param);
  if (file.purpose !== 'fine-tune')
    throw badRequest(`File ${id} has purpose ${file.purpose}, not fine-tune`, param);
  if (file.processingStatus === 'PENDING') {
    throw badRequest(
      `File ${id} is still being validated (processing_status PENDING); wait until it is COMPLETED`,
      param,
    );
  }
  if (file.processingStatus !== 'COMPLETED') {
    throw badRequest(
      `File ${id} failed validation: ${file.report?.error ?? file.processingStatus}`,
      param,
    );
  }
  return file;
}

/** `<job id or output name>[:<step>]` → the job (completed) and the step, if one is named. */
export function resolveCheckpoint(
  ctx: TogetherContext,
  ref: string,
): { job: JobRecord; step: number | null } {
  const at = ref.lastIndexOf(':');
  const tail = at > 0 ? ref.slice(at + 1) : '';
  const [name, step] = /^\d+$/.test(tail) ? [ref.slice(0, at), Number(tail)] : [ref, null];
  const job = [...ctx.jobs.values()].find((j) => j.id === name || j.outputName === name);
  if (!job || job.status !== 'completed') {
    throw badRequest(
      `from_checkpoint ${ref}: no completed fine-tuning job of that id or output model name`,
      'from_checkpoint',
    );
  }
  if (step !== null && !job.checkpoints.some((c) => c.step === step)) {
    throw badRequest(
      `from_checkpoint ${ref}: job ${job.id} has no checkpoint at step ${step}`,
      'from_checkpoint',
    );
  }
  return { job, step };
}

function trainingType(body: Body, limits: FineTuneLimits): JobRequest['trainingType'] {
  const t = body.training_type;
  const defaultRank = limits.lora.maxRank;
  if (t === undefined || t === null) {
    // Omitted → LoRA (spec); rank from the model, alpha twice the rank (as the Python SDK fills them).
    return {
      type: 'Lora',
      lora_r: defaultRank,
      lora_alpha: defaultRank * 2,
      lora_dropout: 0,
      lora_trainable_modules: 'all-linear',
    };
  }
  if (!isObject(t)) throw badRequest('training_type must be an object', 'training_type');
  if (t.type === 'Full') {
    if (!limits.full)
      throw badRequest('This model supports LoRA fine-tuning only', 'training_type.type');
    return { type: 'Full' };
  }
  if (t.type !== 'Lora')
    throw badRequest('training_type.type must be Lora or Full', 'training_type.type');
  const r = int(t, 'lora_r', Number.NaN, 1, limits.lora.maxRank, 'training_type.lora_r');
  if (Number.isNaN(r))
    throw badRequest('training_type.lora_r is required for LoRA', 'training_type.lora_r');
  const alpha = num(
    t,
    'lora_alpha',
    Number.NaN,
    1e-9,
    Number.MAX_SAFE_INTEGER,
    'training_type.lora_alpha',
  );
  if (Number.isNaN(alpha))
    throw badRequest('training_type.lora_alpha is required for LoRA', 'training_type.lora_alpha');
  const dropout = num(t, 'lora_dropout', 0, 0, 0.999999, 'training_type.lora_dropout');
  const modules = str(t, 'lora_trainable_modules') ?? 'all-linear';
  for (const m of modules.split(',').map((s) => s.trim())) {
    if (m !== 'all-linear' && !limits.lora.targetModules.includes(m)) {
      throw badRequest(
        `lora_trainable_modules: ${m} is not one of ${limits.lora.targetModules.join(', ')}`,
        'training_type.lora_trainable_modules',
      );
    }
  }
  return {
    type: 'Lora',
    lora_r: r,
    lora_alpha: alpha,
    lora_dropout: dropout,
    lora_trainable_modules: modules,
  };
}

function trainingMethod(body: Body): {
  method: JobRequest['trainingMethod'];
  trainOnInputs: JobRequest['trainOnInputs'];
} {
  const m = body.training_method;
  const legacy = body.train_on_inputs;
  if (m !== undefined && m !== null && !isObject(m))
    throw badRequest('training_method must be an object', 'training_method');
  const method = isObject(m) ? m.method : 'sft';
  if (method === 'dpo') {
    if (legacy !== undefined)
      throw badRequest('train_on_inputs applies to SFT only', 'train_on_inputs');
    const dpo = m as Body;
    const simpo = num(dpo, 'simpo_gamma', 0, 0, 100, 'training_method.simpo_gamma');
    return {
      method: {
        method: 'dpo',
        dpo_beta: num(dpo, 'dpo_beta', 0.1, 0, 100, 'training_method.dpo_beta'),
        rpo_alpha: num(dpo, 'rpo_alpha', 0, 0, 100, 'training_method.rpo_alpha'),
        // A SimPO gamma makes the run reference-free and length-normalised (Python SDK).
        dpo_normalize_logratios_by_length:
          dpo.dpo_normalize_logratios_by_length === true || simpo > 0,
        dpo_reference_free: dpo.dpo_reference_free === true || simpo > 0,
        simpo_gamma: simpo,
      },
      trainOnInputs: 'auto',
    };
  }
  if (method !== 'sft')
    throw badRequest('training_method.method must be sft or dpo', 'training_method.method');
  const given = isObject(m) && m.train_on_inputs !== undefined ? m.train_on_inputs : legacy;
  const tOI = given ?? 'auto';
  if (tOI !== true && tOI !== false && tOI !== 'auto') {
    throw badRequest(
      'train_on_inputs must be true, false or "auto"',
      'training_method.train_on_inputs',
    );
  }
  return { method: { method: 'sft', train_on_inputs: tOI }, trainOnInputs: tOI };
}

function lrScheduler(body: Body): JobRequest['lrScheduler'] {
  const s = body.lr_scheduler;
  if (s === undefined || s === null)
    return { lr_scheduler_type: 'linear', lr_scheduler_args: { min_lr_ratio: 0 } };
  if (!isObject(s)) throw badRequest('lr_scheduler must be an object', 'lr_scheduler');
  const args = isObject(s.lr_scheduler_args) ? s.lr_scheduler_args : {};
  const minRatio = num(
    args,
    'min_lr_ratio',
    0,
    0,
    1,
    'lr_scheduler.lr_scheduler_args.min_lr_ratio',
  );
  if (s.lr_scheduler_type === 'cosine') {
    return {
      lr_scheduler_type: 'cosine',
      lr_scheduler_args: {
        min_lr_ratio: minRatio,
        num_cycles: num(args, 'num_cycles', 0.5, 0, 1000),
      },
    };
  }
  if (s.lr_scheduler_type !== 'linear')
    throw badRequest(
      'lr_scheduler_type must be linear or cosine',
      'lr_scheduler.lr_scheduler_type',
    );
  return { lr_scheduler_type: 'linear', lr_scheduler_args: { min_lr_ratio: minRatio } };
}

function batchSize(
  body: Body,
  limits: FineTuneLimits,
  type: 'Lora' | 'Full',
  dpo: boolean,
): number | 'max' {
  const v = body.batch_size ?? 'max';
  if (v === 'max') return 'max';
  const b = type === 'Full' ? limits.full! : limits.lora;
  return int(body, 'batch_size', 0, b.minBatch, dpo ? b.maxBatchDpo : b.maxBatch);
}

/** The checked request, the base model it trains and the files it reads. */
export function parseJobRequest(
  ctx: TogetherContext,
  raw: unknown,
): {
  request: JobRequest;
  base: CatalogModel;
  training: FileRecord;
  validation: FileRecord | null;
} {
  if (!isObject(raw)) throw badRequest('The request body must be a JSON object');
  const trainingId = str(raw, 'training_file');
  if (!trainingId) throw badRequest('training_file is required', 'training_file');
  const fromCheckpoint = str(raw, 'from_checkpoint');
  const parent = fromCheckpoint ? resolveCheckpoint(ctx, fromCheckpoint).job : undefined;
  const modelName = str(raw, 'model') ?? parent?.request.model ?? null;
  if (!modelName) throw badRequest('model is required', 'model');
  if (parent && modelName !== parent.request.model) {
    throw badRequest(
      `from_checkpoint ${fromCheckpoint} was trained from ${parent.request.model}, not ${modelName}`,
      'model',
    );
  }
  const base = ctx.catalog.get(modelName);
  if (!base?.fineTune)
    throw badRequest(`Model ${modelName} is not supported for fine-tuning`, 'model');
  const limits = base.fineTune;
  const training = usableFile(ctx, trainingId, 'training_file');
  const validationId = str(raw, 'validation_file');
  const validation = validationId ? usableFile(ctx, validationId, 'validation_file') : null;
  const { method, trainOnInputs } = trainingMethod(raw);
  const dpo = method.method === 'dpo';
  const preference = training.report?.datasetFormat === 'PREFERENCE_OPENAI';
  if (dpo !== preference) {
    throw badRequest(
      dpo
        ? 'DPO needs a preference dataset (input, preferred_output, non_preferred_output)'
        : 'A preference dataset trains with training_method dpo',
      'training_file',
    );
  }
  // A child of a checkpoint inherits its parent's training type (Python SDK).
  const type =
    parent && raw.training_type === undefined
      ? parent.request.trainingType
      : trainingType(raw, limits);
  const nEvals = int(raw, 'n_evals', 0, 0, limits.maxEvals);
  if (nEvals > 0 && !validation) throw badRequest('n_evals > 0 needs a validation_file', 'n_evals');
  const suffix = str(raw, 'suffix');
  if (suffix !== null && suffix.length > 64)
    throw badRequest('suffix must be at most 64 characters long', 'suffix');
  const seqMax = dpo ? limits.maxSeqLengthDpo : limits.maxSeqLengthSft;
  const seed = raw.random_seed;
  if (seed !== undefined && seed !== null && !Number.isInteger(seed))
    throw badRequest('random_seed must be an integer or null', 'random_seed');
  if (raw.packing !== undefined && typeof raw.packing !== 'boolean')
    throw badRequest('packing must be a boolean', 'packing');
  const wandbKey = str(raw, 'wandb_api_key');
  const wandbProject = str(raw, 'wandb_project_name') ?? 'together';
  return {
    base,
    training,
    validation,
    request: {
      model: modelName,
      trainingFile: training.id,
      validationFile: validation?.id ?? null,
      suffix,
      nEpochs: int(raw, 'n_epochs', 1, 1, limits.maxEpochs),
      nCheckpoints: int(raw, 'n_checkpoints', 1, 1, limits.maxCheckpoints),
      nEvals,
      batchSize: batchSize(raw, limits, type.type, dpo),
      learningRate: num(raw, 'learning_rate', 1e-5, limits.minLearningRate, limits.maxLearningRate),
      lrScheduler: lrScheduler(raw),
      warmupRatio: num(raw, 'warmup_ratio', 0, 0, 1),
      maxGradNorm: num(raw, 'max_grad_norm', 1, 0, Number.MAX_SAFE_INTEGER),
      weightDecay: num(raw, 'weight_decay', 0, 0, Number.MAX_SAFE_INTEGER),
      randomSeed: (seed as number | null | undefined) ?? null,
      packing: raw.packing !== false,
      maxSeqLength: int(raw, 'max_seq_length', seqMax, MIN_MAX_SEQ_LENGTH, seqMax),
      trainingMethod: method,
      trainingType: type,
      trainOnInputs,
      // The key itself is never kept: it would leave through no answer anyway.
      wandb: wandbKey
        ? { projectName: wandbProject, name: str(raw, 'wandb_name'), url: null }
        : null,
      fromCheckpoint,
      fromHfModel: str(raw, 'from_hf_model'),
      hfModelRevision: str(raw, 'hf_model_revision'),
    },
  };
}

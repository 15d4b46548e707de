import type { FineTuningCreateParams } from 'together-ai/resources/fine-tuning';
import type { FineTuneMethod, TuningSettings } from '../../shared/types.js';

/** The LoRA rank when none is given but other LoRA settings are (Python SDK: the model's default). */
export interface LoraDefaults {
  rank: number;
}

type TrainingFields = Pick<
  FineTuningCreateParams,
  | 'training_method'
  | 'training_type'
  | 'n_epochs'
  | 'batch_size'
  | 'learning_rate'
  | 'warmup_ratio'
  | 'n_evals'
  | 'n_checkpoints'
  | 'random_seed'
>;

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * Our method and settings in Together's fields: SFT or DPO (`training_method`), LoRA — the
 * default, with its rank, alpha, dropout and modules when given — or full (`training_type`), an
 * absolute learning rate, batch size (a number or "max"), epochs, warm-up, evaluations,
 * checkpoints, and the seed as `random_seed`. What is not given is left to Together's defaults.
 * (What Together would refuse is caught before upload: limits.ts.)
 */
export function togetherTraining(
  method: FineTuneMethod | undefined,
  tuning: TuningSettings = {},
  seed: number | undefined,
  lora: LoraDefaults | undefined,
): TrainingFields {
  const hp = method?.hyperparameters ?? {};
  const out: TrainingFields = {};
  if (method?.type === 'dpo') {
    const beta = num((hp as { beta?: unknown }).beta);
    out.training_method = { method: 'dpo', ...(beta !== undefined ? { dpo_beta: beta } : {}) };
  } else {
    out.training_method = { method: 'sft', train_on_inputs: tuning.trainOnInputs ?? 'auto' };
  }
  if (tuning.type === 'full') {
    out.training_type = { type: 'Full' };
  } else if (tuning.lora && Object.values(tuning.lora).some((v) => v !== undefined)) {
    const r = tuning.lora.r ?? lora?.rank ?? 8;
    out.training_type = {
      type: 'Lora',
      lora_r: r,
      lora_alpha: tuning.lora.alpha ?? 2 * r,
      ...(tuning.lora.dropout !== undefined ? { lora_dropout: tuning.lora.dropout } : {}),
      ...(tuning.lora.modules !== undefined ? { lora_trainable_modules: tuning.lora.modules } : {}),
    };
  }
  const epochs = num(hp.n_epochs);
  if (epochs !== undefined) out.n_epochs = epochs;
  const batch = tuning.batchSize ?? num(hp.batch_size);
  if (batch !== undefined) out.batch_size = batch;
  if (tuning.learningRate !== undefined) out.learning_rate = tuning.learningRate;
  if (tuning.warmupRatio !== undefined) out.warmup_ratio = tuning.warmupRatio;
  if (tuning.evals !== undefined) out.n_evals = tuning.evals;
  if (tuning.checkpoints !== undefined) out.n_checkpoints = tuning.checkpoints;
  if (seed !== undefined) out.random_seed = seed;
  return out;
}

/** Whether the request needs the model's default LoRA rank (LoRA settings given, no rank). */
export function needsLoraDefaults(tuning: TuningSettings | undefined): boolean {
  return (
    tuning?.type !== 'full' &&
    tuning?.lora !== undefined &&
    tuning.lora.r === undefined &&
    Object.values(tuning.lora).some((v) => v !== undefined)
  );
}

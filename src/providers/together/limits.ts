import type { FinetuneModelLimits } from 'together-ai/resources/fine-tuning';
import { RUN_KEY_LENGTH } from '../shared/runKey.js';
import type { RequestCheck, RequestCheckInput } from '../types.js';

const list = (xs: string[], max = 6) =>
  xs.length > max ? `${xs.slice(0, max).join(', ')}, … (${xs.length} in all)` : xs.join(', ');

/** The suffix Together records is ours plus the run's key; the rest must fit in 64 characters. */
export const SUFFIX_MAX = 64 - RUN_KEY_LENGTH - 1;
/** A run's key in a model name (`tf` + 10 base32 characters): a fine-tune a pipeline made. */
export const RUN_KEY_IN_NAME = /(^|[-/])tf[a-z2-7]{10}(-|$)/;

/**
 * Whether Together will take this request for a base it fine-tunes, checked against its own
 * limits (`GET /fine-tunes/models/limits`) before anything is uploaded: method, LoRA or full,
 * rank, batch size, learning rate, epochs, evaluations, checkpoints and the longest example. Each
 * problem says what to change; `limits` sums up what the base allows. Pure, so unit-tested.
 */
export function checkAgainstLimits(
  input: RequestCheckInput,
  limits: FinetuneModelLimits,
): RequestCheck {
  const problems: string[] = unsupportedHyperparameters(input.method, input.hyperparameters);
  const t = input.tuning ?? {};
  const m = input.model;
  const full = t.type === 'full';
  const dpo = input.method === 'dpo';
  const lora = limits.lora_training;
  const fullLimits = limits.full_training;
  if (full && (!limits.supports_full_training || !fullLimits)) {
    problems.push(
      `${m} trains LoRA adapters only: drop --full (or choose a base that allows full fine-tuning)`,
    );
  }
  if (!full && t.lora?.r !== undefined && (t.lora.r < 1 || t.lora.r > lora.max_rank)) {
    problems.push(`LoRA rank ${t.lora.r} is outside 1–${lora.max_rank} for ${m} (--lora-r)`);
  }
  if (!full && t.lora?.dropout !== undefined && (t.lora.dropout < 0 || t.lora.dropout >= 1)) {
    problems.push(`LoRA dropout must be from 0 up to (not including) 1, got ${t.lora.dropout}`);
  }
  if (!full && t.lora?.modules !== undefined && t.lora.modules !== 'all-linear') {
    const unknown = t.lora.modules
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x && !lora.target_modules.includes(x));
    if (unknown.length)
      problems.push(
        `${m} has no LoRA target module(s) ${unknown.join(', ')}: use all-linear or some of ${list(lora.target_modules)}`,
      );
  }
  const bounds = full && fullLimits ? fullLimits : lora;
  const maxBatch = dpo ? bounds.max_batch_size_dpo : bounds.max_batch_size;
  if (
    typeof t.batchSize === 'number' &&
    (t.batchSize < bounds.min_batch_size || t.batchSize > maxBatch)
  ) {
    problems.push(
      `batch size ${t.batchSize} is outside ${bounds.min_batch_size}–${maxBatch} for ${dpo ? 'DPO' : 'SFT'} ${full ? 'full' : 'LoRA'} training of ${m} (--batch-size, or "max")`,
    );
  }
  if (
    t.learningRate !== undefined &&
    (t.learningRate < limits.min_learning_rate || t.learningRate > limits.max_learning_rate)
  ) {
    problems.push(
      `learning rate ${t.learningRate} is outside ${limits.min_learning_rate}–${limits.max_learning_rate} for ${m} (--learning-rate)`,
    );
  }
  if (t.warmupRatio !== undefined && (t.warmupRatio < 0 || t.warmupRatio > 1)) {
    problems.push(`warm-up ratio must be from 0 to 1, got ${t.warmupRatio}`);
  }
  if (t.evals !== undefined && t.evals > limits.max_num_evals) {
    problems.push(`${t.evals} evaluations is more than ${m} allows (${limits.max_num_evals})`);
  }
  if (t.evals !== undefined && t.evals > 0 && input.hasValidation === false) {
    problems.push('evaluations (--evals) need a validation file (--validation)');
  }
  if (t.checkpoints !== undefined && t.checkpoints > limits.max_num_checkpoints) {
    problems.push(
      `${t.checkpoints} checkpoints is more than ${m} allows (${limits.max_num_checkpoints})`,
    );
  }
  const maxSeq = dpo ? limits.max_seq_length_dpo : limits.max_seq_length_sft;
  if (
    input.longestExampleTokens !== undefined &&
    maxSeq > 0 &&
    input.longestExampleTokens > maxSeq
  ) {
    problems.push(
      `the longest example is about ${input.longestExampleTokens} tokens (by our count; Together's tokenizer may differ a little), more than the ${maxSeq} ${m} trains on for ${dpo ? 'DPO' : 'SFT'}: shorten or split it`,
    );
  }
  return { problems, limits: describeLimits(limits, dpo) };
}

/** What a base allows, in one line for the pre-flight's report. */
export function describeLimits(limits: FinetuneModelLimits, dpo: boolean): string {
  const lora = limits.lora_training;
  const fullText =
    limits.supports_full_training && limits.full_training
      ? `full fine-tuning too (batch ${limits.full_training.min_batch_size}–${dpo ? limits.full_training.max_batch_size_dpo : limits.full_training.max_batch_size})`
      : 'LoRA only';
  const maxSeq = dpo ? limits.max_seq_length_dpo : limits.max_seq_length_sft;
  return (
    `LoRA rank ≤ ${lora.max_rank}, batch ${lora.min_batch_size}–${dpo ? lora.max_batch_size_dpo : lora.max_batch_size}; ${fullText}; ` +
    `≤ ${maxSeq} tokens per example; ≤ ${limits.max_num_epochs} epochs; learning rate ${limits.min_learning_rate}–${limits.max_learning_rate}`
  );
}

/**
 * Settings Together does not take, whatever the base: OpenAI's learning-rate multiplier (Together
 * wants an absolute rate) and a DPO beta on an SFT job.
 */
export function unsupportedHyperparameters(
  method: RequestCheckInput['method'],
  hyperparameters: Record<string, unknown> | undefined,
): string[] {
  const out: string[] = [];
  const lrm = hyperparameters?.learning_rate_multiplier;
  if (lrm !== undefined && lrm !== 'auto') {
    out.push(
      'Together takes an absolute learning rate (--learning-rate), not a multiplier (--lr-multiplier)',
    );
  }
  if (method !== 'dpo' && hyperparameters?.beta !== undefined && hyperparameters.beta !== 'auto') {
    out.push('beta is a DPO setting');
  }
  return out;
}

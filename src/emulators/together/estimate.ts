import { pricePerMillionTokens } from './catalog.js';
import type { TogetherContext } from './context.js';
import { badRequest } from './errors.js';
import { findFile } from './files.js';
import { resolveCheckpoint } from './jobRequest.js';
import type { FileRecord } from './records.js';

type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Unavailable =
  | 'train_file_not_validated'
  | 'eval_file_not_validated'
  | 'train_file_invalid'
  | 'eval_file_invalid'
  | 'multimodal_dataset';

/** Why a file cannot be priced yet (SDK `unavailable_reason`), or undefined when it can. */
function fileProblem(file: FileRecord, which: 'train' | 'eval'): Unavailable | undefined {
  if (file.processingStatus === 'PENDING') return `${which}_file_not_validated`;
  if (file.processingStatus !== 'COMPLETED') return `${which}_file_invalid`;
  if (file.report?.isMultimodal) return 'multimodal_dataset';
  return undefined;
}

const positiveInt = (body: Body, key: string, fallback: number): number => {
  const v = body[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw badRequest(`${key} must be a non-negative integer`, key);
  return v;
};

/**
 * `POST /fine-tunes/estimate-price`: the spec's fields (dollars for `estimated_total_price` and
 * `user_limit`: the unit is unverified) plus the SDK's `estimation_available` discriminator;
 * `{estimation_available: false, unavailable_reason}` until the files have passed validation.
 * Price = (train tokens × epochs + eval tokens × evals) × the model's rate per token.
 * `allowed_to_proceed` is false above the credit limit or while the spending limit is reached.
 */
export function estimatePrice(ctx: TogetherContext, raw: unknown): Record<string, unknown> {
  if (!isObject(raw)) throw badRequest('The request body must be a JSON object');
  if (typeof raw.training_file !== 'string')
    throw badRequest('training_file is required', 'training_file');
  const training = findFile(ctx, raw.training_file);
  if (!training) throw badRequest(`File ${raw.training_file} not found`, 'training_file');
  const validation =
    typeof raw.validation_file === 'string' ? findFile(ctx, raw.validation_file) : undefined;
  if (typeof raw.validation_file === 'string' && !validation) {
    throw badRequest(`File ${raw.validation_file} not found`, 'validation_file');
  }
  const fromCheckpoint = typeof raw.from_checkpoint === 'string' ? raw.from_checkpoint : undefined;
  const modelName =
    typeof raw.model === 'string'
      ? raw.model
      : fromCheckpoint
        ? resolveCheckpoint(ctx, fromCheckpoint).job.request.model
        : undefined;
  if (!modelName) throw badRequest('model (or from_checkpoint) is required', 'model');
  const model = ctx.catalog.get(modelName);
  if (!model?.fineTune)
    throw badRequest(`Model ${modelName} is not supported for fine-tuning`, 'model');

  const reason =
    fileProblem(training, 'train') ?? (validation ? fileProblem(validation, 'eval') : undefined);
  if (reason) return { estimation_available: false, unavailable_reason: reason };

  const nEpochs = positiveInt(raw, 'n_epochs', 1);
  const nEvals = positiveInt(raw, 'n_evals', 0);
  const method =
    isObject(raw.training_method) && raw.training_method.method === 'dpo' ? 'dpo' : 'sft';
  const type = isObject(raw.training_type) && raw.training_type.type === 'Full' ? 'Full' : 'Lora';
  const trainTokens = (training.report?.tokens ?? 0) * nEpochs;
  const evalTokens = validation ? (validation.report?.tokens ?? 0) * nEvals : 0;
  const dollars = ((trainTokens + evalTokens) * pricePerMillionTokens(model, method, type)) / 1e6;
  const limit = ctx.settings.creditLimitDollars;
  return {
    estimation_available: true,
    estimated_total_price: Math.round(dollars * 1e9) / 1e9,
    allowed_to_proceed: !ctx.settings.spendingLimitReached && dollars <= limit,
    user_limit: limit,
    estimated_train_token_count: trainTokens,
    estimated_eval_token_count: evalTokens,
  };
}

import type { LessonSource } from './chatKnowledge.js';
import type { EmulatorContext } from './context.js';
import { ApiError } from './errors.js';
import { baseModelSnapshot, isCompletionOnly } from './models.js';

/** A model chat completions can be asked for, named as responses name it. */
export type ChatModel =
  | { kind: 'base'; name: string }
  | {
      kind: 'fine-tuned';
      name: string;
      job: LessonSource;
      /** How far through training the model is: 1 for the final model, less for a checkpoint. */
      progress: number;
    };

/** Observed wording and code for a model that is unknown or not the caller's. */
export const modelNotFound = (model: string): ApiError =>
  new ApiError(
    404,
    `The model \`${model}\` does not exist or you do not have access to it.`,
    'invalid_request_error',
    null,
    'model_not_found',
  );

/** Observed for babbage-002 / davinci-002 on chat completions. */
const notAChatModel = (): ApiError =>
  new ApiError(
    404,
    'This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?',
    'invalid_request_error',
    'model',
  );

/** A fine-tuned model or checkpoint of a job that succeeded here, by its name. */
export function fineTunedChatModel(ctx: EmulatorContext, model: string): ChatModel | undefined {
  for (const job of ctx.jobs.values()) {
    if (job.status !== 'succeeded') continue;
    if (job.fineTunedModel === model) return { kind: 'fine-tuned', name: model, job, progress: 1 };
    // Intermediate checkpoints are models too; they have learned less.
    const checkpoint = job.checkpoints.find((c) => c.model === model);
    const total = job.plan?.totalSteps ?? 0;
    if (checkpoint && total > 0) {
      return { kind: 'fine-tuned', name: model, job, progress: checkpoint.step / total };
    }
  }
  return undefined;
}

/**
 * A base model the emulator knows (aliases become their snapshot, as responses report), or a
 * fine-tuned model or checkpoint of a job that succeeded here; 404 otherwise.
 */
export function resolveChatModel(ctx: EmulatorContext, requested: string): ChatModel {
  if (requested.startsWith('ft:')) {
    const model = fineTunedChatModel(ctx, requested);
    if (model) return model;
    throw modelNotFound(requested);
  }
  const snapshot = baseModelSnapshot(requested);
  if (!snapshot) throw modelNotFound(requested);
  if (isCompletionOnly(snapshot)) throw notAChatModel();
  return { kind: 'base', name: snapshot };
}

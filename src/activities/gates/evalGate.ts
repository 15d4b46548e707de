import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../shared/errorTypes.js';
import type { EvalOptions, EvalReport } from '../../shared/promotionTypes.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import type { WandbClient } from '../../wandb/index.js';
import type { ChatFn } from '../openai/chat.js';
import type { WandbActivityDeps } from '../wandb/deps.js';
import { wandbCalling } from '../wandb/errors.js';
import { fetchVersion, versionRef } from '../wandb/promotion.js';
import { evaluateModels, type EvalModel } from './evaluate.js';
import { logEvalTable } from './evalTable.js';

export interface EvalGateInput {
  jobId: string;
  models: EvalModel[];
  /** The pipeline's validation file, used when no eval dataset version is named. */
  validationPath?: string;
  options: EvalOptions;
  target: WandbTarget | null;
}

const EMPTY = (dataset: string, options: EvalOptions): EvalReport => ({
  dataset,
  examples: 0,
  primary: options.primary ?? 'model',
  models: [],
  totalTokens: 0,
});

/** Downloads a named W&B dataset version and hands its JSONL file to `use`. */
async function withEvalDataset<T>(
  wandb: WandbClient | undefined,
  target: WandbTarget | null,
  ref: string,
  use: (path: string, label: string) => Promise<T>,
): Promise<T> {
  if (!wandb || !target) {
    throw ApplicationFailure.nonRetryable(
      `The eval dataset ${ref} is a W&B version, but this worker has no WANDB_API_KEY.`,
      ErrorType.WandbNotConfigured,
    );
  }
  const version = await fetchVersion(wandb, target, ref);
  if (!version) {
    throw ApplicationFailure.nonRetryable(
      `Eval dataset ${ref} does not exist in W&B.`,
      ErrorType.WandbNotFound,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'finetune-eval-'));
  try {
    const got = await wandbCalling(`Downloading ${ref}`, () =>
      wandb.downloadArtifact(version.id, dir),
    );
    const file = got.files.find((f) => f.path.endsWith('.jsonl'));
    if (!file) {
      throw ApplicationFailure.nonRetryable(
        `${ref} holds no JSONL file to evaluate on`,
        ErrorType.WandbNotFound,
      );
    }
    return await use(file.localPath, versionRef(version));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The evaluation gate: the fine-tuned model against the base (and production) on the eval data;
 * per-example results go to W&B as a Table (best effort: a W&B failure leaves the report as it is).
 */
export async function runEvalGate(
  chat: ChatFn,
  deps: WandbActivityDeps,
  input: EvalGateInput,
): Promise<EvalReport> {
  const evaluate = async (path: string, label: string): Promise<EvalReport> => {
    const { report, rows } = await evaluateModels(chat, {
      models: input.models,
      path,
      label,
      options: input.options,
    });
    if (input.target && deps.wandb && rows.length > 0) {
      try {
        report.tableRef = await logEvalTable(deps.wandb, input.target, input.jobId, rows);
      } catch {
        // The scores stand without their Table; the gate's summary still carries them.
      }
    }
    return report;
  };
  if (input.options.dataset) {
    return withEvalDataset(deps.wandb, input.target, input.options.dataset, evaluate);
  }
  if (!input.validationPath) return EMPTY('no validation file and no eval dataset', input.options);
  return evaluate(input.validationPath, input.validationPath);
}

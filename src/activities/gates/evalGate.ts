import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../shared/errorTypes.js';
import type { EvalOptions, EvalReport } from '../../shared/promotionTypes.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import type { WandbClient } from '../../wandb/index.js';
import { Context } from '@temporalio/activity';
import type { FineTuneProvider } from '../../providers/types.js';
import type { ServingRecord } from '../../shared/providerTypes.js';
import { DEFAULT_GRADER_MODEL } from './evaluate.js';
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
  provider: FineTuneProvider,
  deps: WandbActivityDeps,
  input: EvalGateInput,
): Promise<EvalReport> {
  const made: ServingRecord[] = [];
  const evaluate = async (path: string, label: string): Promise<EvalReport> => {
    const models = await servedForEval(provider, input, made);
    const { report, rows } = await evaluateModels(provider.chat, {
      models,
      path,
      label,
      options: input.options,
      graderCallAs: provider.chatModelFor(
        input.options.graderModel ?? provider.defaultGraderModel ?? DEFAULT_GRADER_MODEL,
      ),
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
  try {
    if (input.options.dataset) {
      return await withEvalDataset(deps.wandb, input.target, input.options.dataset, evaluate);
    }
    if (!input.validationPath)
      return EMPTY('no validation file and no eval dataset', input.options);
    return await evaluate(input.validationPath, input.validationPath);
  } finally {
    // What was started for the eval (a deployment, an endpoint billed by the minute) is removed.
    for (const record of made) await provider.unserve(record).catch(() => undefined);
  }
}

/**
 * What each model is called as: a fine-tuned model not yet callable is served for the eval (a
 * short-lived deployment or endpoint, named after the job so a retry finds it); base models and
 * the grader by the names the worker is configured with. A model the workflow already served
 * (its `callAs`) is used as it is.
 */
async function servedForEval(
  provider: FineTuneProvider,
  input: EvalGateInput,
  made: ServingRecord[],
): Promise<EvalModel[]> {
  const ctx = Context.current();
  const out: EvalModel[] = [];
  for (const m of input.models) {
    if (m.callAs || !provider.modelId.isFineTuned(m.model)) {
      out.push({ ...m, callAs: m.callAs ?? provider.chatModelFor(m.model) });
      continue;
    }
    const record = await provider.serve(
      { model: m.model, purpose: 'eval', name: `eval-${input.jobId}-${m.role}` },
      () => ctx.heartbeat(),
      ctx.cancellationSignal,
    );
    if (record.deployment) made.push(record);
    out.push({ ...m, callAs: record.servedAs });
  }
  return out;
}

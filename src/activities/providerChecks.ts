import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { FineTuneProvider, ServeRequest } from '../providers/types.js';
import { ErrorType } from '../shared/errorTypes.js';
import type {
  CostCheck,
  RunwayReport,
  ServingRecord,
  ServingState,
} from '../shared/providerTypes.js';
import type { FineTuneMethod, FineTuneMethodType, TuningSettings } from '../shared/types.js';
import { costVerdict } from './costCheck.js';

export interface RunwayInput {
  model: string;
  suffix?: string;
  /** Report instead of refusing (status, resolve): the caller only wants the dates. */
  reportOnly?: boolean;
  /** The request, for the provider's limits (runs since the provider seam send these). */
  method?: FineTuneMethodType;
  hyperparameters?: Record<string, unknown>;
  tuning?: TuningSettings;
  longestExampleTokens?: number;
  hasValidation?: boolean;
}

/** Runs a provider operation, its errors mapped by the provider's own classifier. */
async function mapped<T>(provider: FineTuneProvider, action: string, fn: () => Promise<T>) {
  try {
    return await fn();
  } catch (err) {
    throw provider.toFailure(err, action);
  }
}

/** A refusal of the runway check as a failure nobody should retry. */
export function runwayRefusal(report: RunwayReport): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    report.problem ?? 'training is not possible',
    ErrorType.NoTrainingRunway,
    report,
  );
}

/**
 * Before anything is uploaded or versioned: can this provider still train the base model, and is
 * the request one it will take (suffix rules, method, its limits: LoRA or full, batch size,
 * context length)? Refuses with the reason, the date and the way out.
 */
export async function checkTrainingRunway(
  provider: FineTuneProvider,
  input: RunwayInput,
): Promise<RunwayReport> {
  const { suffix, methods, priceEstimate } = provider.capabilities;
  if (!input.reportOnly && input.suffix !== undefined && !suffix.pattern.test(input.suffix)) {
    throw ApplicationFailure.nonRetryable(
      `The suffix "${input.suffix}" does not fit ${provider.label}'s rule (${suffix.describe}). Shorten or rename it, then start again.`,
      ErrorType.InvalidJobRequest,
    );
  }
  if (!input.reportOnly && input.method && !methods.includes(input.method)) {
    throw ApplicationFailure.nonRetryable(
      `${provider.label} does not train with method "${input.method}" (it offers ${methods.join(', ')}). Choose one of those, or start the pipeline on another provider's worker.`,
      ErrorType.InvalidJobRequest,
    );
  }
  const signal = Context.current().cancellationSignal;
  const report = await mapped(
    provider,
    `Checking that ${provider.label} can still train ${input.model}`,
    () => provider.checkRunway(input.model, Date.now(), signal),
  );
  if (!report.ok && !input.reportOnly) throw runwayRefusal(report);
  const method = input.method;
  if (input.reportOnly || !method) return report;
  const check = await mapped(provider, `Checking ${input.model}'s limits`, () =>
    provider.checkRequest(
      {
        model: input.model,
        method,
        ...(input.suffix !== undefined ? { suffix: input.suffix } : {}),
        ...(input.tuning ? { tuning: input.tuning } : {}),
        ...(input.hyperparameters ? { hyperparameters: input.hyperparameters } : {}),
        ...(input.longestExampleTokens !== undefined
          ? { longestExampleTokens: input.longestExampleTokens }
          : {}),
        ...(input.hasValidation !== undefined ? { hasValidation: input.hasValidation } : {}),
      },
      signal,
    ),
  );
  if (check.problems.length) {
    throw ApplicationFailure.nonRetryable(
      `${provider.label} would refuse this request for ${input.model}: ${check.problems.join('; ')}`,
      ErrorType.InvalidJobRequest,
    );
  }
  return {
    ...report,
    ...(check.limits ? { limits: check.limits } : {}),
    ...(priceEstimate === 'provider' ? { estimateAfterUpload: true } : {}),
  };
}

export interface CostInput {
  model: string;
  trainingFileId: string;
  validationFileId?: string;
  method?: FineTuneMethod;
  tuning?: TuningSettings;
  /** Our own estimate from the token count (providers without an estimate of their own). */
  localUsd?: number;
  maxUsd?: number;
}

/**
 * The training price before the job: the provider's estimate (on the uploaded, checked files)
 * or ours. A provider that will not go ahead, or an estimate above `maxUsd`, is refused here —
 * before the job exists — with the figure; the workflow then removes what this run uploaded.
 */
export async function estimateTrainingCost(
  provider: FineTuneProvider,
  input: CostInput,
): Promise<CostCheck> {
  const estimate = await mapped(provider, 'Estimating the training price', () =>
    provider.estimateCost(
      {
        model: input.model,
        trainingFileId: input.trainingFileId,
        ...(input.validationFileId ? { validationFileId: input.validationFileId } : {}),
        ...(input.method ? { method: input.method } : {}),
        ...(input.tuning ? { tuning: input.tuning } : {}),
        ...(input.localUsd !== undefined ? { localUsd: input.localUsd } : {}),
      },
      Context.current().cancellationSignal,
    ),
  );
  const check = costVerdict(provider.label, estimate, input.maxUsd);
  if (check.refused) {
    throw ApplicationFailure.nonRetryable(check.refused, ErrorType.CostLimitExceeded, check);
  }
  return check;
}

/** Makes a model callable (a deployment or endpoint, probed until it answers); idempotent by name. */
export async function prepareServing(
  provider: FineTuneProvider,
  req: ServeRequest,
): Promise<ServingRecord> {
  if (req.provider && req.provider !== provider.name) {
    throw ApplicationFailure.nonRetryable(
      `${req.model} was trained on ${req.provider}, but this worker serves ${provider.label}. Run this on a worker configured for ${req.provider} (FINETUNE_PROVIDER=${req.provider}, on its own task queue).`,
      ErrorType.WrongProvider,
    );
  }
  const ctx = Context.current();
  return mapped(provider, `Serving ${req.model}`, () =>
    provider.serve(req, () => ctx.heartbeat(), ctx.cancellationSignal),
  );
}

export async function removeServing(
  provider: FineTuneProvider,
  record: ServingRecord,
): Promise<void> {
  await mapped(provider, `Stopping ${record.servedAs}`, () =>
    provider.unserve(record, Context.current().cancellationSignal),
  );
}

/** What of these is running now and what it costs per hour (status, resolve). */
export function readServingStates(
  provider: FineTuneProvider,
  records: ServingRecord[],
): Promise<ServingState[]> {
  const mine = records.filter((r) => r.provider === provider.name);
  return mapped(provider, 'Reading what serves', () =>
    provider.servingStates(mine, Context.current().cancellationSignal),
  );
}

/**
 * After a refusal to train: delete the files this run uploaded (never the ones reused from an
 * earlier run), so a failed start leaves nothing behind at the provider.
 */
export async function deleteUploadedFiles(
  provider: FineTuneProvider,
  fileIds: string[],
): Promise<string[]> {
  const deleted: string[] = [];
  for (const id of fileIds) {
    if (await provider.files.delete(id, Context.current().cancellationSignal)) deleted.push(id);
  }
  return deleted;
}

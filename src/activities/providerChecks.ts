import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { calling } from './openai/errors.js';
import { runwayRefusal } from '../providers/openai/index.js';
import type { FineTuneProvider, ServeRequest } from '../providers/types.js';
import { ErrorType } from '../shared/errorTypes.js';
import type { RunwayReport, ServingRecord } from '../shared/providerTypes.js';

export interface RunwayInput {
  model: string;
  suffix?: string;
  /** Report instead of refusing (status, resolve): the caller only wants the dates. */
  reportOnly?: boolean;
}

/**
 * Before anything is uploaded or versioned: can this provider still train the base model, and is
 * the request one it will take (suffix rules)? Refuses with the date and the way out.
 */
export async function checkTrainingRunway(
  provider: FineTuneProvider,
  input: RunwayInput,
): Promise<RunwayReport> {
  const { suffix } = provider;
  if (!input.reportOnly && input.suffix !== undefined && !suffix.pattern.test(input.suffix)) {
    throw ApplicationFailure.nonRetryable(
      `The suffix "${input.suffix}" does not fit ${provider.label}'s rule (${suffix.describe}). Shorten or rename it, then start again.`,
      ErrorType.InvalidJobRequest,
    );
  }
  const signal = Context.current().cancellationSignal;
  const report = await calling(
    `Checking that ${provider.label} can still train ${input.model}`,
    () => provider.checkRunway(input.model, Date.now(), signal),
  );
  if (!report.ok && !input.reportOnly) throw runwayRefusal(report);
  return report;
}

/** Makes a model callable (Azure: a deployment, probed until it answers); idempotent by name. */
export async function prepareServing(
  provider: FineTuneProvider,
  req: ServeRequest,
): Promise<ServingRecord> {
  if (req.provider && req.provider !== provider.name) {
    throw ApplicationFailure.nonRetryable(
      `${req.model} was trained on ${req.provider}, but this worker serves ${provider.label}. Run this on a worker configured for ${req.provider} (its task queue, e.g. --task-queue fine-tune${req.provider === 'openai' ? '' : `-${req.provider}`}).`,
      ErrorType.WrongProvider,
    );
  }
  const ctx = Context.current();
  return provider.serve(req, () => ctx.heartbeat(), ctx.cancellationSignal);
}

export async function removeServing(
  provider: FineTuneProvider,
  record: ServingRecord,
): Promise<void> {
  await provider.unserve(record, Context.current().cancellationSignal);
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
    const gone = await calling(`Deleting file ${id}`, () =>
      provider.client.files.delete(id).then(
        () => false,
        (err: unknown) => {
          if ((err as { status?: number }).status === 404) return true; // already gone
          throw err;
        },
      ),
    );
    if (!gone) deleted.push(id);
  }
  return deleted;
}

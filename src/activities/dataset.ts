import { stat } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { describeDatasetProblems, validateDatasetFile } from '../dataset/index.js';
import { ErrorType } from '../shared/errorTypes.js';
import { streaming } from './failures.js';
import type { DatasetSummary, FineTuneMethodType, PiiPolicy } from '../shared/types.js';

export interface ValidateDatasetInput {
  role: DatasetSummary['role'];
  path: string;
  model: string;
  method: FineTuneMethodType;
  piiScan?: PiiPolicy;
  /** Scan for personal data even when piiScan is off, to report it to the PII gate. */
  collectPii?: boolean;
}

const SHOWN_ERRORS = 10;

/**
 * Streams the dataset once: format checks with line numbers, digest, token counts and cost.
 * Bad data fails here, before anything is uploaded or paid for. Heartbeats carry progress.
 */
export async function validateDataset(input: ValidateDatasetInput): Promise<DatasetSummary> {
  const ctx = Context.current();
  await stat(input.path).catch(() => {
    throw ApplicationFailure.nonRetryable(
      `Cannot read ${input.role} dataset ${input.path} on the worker: the file must exist where the worker runs.`,
      ErrorType.DatasetUnreadable,
    );
  });
  const report = await streaming(`Reading ${input.role} dataset ${input.path}`, () =>
    validateDatasetFile(input.path, {
      model: input.model,
      // A validation file must only parse; the minimum example count applies to training data.
      method: input.method,
      minExamples: input.role === 'training' ? 10 : 1,
      piiScan: (input.piiScan ?? 'off') !== 'off' || input.collectPii === true,
      signal: ctx.cancellationSignal,
      onProgress: (p) => ctx.heartbeat(p),
    }),
  );
  if (!report.ok) {
    throw ApplicationFailure.nonRetryable(
      describeDatasetProblems(input.path, report, SHOWN_ERRORS),
      ErrorType.InvalidDataset,
      {
        errors: report.errors.slice(0, SHOWN_ERRORS),
        errorCount: report.errorCount,
      },
    );
  }
  const pii = report.pii;
  const piiHits = pii ? pii.emails + pii.phones + pii.cardNumbers : 0;
  if (input.piiScan === 'block' && piiHits > 0 && pii) {
    throw ApplicationFailure.nonRetryable(
      `${input.path} looks like it contains personal data (${pii.emails} e-mail address(es), ${pii.phones} phone number(s), ` +
        `${pii.cardNumbers} card number(s); first lines: ${pii.lines.slice(0, 10).join(', ')}). ` +
        'Remove it, or start with piiScan "warn" to proceed anyway.',
      ErrorType.PiiFound,
    );
  }
  if (piiHits > 0) ctx.log.warn('dataset may contain personal data', { path: input.path, ...pii });
  return {
    role: input.role,
    path: input.path,
    digest: report.digest,
    bytes: report.bytes,
    format: report.format,
    examples: report.examples,
    billableTokens: report.tokens.billableTotal,
    overLimit: report.tokens.overLimit,
    warningCount: report.warningCount,
    overLimitLines: report.tokens.overLimitLines,
    contextLimit: report.tokens.contextLimit,
    longestExampleTokens: report.tokens.perExample.max,
    ...(pii
      ? {
          pii: {
            emails: pii.emails,
            phones: pii.phones,
            cardNumbers: pii.cardNumbers,
            lines: pii.lines.slice(0, 20),
          },
        }
      : {}),
    // Validation data is not trained on, so it has no training cost.
    ...(input.role === 'training'
      ? {
          estimatedTrainedTokens: report.cost?.estimatedTrainedTokens,
          estimatedUsd: report.cost?.estimatedUsd,
        }
      : {}),
  };
}

import type { StepMetrics } from './trainingCurve.js';

/** The documented SFT columns; the file says `train_accuracy` where events say `train_mean_token_accuracy`. */
export const RESULTS_COLUMNS = [
  'step',
  'train_loss',
  'train_accuracy',
  'valid_loss',
  'valid_mean_token_accuracy',
] as const;

/** One row per step; validation cells stay empty on steps without validation. */
export function resultsCsv(steps: readonly StepMetrics[]): string {
  const rows = steps.map((m) =>
    [
      m.step,
      m.train_loss,
      m.train_mean_token_accuracy,
      m.valid_loss ?? '',
      m.valid_mean_token_accuracy ?? '',
    ].join(','),
  );
  return `${[RESULTS_COLUMNS.join(','), ...rows].join('\n')}\n`;
}

/** The real service has served this file base64-encoded; clients must cope with both forms. */
export function encodeResults(csv: string, base64: boolean): string {
  return base64 ? Buffer.from(csv, 'utf8').toString('base64') : csv;
}

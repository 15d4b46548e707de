import type { StepMetrics } from '../trainingCurve.js';

/** Azure's `results.csv` columns (ft-rest); note `validation_…` where checkpoints say `valid_…`. */
export const AZURE_RESULTS_COLUMNS = [
  'step',
  'train_loss',
  'train_mean_token_accuracy',
  'valid_loss',
  'validation_mean_token_accuracy',
  'full_valid_loss',
  'full_valid_mean_token_accuracy',
] as const;

/** One row per step; cells of metrics a step did not report stay empty. */
export function azureResultsCsv(steps: readonly StepMetrics[]): string {
  const rows = steps.map((m) =>
    [
      m.step,
      m.train_loss,
      m.train_mean_token_accuracy,
      m.valid_loss ?? '',
      m.valid_mean_token_accuracy ?? '',
      m.full_valid_loss ?? '',
      m.full_valid_mean_token_accuracy ?? '',
    ].join(','),
  );
  return `${[AZURE_RESULTS_COLUMNS.join(','), ...rows].join('\n')}\n`;
}

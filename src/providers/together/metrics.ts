import type { HistoryRow } from '../../wandb/fileStream.js';
import type { LatestMetrics } from './snapshot.js';

/** One row of `GET /fine-tunes/{id}/metrics`: W&B-style keys (`train/loss`, `eval/loss`, …). */
export type MetricsRow = Record<string, number>;

const STEP = 'train/global_step';

/**
 * Together's metrics as W&B history: one line per step. A train row and an eval row at the same
 * step come back as two objects (facts sheet §4.2); they are merged into the step's one line, so
 * a re-sync writes the same lines, never a duplicate. Rows without a step are left out; rows
 * arrive in chronological order, but the output is sorted by step all the same.
 */
export function metricsToHistory(rows: MetricsRow[]): HistoryRow[] {
  const byStep = new Map<number, Record<string, unknown>>();
  for (const row of rows) {
    const step = row[STEP];
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) continue;
    const values = byStep.get(step) ?? {};
    for (const [key, value] of Object.entries(row)) {
      if (key === STEP || typeof value !== 'number' || !Number.isFinite(value)) continue;
      values[key] = value;
    }
    byStep.set(step, values);
  }
  return [...byStep.entries()]
    .sort(([a], [b]) => a - b)
    .map(([step, values]) => ({ step, values }));
}

/** The latest step's losses (the eval loss: the latest evaluation so far). */
export function latestOf(rows: MetricsRow[]): LatestMetrics | undefined {
  const history = metricsToHistory(rows);
  const last = history.at(-1);
  if (!last) return undefined;
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const lastEval = [...history].reverse().find((h) => typeof h.values['eval/loss'] === 'number');
  return {
    step: last.step,
    trainLoss: num(last.values['train/loss']),
    validLoss: num(lastEval?.values['eval/loss']),
  };
}

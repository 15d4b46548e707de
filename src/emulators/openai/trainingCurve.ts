import { hashUnit } from './random.js';
import type { TrainingPlan } from './records.js';

/** Metrics of one step, with the key names of the API's metrics events. */
export interface StepMetrics {
  step: number;
  total_steps: number;
  train_loss: number;
  train_mean_token_accuracy: number;
  valid_loss?: number;
  valid_mean_token_accuracy?: number;
  full_valid_loss?: number;
  full_valid_mean_token_accuracy?: number;
}

const round = (x: number, digits = 5): number => Number(x.toFixed(digits));
const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/** Validation runs every tenth of training; full validation at each epoch end. */
export function isValidationStep(plan: TrainingPlan, step: number): boolean {
  const every = Math.max(1, Math.round(plan.totalSteps / 10));
  return plan.hasValidation && (step % every === 0 || step === plan.totalSteps);
}

/**
 * A plausible, deterministic learning curve: loss falls exponentially from about 2–2.6 towards a
 * floor, with per-step noise fixed by the job's seed, so the same job always trains the same way.
 */
export function stepMetrics(plan: TrainingPlan, seed: number, step: number): StepMetrics {
  const progress = step / plan.totalSteps;
  const start = 2 + 0.6 * hashUnit(seed, -1);
  const floor = 0.15 + 0.2 * hashUnit(seed, -2);
  const decay = Math.exp(-4 * progress);
  const noise = (hashUnit(seed, step) - 0.5) * 0.16 * (1 - 0.6 * progress);
  const trainLoss = Math.max(0.01, floor + (start - floor) * decay + noise);
  const accuracy = clamp01(0.45 + 0.5 * (1 - decay) - noise * 0.1);
  const metrics: StepMetrics = {
    step,
    total_steps: plan.totalSteps,
    train_loss: round(trainLoss),
    train_mean_token_accuracy: round(accuracy),
  };
  if (isValidationStep(plan, step)) {
    const validNoise = (hashUnit(seed + 1, step) - 0.5) * 0.06;
    metrics.valid_loss = round(floor * 1.1 + (start - floor) * decay * 1.05 + validNoise);
    metrics.valid_mean_token_accuracy = round(clamp01(accuracy - 0.03 - validNoise * 0.1));
  }
  if (plan.hasValidation && plan.epochEndSteps.includes(step)) {
    metrics.full_valid_loss = round(floor * 1.12 + (start - floor) * decay * 1.06);
    metrics.full_valid_mean_token_accuracy = round(clamp01(accuracy - 0.035));
  }
  return metrics;
}

/** `Step 12/300: training loss=0.22, validation loss=0.31, full validation loss=0.30` */
export function stepMessage(m: StepMetrics): string {
  let text = `Step ${m.step}/${m.total_steps}: training loss=${m.train_loss.toFixed(2)}`;
  if (m.valid_loss !== undefined) text += `, validation loss=${m.valid_loss.toFixed(2)}`;
  if (m.full_valid_loss !== undefined)
    text += `, full validation loss=${m.full_valid_loss.toFixed(2)}`;
  return text;
}

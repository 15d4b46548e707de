import { hashUnit } from '../openai/random.js';
import { stepMetrics } from '../openai/trainingCurve.js';
import type { JobRecord } from './records.js';

const round = (x: number, digits = 6): number => Number(x.toPrecision(digits));

/**
 * The learning rate at a step: linear warm-up over `warmup_ratio` of the steps, then linear or
 * cosine decay to `min_lr_ratio` of the peak, as the scheduler names them describe.
 */
export function learningRateAt(job: JobRecord, step: number): number {
  const total = job.plan?.totalSteps ?? 1;
  const { learningRate: peak, warmupRatio, lrScheduler } = job.request;
  const warmup = Math.round(total * warmupRatio);
  if (warmup > 0 && step <= warmup) return round((peak * step) / warmup);
  const minRatio = lrScheduler.lr_scheduler_args?.min_lr_ratio ?? 0;
  const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  if (lrScheduler.lr_scheduler_type === 'cosine') {
    const cycles = lrScheduler.lr_scheduler_args?.num_cycles ?? 0.5;
    const cosine = 0.5 * (1 + Math.cos(Math.PI * 2 * cycles * progress));
    return round(peak * (minRatio + (1 - minRatio) * cosine));
  }
  return round(peak * (minRatio + (1 - minRatio) * (1 - progress)));
}

/**
 * One `/metrics` row per step with W&B-style keys (facts sheet §4.2: `train/loss`,
 * `train/learning_rate`, `train/global_step`, `train/grad_norm`). The loss follows the OpenAI
 * emulator's curve for the job's seed, so the same seed trains the same way.
 */
export function trainRow(job: JobRecord, step: number): Record<string, number> {
  const loss = stepMetrics(job.plan!, job.seed, step).train_loss;
  const gradNorm =
    0.4 + 1.6 * Math.exp((-3 * step) / job.plan!.totalSteps) + 0.2 * hashUnit(job.seed + 7, step);
  return {
    'train/loss': loss,
    'train/learning_rate': learningRateAt(job, step),
    'train/global_step': step,
    'train/grad_norm': round(gradNorm, 5),
  };
}

/** An evaluation at a step is its own row (a train and an eval entry at one step come back as two). */
export function evalRow(job: JobRecord, step: number): Record<string, number> {
  const train = stepMetrics(job.plan!, job.seed, step).train_loss;
  const noise = (hashUnit(job.seed + 11, step) - 0.5) * 0.04;
  return { 'eval/loss': round(train * 1.06 + 0.02 + noise, 5), 'train/global_step': step };
}

/** The steps, evenly spread, at which `count` things happen in a run of `total` steps. */
export function spreadSteps(total: number, count: number): number[] {
  const out = new Set<number>();
  for (let k = 1; k <= count; k++) out.add(Math.max(1, Math.round((total * k) / count)));
  return [...out].sort((a, b) => a - b);
}

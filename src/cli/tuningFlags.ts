import type { Command } from 'commander';
import type { TuningSettings } from '../shared/types.js';
import { integerFrom, numberIn } from './numberOption.js';
import { UserError } from './userError.js';

/** `start`'s flags for open-weight training (LoRA, full) and the price ceiling. */
export interface TuningFlags {
  full?: boolean;
  loraR?: number;
  loraAlpha?: number;
  loraDropout?: number;
  loraModules?: string;
  learningRate?: number;
  warmupRatio?: number;
  evals?: number;
  checkpoints?: number;
  maxCost?: number;
}

/**
 * Adds them. Providers that train open-weight models take them (LoRA by default, full where the
 * base allows it); one that does not refuses them in the pre-flight, before anything is uploaded.
 */
export function addTuningFlags(cmd: Command): Command {
  return cmd
    .option('--full', 'full fine-tuning instead of a LoRA adapter (where the base allows it)')
    .option('--lora-r <n>', 'LoRA rank (default: the base model’s)', integerFrom(1, 1024))
    .option('--lora-alpha <n>', 'LoRA alpha (default: 2 × rank)', integerFrom(1, 4096))
    .option('--lora-dropout <x>', 'LoRA dropout, 0 up to 1', numberIn(0, 0.999))
    .option('--lora-modules <list>', 'LoRA target modules, comma-separated, or all-linear')
    .option('--learning-rate <x>', 'absolute learning rate', numberIn(1e-9, 1))
    .option('--warmup-ratio <x>', 'share of steps with linear warm-up, 0 to 1', numberIn(0, 1))
    .option('--evals <n>', 'evaluations on the validation file', integerFrom(0, 100))
    .option('--checkpoints <n>', 'checkpoints saved during training', integerFrom(1, 100))
    .option(
      '--max-cost <usd>',
      'stop before the job is created when the training price estimate is above this (USD)',
      numberIn(0, 1_000_000),
    );
}

/** The flags as the pipeline's tuning settings (undefined when none was given). */
export function tuningFromFlags(f: TuningFlags): TuningSettings | undefined {
  const loraGiven =
    f.loraR !== undefined ||
    f.loraAlpha !== undefined ||
    f.loraDropout !== undefined ||
    f.loraModules !== undefined;
  if (f.full && loraGiven) {
    throw new UserError('--full trains every weight: drop the --lora-* settings, or drop --full.');
  }
  const t: TuningSettings = {
    ...(f.full ? { type: 'full' as const } : {}),
    ...(loraGiven
      ? {
          lora: {
            ...(f.loraR !== undefined ? { r: f.loraR } : {}),
            ...(f.loraAlpha !== undefined ? { alpha: f.loraAlpha } : {}),
            ...(f.loraDropout !== undefined ? { dropout: f.loraDropout } : {}),
            ...(f.loraModules !== undefined ? { modules: f.loraModules } : {}),
          },
        }
      : {}),
    ...(f.learningRate !== undefined ? { learningRate: f.learningRate } : {}),
    ...(f.warmupRatio !== undefined ? { warmupRatio: f.warmupRatio } : {}),
    ...(f.evals !== undefined ? { evals: f.evals } : {}),
    ...(f.checkpoints !== undefined ? { checkpoints: f.checkpoints } : {}),
  };
  return Object.keys(t).length ? t : undefined;
}

import type { Hyperparameters, MethodType, TrainingPlan } from './records.js';

/**
 * Turns "auto" hyperparameters into the concrete values a job reports once it starts training.
 * Epochs follow the cookbook's heuristic (3, more for tiny datasets, fewer for huge ones); batch
 * size and learning-rate multiplier are plausible values of the kind observed (1 and 1.8 for
 * small datasets), not OpenAI's actual rule.
 */
export function concreteHyperparameters(
  requested: Hyperparameters,
  method: MethodType,
  examples: number,
): Hyperparameters {
  const n = Math.max(1, examples);
  const epochs =
    n * 3 < 100
      ? Math.min(25, Math.floor(100 / n))
      : n * 3 > 25_000
        ? Math.max(1, Math.floor(25_000 / n))
        : 3;
  const auto: Hyperparameters = {
    batch_size: Math.max(1, Math.min(256, Math.round(n / 500))),
    learning_rate_multiplier: 1.8,
    n_epochs: epochs,
  };
  if (method === 'dpo') auto.beta = 0.1;
  if (method === 'reinforcement') {
    Object.assign(auto, {
      reasoning_effort: 'medium',
      compute_multiplier: 1,
      eval_interval: 1,
      eval_samples: Math.min(n, 10),
    });
  }
  const out: Hyperparameters = {};
  for (const [key, value] of Object.entries({ ...auto, ...requested })) {
    out[key] =
      value === 'auto' || (key === 'reasoning_effort' && value === 'default') ? auto[key]! : value;
  }
  return out;
}

/** Epoch ends spread over the reported steps (the emulator reports a fixed number of steps). */
export function planTraining(args: {
  examples: number;
  tokens: number;
  epochs: number;
  totalSteps: number;
  hasValidation: boolean;
  failsInTraining: boolean;
}): TrainingPlan {
  const total = Math.max(1, args.totalSteps);
  const ends = new Set<number>();
  for (let e = 1; e <= args.epochs; e++)
    ends.add(Math.max(1, Math.round((total * e) / args.epochs)));
  return {
    examples: args.examples,
    tokensPerEpoch: args.tokens,
    epochs: args.epochs,
    totalSteps: total,
    epochEndSteps: [...ends].sort((a, b) => a - b),
    failAtStep: args.failsInTraining ? Math.max(1, Math.floor(total / 2)) : null,
    hasValidation: args.hasValidation,
  };
}

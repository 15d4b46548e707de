import { modelFacts } from './models.js';
import type { FineTuneMethodType } from '../shared/types.js';
import type { CostEstimate } from './types.js';

// The service's default epoch heuristic as OpenAI's data-prep cookbook states it: aim for 3 epochs,
// but give tiny sets more passes (at least ~100 example visits) and huge sets fewer (~25,000).
const TARGET_EPOCHS = 3;
const MIN_TARGET_EXAMPLES = 100;
const MAX_TARGET_EXAMPLES = 25_000;
const MIN_DEFAULT_EPOCHS = 1;
const MAX_DEFAULT_EPOCHS = 25;

export function defaultEpochs(examples: number): number {
  if (examples <= 0) return TARGET_EPOCHS;
  if (examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES)
    return Math.min(MAX_DEFAULT_EPOCHS, Math.floor(MIN_TARGET_EXAMPLES / examples));
  if (examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES)
    return Math.max(MIN_DEFAULT_EPOCHS, Math.floor(MAX_TARGET_EXAMPLES / examples));
  return TARGET_EPOCHS;
}

export interface CostInput {
  examples: number;
  billableTokens: number;
  model: string;
  method: FineTuneMethodType;
  nEpochs?: number;
}

/**
 * Trained tokens ≈ epochs × billable tokens; USD only where our table has a price for the model
 * (supervised). DPO and reinforcement prices are not in our sources, so no USD is given for them.
 */
export function estimateCost(input: CostInput): CostEstimate | undefined {
  if (input.examples <= 0) return undefined;
  const fromOption = input.nEpochs !== undefined && input.nEpochs > 0;
  const epochs = fromOption ? Math.floor(input.nEpochs ?? 0) : defaultEpochs(input.examples);
  const estimate: CostEstimate = {
    epochs,
    epochsFrom: fromOption ? 'nEpochs' : 'heuristic',
    estimatedTrainedTokens: epochs * input.billableTokens,
  };
  const price = modelFacts(input.model).supervisedPricePerMillion;
  if (input.method === 'reinforcement') {
    estimate.note =
      'reinforcement fine-tuning is billed per hour of training plus grader tokens, not per token';
  } else if (input.method === 'dpo') {
    estimate.note = 'no DPO price in our table; trained tokens only';
  } else if (price === undefined) {
    estimate.note = `no price for ${input.model} in our table; trained tokens only`;
  } else {
    estimate.pricePerMillionUsd = price;
    estimate.estimatedUsd =
      Math.round(((estimate.estimatedTrainedTokens * price) / 1e6) * 100) / 100;
  }
  return estimate;
}

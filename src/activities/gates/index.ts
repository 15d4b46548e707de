import type { FineTuneProvider } from '../../providers/types.js';
import type { WandbActivityDeps } from '../wandb/deps.js';
import { measureDrift, type MeasureDriftInput } from './drift.js';
import { runEvalGate, type EvalGateInput } from './evalGate.js';

export type { EvalGateInput, MeasureDriftInput };

/** The gates' measurements: drift (dataset vs production) and evaluation (model vs base). */
export function createGateActivities(deps: {
  provider: FineTuneProvider;
  wandb: WandbActivityDeps;
}) {
  return {
    measureDrift: (input: MeasureDriftInput) => measureDrift(deps.wandb, input),
    evaluateForGate: (input: EvalGateInput) => runEvalGate(deps.provider, deps.wandb, input),
  };
}

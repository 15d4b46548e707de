import { usd } from './money.js';
import type { CostCheck } from './providerTypes.js';
import type { DatasetSummary } from './types.js';

// The training price as every reader shows it (start's report, status, the UI's details, the
// approver's gates text), whatever the provider: its own estimate when it gives one (Together's
// needs the uploaded files, so it comes right after upload), else our token count × a published
// price (OpenAI, Azure), else nothing. Pure and workflow-safe.

/** What training is estimated to cost before the job. */
export interface EstimatedCost {
  /** null: nobody could put a figure on it (see `unavailable`). */
  amount: number | null;
  currency: 'USD';
  /** `provider`: its own estimate; `local`: our token count × a published price; `none`. */
  source: CostCheck['source'];
  /** `--max-cost`, when given. */
  maxAmount?: number;
  /** Why the run stopped before the job, when it did. */
  refused?: string;
  /** Why there is no figure. */
  unavailable?: string;
}

/**
 * The estimate a pipeline's progress holds: the checked one (provider or `--max-cost`) when the
 * check ran, else our own estimate of the training file; undefined when there is neither yet.
 */
export function estimatedCostOf(p: {
  cost?: CostCheck;
  datasets: readonly DatasetSummary[];
}): EstimatedCost | undefined {
  const c = p.cost;
  if (c) {
    return {
      amount: c.usd,
      currency: 'USD',
      source: c.source,
      ...(c.maxUsd !== undefined ? { maxAmount: c.maxUsd } : {}),
      ...(c.refused ? { refused: c.refused } : {}),
      ...(c.unavailable ? { unavailable: c.unavailable } : {}),
    };
  }
  const local = p.datasets.find((d) => d.role === 'training')?.estimatedUsd;
  return local === undefined ? undefined : { amount: local, currency: 'USD', source: 'local' };
}

/** "training price $4.20 (the provider's estimate, --max-cost $10.00)". */
export function describeEstimatedCost(c: EstimatedCost): string {
  const figure = c.amount !== null ? usd(c.amount) : `unknown (${c.unavailable ?? 'no estimate'})`;
  const who =
    c.source === 'provider'
      ? "the provider's estimate"
      : c.source === 'local'
        ? 'our estimate from the token count'
        : 'no estimate';
  const max = c.maxAmount !== undefined ? `, --max-cost ${usd(c.maxAmount)}` : '';
  return `training price ${figure} (${who}${max})`;
}

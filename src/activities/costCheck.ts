import type { CostCheck, CostEstimate } from '../shared/providerTypes.js';
import { usd } from '../shared/money.js';

/**
 * Whether a training price lets the run go on: the provider's own go-ahead first (it says no
 * above the account's credit, or once the spending limit is reached), then `--max-cost`. Pure,
 * so it is unit-tested; the refusal names the figure and what to change.
 */
export function costVerdict(label: string, estimate: CostEstimate, maxUsd?: number): CostCheck {
  const check: CostCheck = { ...estimate, ...(maxUsd !== undefined ? { maxUsd } : {}) };
  const figure = estimate.usd !== null ? `an estimated ${usd(estimate.usd)}` : 'an unknown price';
  if (estimate.allowedToProceed === false) {
    const limit =
      estimate.limitUsd !== undefined && estimate.limitUsd !== null
        ? ` (the account's limit is ${usd(estimate.limitUsd)})`
        : '';
    check.refused = `${label} will not go ahead with this training: ${figure}${limit}, allowed_to_proceed false. Raise the account's credit or spending limit, or train on less data, then start again. Nothing was trained.`;
    return check;
  }
  if (maxUsd === undefined) return check;
  if (estimate.usd === null) {
    check.refused = `--max-cost ${usd(maxUsd)} was given, but ${label} gave no price estimate (${estimate.unavailable ?? 'none available'}), so the cost cannot be bounded. Start without --max-cost to train anyway. Nothing was trained.`;
  } else if (estimate.usd > maxUsd) {
    check.refused = `Training would cost ${figure} (${estimate.source === 'provider' ? `${label}'s estimate` : 'our estimate from the token count'}), above --max-cost ${usd(maxUsd)}. Raise --max-cost, or train on less data or fewer epochs. Nothing was trained.`;
  }
  return check;
}

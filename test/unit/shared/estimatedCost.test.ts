import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../../src/cli/render.js';
import { describeEstimatedCost, estimatedCostOf } from '../../../src/shared/estimatedCost.js';
import type { DatasetSummary } from '../../../src/shared/types.js';

const training = (estimatedUsd?: number): DatasetSummary => ({
  role: 'training',
  path: 'train.jsonl',
  digest: 'sha256:abc',
  bytes: 10,
  format: 'chat',
  examples: 3,
  billableTokens: 300,
  overLimit: 0,
  warningCount: 0,
  ...(estimatedUsd !== undefined ? { estimatedUsd } : {}),
});

describe('estimatedCostOf: one provider-neutral price', () => {
  it("prefers the checked estimate (the provider's, with --max-cost) over our token count", () => {
    const cost = estimatedCostOf({
      datasets: [training(0.5)],
      cost: { source: 'provider', usd: 4.2, allowedToProceed: true, maxUsd: 10 },
    });
    expect(cost).toEqual({ amount: 4.2, currency: 'USD', source: 'provider', maxAmount: 10 });
    expect(describeEstimatedCost(cost!)).toBe(
      "training price $4.20 (the provider's estimate, --max-cost $10.00)",
    );
  });

  it('falls back to our estimate of the training file (OpenAI), and to nothing', () => {
    expect(estimatedCostOf({ datasets: [training(0.0042)] })).toEqual({
      amount: 0.0042,
      currency: 'USD',
      source: 'local',
    });
    expect(estimatedCostOf({ datasets: [training()] })).toBeUndefined();
    expect(estimatedCostOf({ datasets: [] })).toBeUndefined();
  });

  it('keeps why a run was refused, and says when there is no figure', () => {
    const refused = estimatedCostOf({
      datasets: [],
      cost: {
        source: 'provider',
        usd: 12,
        allowedToProceed: true,
        maxUsd: 5,
        refused: 'above --max-cost',
      },
    });
    expect(refused?.refused).toBe('above --max-cost');
    const none = estimatedCostOf({
      datasets: [],
      cost: { source: 'none', usd: null, allowedToProceed: null, unavailable: 'no price known' },
    });
    expect(describeEstimatedCost(none!)).toBe(
      'training price unknown (no price known) (no estimate)',
    );
  });

  it('is the price line of `finetune status`, for either provider', () => {
    const status = (progress: Parameters<typeof renderStatus>[0]['progress']) =>
      renderStatus({ workflowId: 'wf', execution: 'RUNNING', progress }, 0);
    expect(
      status({
        stage: 'creating_job',
        datasets: [training(0.5)],
        files: [],
        cost: { source: 'provider', usd: 4.2, allowedToProceed: true },
      }),
    ).toContain("price     $4.20 (the provider's estimate)");
    expect(status({ stage: 'training', datasets: [training(0.5)], files: [] })).toContain(
      'price     $0.50 (our estimate from the token count)',
    );
    expect(status({ stage: 'training', datasets: [training()], files: [] })).not.toContain('price');
  });
});

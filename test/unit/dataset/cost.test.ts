import { describe, expect, it } from 'vitest';
import { defaultEpochs, estimateCost } from '../../../src/dataset/index.js';
import { fixture, validate } from './support.js';

describe('cost estimate', () => {
  it.each([
    [1, 25], // 100 // 1 = 100, capped at 25
    [5, 20], // 5 × 3 < 100 → 100 // 5
    [10, 10],
    [34, 3], // 34 × 3 = 102 ≥ 100 → the target
    [8_333, 3], // 24,999 ≤ 25,000
    [10_000, 2], // 30,000 > 25,000 → 25,000 // 10,000
    [100_000, 1],
  ])('default epochs for %i examples is %i', (examples, epochs) => {
    expect(defaultEpochs(examples)).toBe(epochs);
  });

  it('prices supervised gpt-4.1 tokens from the table and honours n_epochs', () => {
    const heuristic = estimateCost({
      examples: 100,
      billableTokens: 1_000_000,
      model: 'gpt-4.1-2025-04-14',
      method: 'supervised',
    });
    expect(heuristic).toEqual({
      epochs: 3,
      epochsFrom: 'heuristic',
      estimatedTrainedTokens: 3_000_000,
      pricePerMillionUsd: 25,
      estimatedUsd: 75,
    });
    const fixed = estimateCost({
      examples: 100,
      billableTokens: 1_000_000,
      model: 'gpt-4.1-mini-2025-04-14',
      method: 'supervised',
      nEpochs: 5,
    });
    expect(fixed).toMatchObject({ epochs: 5, epochsFrom: 'nEpochs', estimatedUsd: 25 });
  });

  it('gives no dollar figure where the spec has no price', () => {
    for (const [model, method] of [
      ['gpt-4o-mini-2024-07-18', 'supervised'],
      ['gpt-4.1-2025-04-14', 'dpo'],
      ['o4-mini-2025-04-16', 'reinforcement'],
    ] as const) {
      const c = estimateCost({ examples: 50, billableTokens: 1000, model, method });
      expect(c?.estimatedUsd).toBeUndefined();
      expect(c?.estimatedTrainedTokens).toBe(3000);
      expect(c?.note).toBeTruthy();
    }
  });

  it('the report uses billable tokens × epochs', async () => {
    const r = await validate(fixture('chat-tools.jsonl'), {
      model: 'gpt-4.1-2025-04-14',
      nEpochs: 2,
    });
    expect(r.cost?.epochs).toBe(2);
    expect(r.cost?.estimatedTrainedTokens).toBe(2 * r.tokens.billableTotal);
    expect(r.cost?.estimatedUsd).toBeCloseTo((2 * r.tokens.billableTotal * 25) / 1e6, 2);
  });
});

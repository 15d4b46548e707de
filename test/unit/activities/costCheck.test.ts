import { describe, expect, it } from 'vitest';
import { costVerdict } from '../../../src/activities/costCheck.js';
import type { CostEstimate } from '../../../src/shared/providerTypes.js';

const provider = (usd: number | null, allowed: boolean | null, limit?: number): CostEstimate => ({
  source: 'provider',
  usd,
  allowedToProceed: allowed,
  ...(limit !== undefined ? { limitUsd: limit } : {}),
});

describe('costVerdict: does the price let the run go on', () => {
  it('the provider saying no stops it, with the figure and the limit', () => {
    const c = costVerdict('Together AI', provider(142.5, false, 100));
    expect(c.refused).toMatch(
      /will not go ahead .* an estimated \$142\.50 \(the account's limit is \$100\.00\)/,
    );
    expect(c.refused).toMatch(/Nothing was trained/);
  });

  it('above --max-cost stops it; at or under it goes on, keeping the figures', () => {
    expect(costVerdict('Together AI', provider(12.3, true), 10).refused).toMatch(
      /cost an estimated \$12\.30 \(Together AI's estimate\), above --max-cost \$10\.00/,
    );
    const ok = costVerdict('Together AI', provider(9.99, true), 10);
    expect(ok.refused).toBeUndefined();
    expect(ok).toMatchObject({ usd: 9.99, maxUsd: 10, allowedToProceed: true });
  });

  it('no estimate: fine without --max-cost, refused with it (the cost cannot be bounded)', () => {
    const none: CostEstimate = {
      source: 'none',
      usd: null,
      allowedToProceed: null,
      unavailable: 'no price known',
    };
    expect(costVerdict('OpenAI', none).refused).toBeUndefined();
    expect(costVerdict('OpenAI', none, 5).refused).toMatch(
      /gave no price estimate \(no price known\)/,
    );
  });

  it('our own estimate (source local) says so', () => {
    const local: CostEstimate = { source: 'local', usd: 3.2, allowedToProceed: null };
    expect(costVerdict('OpenAI', local, 1).refused).toMatch(/our estimate from the token count/);
    expect(costVerdict('OpenAI', local).refused).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import {
  chatCostUsd,
  INFERENCE_PRICE_SOURCE,
  inferencePrice,
  parseModelId,
} from '../../../src/gates/cost.js';

describe('parseModelId', () => {
  it('extracts the base of OpenAI and Azure fine-tuned ids', () => {
    expect(parseModelId('ft:gpt-4.1-mini-2025-04-14:org:suffix:abc123')).toEqual({
      base: 'gpt-4.1-mini-2025-04-14',
      fineTuned: true,
      form: 'ft-prefix',
    });
    expect(parseModelId('ft:gpt-4o-mini-2024-07-18:acme::B1x2:ckpt-step-100').base).toBe(
      'gpt-4o-mini-2024-07-18',
    );
    expect(parseModelId('gpt-4.1-mini-2025-04-14.ft-0123abcd')).toEqual({
      base: 'gpt-4.1-mini-2025-04-14',
      fineTuned: true,
      form: 'ft-suffix',
    });
    expect(parseModelId('gpt-4o-2024-08-06.ft-0123abcd-my-suffix').base).toBe('gpt-4o-2024-08-06');
    expect(parseModelId(' GPT-4o ')).toEqual({ base: 'gpt-4o', fineTuned: false, form: 'base' });
  });
});

describe('inferencePrice', () => {
  it('knows the base models, dated or not', () => {
    expect(inferencePrice('gpt-4.1-mini')).toMatchObject({
      inputPerMillion: 0.4,
      outputPerMillion: 1.6,
    });
    expect(inferencePrice('gpt-4.1-2025-04-14')).toMatchObject({
      inputPerMillion: 2,
      outputPerMillion: 8,
    });
    expect(inferencePrice('gpt-4o-mini-2024-07-18')).toMatchObject({
      inputPerMillion: 0.15,
      outputPerMillion: 0.6,
    });
    expect(inferencePrice('gpt-4o-2024-08-06')).toMatchObject({
      inputPerMillion: 2.5,
      outputPerMillion: 10,
    });
    expect(inferencePrice('gpt-4o')?.source).toBe(INFERENCE_PRICE_SOURCE);
  });

  it('prices fine-tuned models apart from their base (OpenAI and Azure alike)', () => {
    const base = inferencePrice('gpt-4.1-mini-2025-04-14')!;
    const ft = inferencePrice('ft:gpt-4.1-mini-2025-04-14:org:suffix:abc123')!;
    expect(ft.inputPerMillion).toBeGreaterThan(base.inputPerMillion);
    expect(ft).toEqual(inferencePrice('gpt-4.1-mini-2025-04-14.ft-0123abcd'));
    expect(inferencePrice('ft:gpt-4o-mini-2024-07-18:org::x')).toMatchObject({
      inputPerMillion: 0.3,
      outputPerMillion: 1.2,
    });
  });

  it('does not confuse mini with its larger sibling, nor variants with other prices', () => {
    expect(inferencePrice('gpt-4o-mini')!.inputPerMillion).toBe(0.15);
    expect(inferencePrice('gpt-4.1-nano')!.inputPerMillion).toBe(0.1);
    expect(inferencePrice('gpt-4o-audio-preview')).toBeUndefined();
    expect(inferencePrice('gpt-4o-mini-search-preview')).toBeUndefined();
  });

  it('gives no price rather than a guess', () => {
    expect(inferencePrice('some-model')).toBeUndefined();
    expect(inferencePrice('ft:davinci-002:org::x')).toBeUndefined();
    // A base that was never fine-tunable has no fine-tuned price.
    expect(inferencePrice('ft:gpt-4o-2024-05-13:org::x')).toBeUndefined();
  });
});

describe('chatCostUsd', () => {
  it('multiplies tokens by the per-million prices', () => {
    // 1M in × $0.40 + 0.5M out × $1.60
    expect(chatCostUsd('gpt-4.1-mini-2025-04-14', 1_000_000, 500_000)).toBeCloseTo(1.2, 10);
    expect(chatCostUsd('ft:gpt-4.1-2025-04-14:o:s:i', 1000, 1000)).toBeCloseTo(
      (1000 * 3 + 1000 * 12) / 1e6,
      12,
    );
    expect(chatCostUsd('gpt-4o', 0, 0)).toBe(0);
  });

  it('is undefined for unknown models and refuses negative tokens', () => {
    expect(chatCostUsd('unknown', 10, 10)).toBeUndefined();
    expect(() => chatCostUsd('gpt-4o', -1, 0)).toThrow(RangeError);
  });
});

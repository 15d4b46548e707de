import { describe, expect, it } from 'vitest';
import { batchLimits, planBatches, tokenBound } from '../../../src/providers/embeddings/batches.js';
import { OPENAI_EMBEDDING_LIMITS } from '../../../src/providers/embeddings/types.js';

describe('planBatches', () => {
  it('bounds tokens by UTF-8 bytes (one token per byte at most)', () => {
    expect(tokenBound('abc')).toBe(3);
    expect(tokenBound('é')).toBe(2);
    expect(tokenBound('😀')).toBe(4);
  });

  it('cuts by input count and by token bound, in order, nothing empty', () => {
    const texts = ['aaaa', 'bb', 'cccccc', 'd', 'ee'];
    expect(planBatches(texts, { maxInputs: 2, maxTokens: 100 })).toEqual([[0, 1], [2, 3], [4]]);
    expect(planBatches(texts, { maxInputs: 10, maxTokens: 7 })).toEqual([[0, 1], [2, 3], [4]]);
    expect(planBatches(['x'.repeat(50), 'y'], { maxInputs: 10, maxTokens: 10 })).toEqual([
      [0],
      [1],
    ]);
    expect(planBatches([], { maxInputs: 10, maxTokens: 10 })).toEqual([]);
  });

  it('never plans a request over the API limits', () => {
    const limits = batchLimits(OPENAI_EMBEDDING_LIMITS, 4096);
    expect(limits).toEqual({ maxInputs: 2048, maxTokens: 300_000 });
    const texts = Array.from({ length: 5000 }, (_, i) => 'word '.repeat(1 + (i % 400)));
    for (const b of planBatches(texts, limits)) {
      expect(b.length).toBeLessThanOrEqual(2048);
      expect(b.reduce((s, i) => s + tokenBound(texts[i]!), 0)).toBeLessThanOrEqual(300_000);
    }
  });
});

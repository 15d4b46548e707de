import { describe, expect, it } from 'vitest';
import { firstRanks, meanScores, scoreQuery } from '../../../src/gates/retrieval.js';

// Values computed by hand: log2(2) = 1, log2(3) = 1.5849625, log2(5) = 2.3219281.

describe('retrieval metrics', () => {
  const ranked = ['A', 'B', 'A', 'C', 'D'];

  it('keeps each document at its first rank, without compacting', () => {
    expect([...firstRanks(ranked, 5)]).toEqual([
      ['A', 1],
      ['B', 2],
      ['C', 4],
      ['D', 5],
    ]);
    expect([...firstRanks(ranked, 3)]).toEqual([
      ['A', 1],
      ['B', 2],
    ]);
  });

  it('two relevant documents, both found at ranks 1 and 4 (k = 5)', () => {
    const s = scoreQuery(ranked, ['A', 'C'], 5);
    expect(s.hit).toBe(1);
    expect(s.recall).toBe(1);
    expect(s.reciprocalRank).toBe(1);
    // DCG = 1/1 + 1/log2(5) = 1.4306766; IDCG = 1/1 + 1/log2(3) = 1.6309298.
    expect(s.ndcg).toBeCloseTo(1.4306766 / 1.6309298, 6);
  });

  it('k = 3 cuts C off: half the recall, nDCG 1 / 1.6309298', () => {
    const s = scoreQuery(ranked, ['A', 'C'], 3);
    expect(s.recall).toBe(0.5);
    expect(s.reciprocalRank).toBe(1);
    expect(s.ndcg).toBeCloseTo(0.6131472, 6);
  });

  it('one relevant document at rank 4: RR 0.25, nDCG 1/log2(5)', () => {
    const s = scoreQuery(ranked, ['C'], 5);
    expect(s.reciprocalRank).toBe(0.25);
    expect(s.recall).toBe(1);
    expect(s.ndcg).toBeCloseTo(0.4306766, 6);
  });

  it('a duplicate of a relevant document counts once', () => {
    expect(scoreQuery(['A', 'A', 'A'], ['A'], 3).ndcg).toBe(1);
    expect(scoreQuery(['A', 'A', 'A'], ['A', 'A'], 3).recall).toBe(1);
  });

  it('nothing relevant found, or no labels: zeros', () => {
    expect(scoreQuery(ranked, ['Z'], 5)).toEqual({ hit: 0, recall: 0, reciprocalRank: 0, ndcg: 0 });
    expect(scoreQuery(ranked, [], 5)).toEqual({ hit: 0, recall: 0, reciprocalRank: 0, ndcg: 0 });
  });

  it('means over questions', () => {
    const m = meanScores([scoreQuery(ranked, ['A', 'C'], 5), scoreQuery(ranked, ['Z'], 5)]);
    expect(m.hitRate).toBe(0.5);
    expect(m.recall).toBe(0.5);
    expect(m.mrr).toBe(0.5);
    expect(m.ndcg).toBeCloseTo(1.4306766 / 1.6309298 / 2, 6);
    expect(meanScores([])).toEqual({ hitRate: 0, recall: 0, mrr: 0, ndcg: 0 });
  });
});
